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

import { cleanApiToken } from '../../../credentials/BotPenguinInboxApi.credentials';
import { apiError } from './errors';
import {
	CREDENTIAL_TYPE,
	DEFAULT_TIMEOUT_MS,
	checkBaseUrl,
	interpretResponse,
	transportError,
	withRetries,
} from './transport';
import type { RawResponse, RetryScope } from './transport';

/**
 * What every request needs from the node's context, whichever way it is sent: the declarative
 * operations (through the hooks in routing.ts) and the two code paths (the import and the Segments
 * dropdown, through `requestJson`).
 */
type CredentialContext = Pick<IExecuteSingleFunctions, 'getCredentials' | 'getNode'>;

export async function secretsOf(context: Pick<CredentialContext, 'getCredentials'>) {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const raw = String(credentials.apiToken ?? '');
	return [raw, raw.trim(), cleanApiToken(raw)];
}

/** The request timeout: n8n's Settings → Request Options → Timeout when set, else ours. */
export function effectiveTimeout(configured: unknown): number {
	return typeof configured === 'number' && configured > 0 ? configured : DEFAULT_TIMEOUT_MS;
}

/** The credential's base URL as a bare origin, or an error naming what is wrong with it. */
export async function requireBaseUrl(
	context: CredentialContext,
	itemIndex?: number,
): Promise<string> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const checked = checkBaseUrl(credentials.baseUrl);
	if (typeof checked === 'string') return checked;
	throw new NodeOperationError(
		context.getNode(),
		`Invalid Base URL in the BotPenguin Inbox credential: ${checked.problem}`,
		{
			itemIndex,
			description:
				'Use the API host only, e.g. https://api.v7.botpenguin.com or your white-label host such as https://api-v7.express-chat.com.',
		},
	);
}

/** BotPenguin's answer as data, or the API error for it, with the token redacted. */
export async function interpret(
	context: CredentialContext,
	response: RawResponse,
	expectList: boolean,
	itemIndex?: number,
) {
	const result = interpretResponse(response, expectList, []);
	if (result.ok) return result;
	// Only the failure path needs the token, to redact it from whatever BotPenguin echoed back.
	const redacted = interpretResponse(response, expectList, await secretsOf(context));
	if (redacted.ok) return redacted;
	throw apiError(context.getNode(), { ...redacted, itemIndex });
}

export interface JsonRequest {
	method: IHttpRequestMethods;
	url: string;
	body?: IHttpRequestOptions['body'];
	qs?: IDataObject;
	baseURL: string;
}

export interface RequestSettings {
	scope: RetryScope;
	maxRetries: number;
	timeout: number;
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
	return await withRetries(
		{ node, scope: settings.scope, maxRetries: settings.maxRetries },
		async () => {
			let raw: RawResponse;
			try {
				raw = (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, {
					...request,
					...connection,
					headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
					json: true,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					timeout: settings.timeout,
				})) as RawResponse;
			} catch (error) {
				// The transport's error object holds the request options, token included: only its code leaves.
				throw transportError(node, error, settings.timeout);
			}
			return await interpret(context, raw, settings.expectList);
		},
	);
}
