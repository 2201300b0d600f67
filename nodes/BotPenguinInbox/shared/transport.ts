import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	IExecuteSingleFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	IPollFunctions,
} from 'n8n-workflow';

import { Cancelled } from './concurrency';
import type { AdaptiveConcurrency, Slot } from './concurrency';
import { CREDENTIAL_TYPE } from './credential';
import { ApiFailure, apiError } from './errors';
import { interpret } from './response';
import type { RawResponse } from './response';
import { formatDuration, withRetries } from './retry';
import type { RetryScope } from './retry';

/**
 * Sending a request to BotPenguin, for both ways the node sends one: the declarative operations
 * (routing.ts `sendRequest`, through the engine's `makeRoutingRequest`) and the code paths (the import,
 * the dropdowns and lists, the trigger: `requestJson`). What may be repeated is retry.ts's business,
 * what an answer means is response.ts's.
 */

/** n8n's own default is 5 minutes; an unattended sync should notice a stuck request sooner. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The request timeout: n8n's Settings → Request Options → Timeout when set, else ours. */
export function effectiveTimeout(configured: unknown): number {
	return typeof configured === 'number' && configured > 0 ? configured : DEFAULT_TIMEOUT_MS;
}

export interface SendSettings {
	scope: RetryScope;
	maxRetries: number;
	timeout: number;
	/** The item a transport failure is reported for. */
	itemIndex?: number;
	/**
	 * Shared by the requests of one listing or one import, with the slot this request runs in: every
	 * attempt's answer adjusts how many run at once, and a retry obeys a limit lowered while it waited.
	 */
	concurrency?: { limiter: AdaptiveConcurrency; slot: Slot };
	/** Checked when an attempt's turn comes: once it says so, nothing more is sent (`Cancelled`). */
	cancelled?: () => boolean;
}

/**
 * One request with the retry policy of its scope: `request` makes one attempt, `read` turns its answer
 * into data or an API error (it may be left out when `request` reads the answer itself, as the
 * declarative engine's postReceive does). A failure that is not the node's own (an ApiFailure or a
 * NodeOperationError) is the transport's, whose error object holds the request options, token
 * included: only its code comes out (`transportError`).
 */
export async function send<Raw, T = Raw>(
	node: INode,
	settings: SendSettings,
	request: () => Promise<Raw>,
	read: (raw: Raw) => Promise<T> = async (raw) => raw as unknown as T,
): Promise<T> {
	const { scope, maxRetries, timeout, itemIndex, concurrency, cancelled } = settings;
	const attempt = async () => {
		let raw: Raw;
		try {
			raw = await request();
		} catch (error) {
			throw error instanceof ApiFailure || error instanceof NodeOperationError
				? error
				: transportError(node, error, timeout, itemIndex);
		}
		return await read(raw);
	};
	return await withRetries(
		{ node, scope, maxRetries, wait: concurrency && concurrency.slot.wait },
		async () => {
			if (cancelled?.()) throw new Cancelled(node);
			return concurrency ? await concurrency.limiter.observe(attempt) : await attempt();
		},
	);
}

export interface JsonRequest {
	method: IHttpRequestMethods;
	url: string;
	body?: IHttpRequestOptions['body'];
	qs?: IDataObject;
	baseURL: string;
}

export interface RequestSettings extends SendSettings {
	expectList: boolean;
	/** The node's Settings → Request Options (proxy, Ignore SSL Issues), which RoutingNode applies itself. */
	requestOptions?: IDataObject;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * Settings → Request Options → Proxy and Ignore SSL Issues, as n8n's RoutingNode applies them to the
 * declarative operations, for the requests this package makes from code (the import, the Segments
 * dropdown): otherwise Get Many would work behind a proxy and the import would not.
 */
export function connectionOptions(
	node: INode,
	requestOptions: IDataObject = {},
): Pick<IHttpRequestOptions, 'proxy' | 'skipSslCertificateValidation'> {
	const options: Pick<IHttpRequestOptions, 'proxy' | 'skipSslCertificateValidation'> = {};
	if (requestOptions.allowUnauthorizedCerts === true) options.skipSslCertificateValidation = true;
	const proxy = typeof requestOptions.proxy === 'string' ? requestOptions.proxy.trim() : '';
	if (proxy) {
		let url: URL | undefined;
		try {
			url = new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
		} catch {
			url = undefined;
		}
		// URL drops a port that is the scheme's default (http://proxy:80 has port ""): put it back.
		const port = url && (url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol]);
		if (!url?.hostname || port === undefined) {
			// Never repeat a user:password of the proxy in an error (errors are stored with executions).
			const shown = proxy.replace(/\/\/[^/@]*@/, '//***@');
			throw new NodeOperationError(node, `Invalid Settings → Request Options → Proxy: "${shown}"`, {
				description: 'Enter the proxy as http://host:port, e.g. http://proxy.example.com:3128.',
			});
		}
		options.proxy = {
			host: url.hostname,
			port,
			protocol: url.protocol.replace(/:$/, ''),
			...(url.username
				? {
						auth: {
							username: decodeURIComponent(url.username),
							password: decodeURIComponent(url.password),
						},
					}
				: {}),
		};
	}
	return options;
}

/** One request from code, with the retries and error mapping the declarative operations get. */
export async function requestJson(
	context: IExecuteFunctions | IExecuteSingleFunctions | ILoadOptionsFunctions | IPollFunctions,
	request: JsonRequest,
	settings: RequestSettings,
) {
	const node: INode = context.getNode();
	const connection = connectionOptions(node, settings.requestOptions);
	return await send(
		node,
		settings,
		async () =>
			(await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, {
				...request,
				...connection,
				headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: settings.timeout,
			})) as RawResponse,
		async (raw) => await interpret(context, raw, settings.expectList),
	);
}

/**
 * A request that never got a response (reset, timeout, refused). The original error holds the request
 * options, token included, so only its code and a fixed text come out.
 */
export function transportError(node: INode, error: unknown, timeoutMs: number, itemIndex?: number) {
	const code = networkCode(error);
	const timedOut =
		code === 'ECONNABORTED' ||
		code === 'ETIMEDOUT' ||
		/timeout/i.test(String((error as Error)?.message));
	const reset = code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET';
	const message = timedOut
		? `BotPenguin did not answer within ${formatDuration(timeoutMs)}`
		: reset
			? `The connection to BotPenguin was closed before an answer arrived (${code})`
			: `Could not reach BotPenguin (${code ?? 'network error'})`;
	const description = timedOut
		? 'Raise the timeout under Settings → Request Options → Timeout if BotPenguin is slow for you.'
		: "Check the credential's Base URL and the network between n8n and BotPenguin.";
	return apiError(node, {
		message,
		description,
		itemIndex,
		info: { networkCode: timedOut ? 'ETIMEDOUT' : (code ?? 'UNKNOWN') },
	});
}

export function networkCode(error: unknown): string | undefined {
	let current = error as { code?: unknown; cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		if (typeof current.code === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(current.code))
			return current.code;
		current = current.cause as typeof current;
	}
	return undefined;
}
