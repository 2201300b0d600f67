import { sleep } from 'n8n-workflow';
import type { IDataObject, INode } from 'n8n-workflow';

import { apiError, asNodeError, failureInfo, redact } from './errors';
import type { FailureInfo } from './errors';

export const CREDENTIAL_TYPE = 'botPenguinInboxApi';
/** n8n's own default is 5 minutes; an unattended sync should notice a stuck request sooner. */
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 3;
/** Options → Max Retries: what it allows, and its value when unset. */
export const MAX_RETRIES_RANGE = { min: 0, max: 10, fallback: DEFAULT_MAX_RETRIES };

const TOKEN_HELP =
	'Check the API token in the BotPenguin Inbox credential: in BotPenguin open More → API Tokens ' +
	'(More → Developer → API Access Token on some accounts), copy the token and paste it again.';

// ---------------------------------------------------------------------------------------------
// Retry policy
// ---------------------------------------------------------------------------------------------

/**
 * Which failures may be repeated depends on what a repeat can do:
 * - `read`: listings change nothing, so every transient failure is retried.
 * - `idempotentWrite`: the import is documented as "create or update" (whatever it matches on, the same
 *   batch sent again updates the contacts the first one created) and the status update sets an
 *   absolute status; sending the same body twice leaves the same state, so these retry like reads.
 * - `write`: the chat/lead update may append its notes, so a repeat after the server might have
 *   processed the request could add them twice. Only failures that mean "not processed" are retried:
 *   429 (rejected by the rate limiter), 503 (service unavailable) and a refused connection.
 */
export type RetryScope = 'read' | 'idempotentWrite' | 'write';

const RETRY_STATUSES: Record<RetryScope, readonly number[]> = {
	read: [429, 502, 503, 504],
	idempotentWrite: [429, 502, 503, 504],
	write: [429, 503],
};

const TRANSIENT_NETWORK_CODES = [
	'ECONNRESET',
	'ECONNREFUSED',
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENOTFOUND',
	'UND_ERR_SOCKET',
];
const NOT_SENT_NETWORK_CODES = ['ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND'];

export function isRetryable(info: FailureInfo, scope: RetryScope): boolean {
	if (info.status !== undefined) return RETRY_STATUSES[scope].includes(info.status);
	if (info.networkCode === undefined) return false;
	const codes = scope === 'write' ? NOT_SENT_NETWORK_CODES : TRANSIENT_NETWORK_CODES;
	return codes.includes(info.networkCode);
}

