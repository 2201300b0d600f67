import type { IDataObject } from 'n8n-workflow';

import { secretsOf } from './credential';
import type { CredentialContext } from './credential';
import { apiError, redact } from './errors';
import type { FailureInfo } from './errors';
import { parseRetryAfter } from './retry';

const TOKEN_HELP =
	'Check the API token in the BotPenguin Inbox credential: in BotPenguin open More → API Tokens ' +
	'(More → Developer → API Access Token on some accounts), copy the token and paste it again.';

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

/**
 * A value from the response as text for a message, whatever it is: a parsed body can hold objects
 * whose `toString` is not a function (`{"toString":[]}`), on which `String()` throws.
 */
function asText(value: unknown): string {
	if (typeof value === 'string') return value;
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return Object.prototype.toString.call(value);
	}
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
			description: `HTTP ${status}, code ${envelope.code === undefined || envelope.code === null ? 'none' : excerpt(asText(envelope.code))}.`,
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
