import { sleep } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { asNodeError, failureOf } from './errors';
import type { FailureInfo } from './errors';

export const DEFAULT_MAX_RETRIES = 3;
/** Options → Max Retries: what it allows, and its value when unset. */
export const MAX_RETRIES_RANGE = { min: 0, max: 10, fallback: DEFAULT_MAX_RETRIES };

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
			const info = failureOf(error);
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