const BASE_DELAY_MS = 500;
const MAX_BACKOFF_MS = 15_000;
/** A Retry-After far in the future would stall a whole workflow; past this, give up and report. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** Exponential backoff with "equal jitter"; a server's Retry-After wins when it gave one. */
export function retryDelay(attempt: number, retryAfterMs?: number, random = Math.random): number {
	if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, 0), MAX_RETRY_AFTER_MS);
	const ceiling = Math.min(MAX_BACKOFF_MS, BASE_DELAY_MS * 2 ** attempt);
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	if (value === undefined || value === null) return undefined;
	const text = String(Array.isArray(value) ? value[0] : value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	return isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface RetryOptions {
	node: INode;
	scope: RetryScope;
	maxRetries: number;
	/** Called before each wait, e.g. to log; never receives secrets. */
	onRetry?: (attempt: number, delayMs: number, reason: string) => void;
	/** How to wait between attempts; default `sleep` (a request in a Slot waits without it). */
	wait?: (ms: number) => Promise<void>;
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the retries are used up. The error thrown last
 * is rethrown with the number of attempts in its description.
 */
export async function withRetries<T>(options: RetryOptions, attempt: () => Promise<T>): Promise<T> {
	for (let tries = 0; ; tries++) {
		try {
			return await attempt();
		} catch (error) {
			const info = failureInfo(error);
			const retryable = info !== undefined && isRetryable(info, options.scope);
			const tooLong = info?.retryAfterMs !== undefined && info.retryAfterMs > MAX_RETRY_AFTER_MS;
			if (!retryable || tooLong || tries >= options.maxRetries) {
				if (retryable && tooLong) noteRetryAfter(error, info.retryAfterMs as number);
				if (!retryable && info !== undefined && isRetryable(info, 'read')) noteMaybeApplied(error);
				if (retryable && tries > 0) noteAttempts(error, tries + 1);
				throw asNodeError(options.node, error);
			}
			const delay = retryDelay(tries, info.retryAfterMs);
			options.onRetry?.(tries + 1, delay, (error as Error).message);
			await (options.wait ?? sleep)(delay);
		}
	}
}

/** The usual advice ("the node waits and retries") is wrong when the wait asked for is too long. */
function noteRetryAfter(error: unknown, retryAfterMs: number) {
	const target = error as { description?: string | null };
	target.description =
		`BotPenguin asked to wait ${formatDuration(retryAfterMs)} before the next request (Retry-After), more than the ` +
		`${formatDuration(MAX_RETRY_AFTER_MS)} the node waits on its own, so it did not retry. Run the workflow again later.`;
}

/** Adds a sentence to a description that may end without a full stop (e.g. an excerpt of an error page). */
function appendNote(description: string | null | undefined, note: string): string {
	const text = (description ?? '').trim();
	if (!text) return note;
	return `${text}${/[.!?]$/.test(text) ? '' : '.'} ${note}`;
}

/** A write that failed in a way that would be retried for a read: it may have been processed. */
function noteMaybeApplied(error: unknown) {
	const target = error as { description?: string | null };
	const note =
		'Not retried: BotPenguin may have applied the update before the failure, and a repeat could add its notes twice. Check the record before running this item again.';
	target.description = appendNote(target.description, note);
}

/** "300 ms", "30 s", "1.5 s", "60 min". */
export function formatDuration(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)} ms`;
	if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
	const seconds = ms / 1000;
	return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

function noteAttempts(error: unknown, attempts: number) {
	const target = error as { description?: string | null };
	const note = `Gave up after ${attempts} attempts.`;
	target.description = appendNote(target.description, note);
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

export interface RawResponse {
	statusCode: number;
	headers?: Record<string, unknown>;
	body: unknown;
}

export interface Envelope extends IDataObject {
	success?: boolean;
	message?: string;
	code?: number;
}

export type Interpretation =
	| { ok: true; envelope: Envelope; data?: IDataObject[] }
	| { ok: false; message: string; description?: string; info: FailureInfo };

function header(headers: Record<string, unknown> | undefined, name: string): unknown {
	if (!headers) return undefined;
	const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
	return key === undefined ? undefined : headers[key];
}

function snippet(text: string): string {
	const flat = text
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}

/** BotPenguin's `message` plus any strings in `data` (its validation errors come that way). */
function apiMessage(envelope: Envelope): string {
	const parts: string[] = [];
	if (typeof envelope.message === 'string' && envelope.message.trim())
		parts.push(envelope.message.trim());
	const data = envelope.data;
	if (Array.isArray(data)) {
		for (const entry of data)
			if (typeof entry === 'string' && entry.trim()) parts.push(entry.trim());
	} else if (typeof data === 'string' && data.trim()) {
		parts.push(data.trim());
	}
	return parts.join(' — ');
}

function parseBody(body: unknown): { value?: unknown; raw?: string } {
	if (typeof body !== 'string') return { value: body };
	if (body.trim() === '') return { value: undefined, raw: body };
	try {
		return { value: JSON.parse(body) };
	} catch {
		return { raw: body };
	}
}

/**
 * Turns an HTTP response (the node sends with `ignoreHttpStatusErrors`, so every status arrives here)
 * into data or a failure with a message a user can act on. `secrets` are redacted from every text.
 */
export function interpretResponse(
	response: RawResponse,
	expectList: boolean,
	secrets: readonly string[],
): Interpretation {
	const status = response.statusCode;
	const clean = (text: string) => redact(text, secrets);
	// Redacted before it is cut short too: a token cut in half by the excerpt would no longer match.
	const excerpt = (text: string) => clean(snippet(clean(text)));
	const retryAfterMs = parseRetryAfter(header(response.headers, 'retry-after'));
	const info: FailureInfo = { status, retryAfterMs };
	const { value, raw } = parseBody(response.body);
	const envelope =
		value !== null && typeof value === 'object' && !Array.isArray(value)
			? (value as Envelope)
			: undefined;
	const said = envelope ? clean(apiMessage(envelope)) : '';
	const quote = said ? `: ${said}` : '';

	if (status === 401 || (status === 400 && /token|unauthori[sz]ed|authtype/i.test(said))) {
		return {
			ok: false,
			message: `BotPenguin rejected the API token (HTTP ${status})${quote}`,
			description: TOKEN_HELP,
			info: { ...info, tokenRejected: true },
		};
	}
	if (status === 429) {
		return {
			ok: false,
			message: `BotPenguin is limiting the request rate (HTTP 429)${quote}`,
			description:
				'The node waits and retries on its own. If this keeps happening, spread the items out (Settings → Request Options → Batching), or for Contact → Create or Update lower Options → Batch Size.',
			info,
		};
	}
	if (raw !== undefined && status >= 200 && status < 300) {
		const contentType = clean(
			String(header(response.headers, 'content-type') ?? 'unknown content type'),
		);
		return {
			ok: false,
			message: `BotPenguin sent a response that is not JSON (HTTP ${status}, ${contentType})`,
			description: raw.trim() ? `It begins: ${excerpt(raw)}` : 'The body was empty.',
			info,
		};
	}
	if (status >= 500) {
		const page = raw !== undefined ? ` It sent an error page: ${excerpt(raw)}` : '';
		return {
			ok: false,
			message: `BotPenguin had a server error (HTTP ${status})${quote}`,
			description: `The service (or a proxy in front of it) failed.${page}`,
			info,
		};
	}
	if (status >= 300 && status < 400) {
		// Redirects are followed by n8n; one that arrives here (304, or a redirect loop cut short) is no answer.
		return {
			ok: false,
			message: `BotPenguin answered with a redirect (HTTP ${status}) instead of data`,
			description:
				"Check the credential's Base URL: use the API host, e.g. https://api.v7.botpenguin.com.",
			info,
		};
	}
	if (status >= 400 || status < 200) {
		const page = raw !== undefined ? ` It sent: ${excerpt(raw)}` : '';
		return {
			ok: false,
			message: `BotPenguin rejected the request (HTTP ${status})${quote}`,
			description:
				status === 404
					? `Check the credential's Base URL.${page}`
					: `Check the values of this item.${page}`,
			info,
		};
	}
	if (!envelope) {
		return {
			ok: false,
			message: `BotPenguin sent an unexpected response (HTTP ${status}): expected a JSON object`,
			description: `Received: ${excerpt(JSON.stringify(value) ?? 'nothing')}`,
			info,
		};
	}
	if (envelope.success === false) {
		return {
			ok: false,
			message: `BotPenguin reported a failure${quote || ' without a message'}`,
			description: `HTTP ${status}, code ${String(envelope.code ?? 'none')}.`,
			info,
		};
	}
	if (expectList) {
		if (!Array.isArray(envelope.data)) {
			return {
				ok: false,
				message: 'BotPenguin sent a response without a data list',
				description: `Expected "data" to be an array; got ${envelope.data === undefined ? 'no "data" field' : typeof envelope.data}.`,
				info,
			};
		}
		return { ok: true, envelope, data: envelope.data as IDataObject[] };
	}
	return { ok: true, envelope };
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
