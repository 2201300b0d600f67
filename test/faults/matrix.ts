/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console */
/**
 * The fault matrix: every simulator fault against every operation of the node, run through n8n's real
 * engine (test/helpers/engine.ts). Shared by the jest suite (test/faults/matrix.test.ts, with `sleep`
 * mocked) and `npm run faults` (scripts/faults.ts, real waits), so both judge a cell the same way.
 *
 * A cell is one run of one operation with one fault armed. What it must show:
 * - it finishes (no hang) and ends in items or in an error with a message (no crash);
 * - the request count the retry policy of transport.ts predicts (attempts = 1 + retries, and only
 *   the failing page / batch is repeated);
 * - for the import, one output item per contact with status sent / rejected / failed (no loss);
 * - the API token appears nowhere: not in the items, the error (message, description, the whole
 *   object), the run data, n8n's logs or anything written to stdout / stderr.
 */
import { inspect } from 'node:util';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { logs, runNode } from '../helpers/engine';
import { someEmail } from '../helpers/scenario';
import type { RunResult } from '../helpers/engine';
import { startSimulator } from '../simulator/server';
import type { Fault, Simulator, SimulatorOptions } from '../simulator/server';
import { DEFAULT_MAX_RETRIES } from '../../nodes/BotPenguinInbox/shared/retry';
import type { RetryScope } from '../../nodes/BotPenguinInbox/shared/retry';

export const MAX_RETRIES = DEFAULT_MAX_RETRIES;
/** Attempts of a request that keeps failing with a retryable fault. */
export const ATTEMPTS_WHEN_PERSISTENT = 1 + MAX_RETRIES;
/**
 * Request timeout of the "slow" rows, set through n8n's Settings → Request Options → Timeout. It
 * applies to every request of the cell, so a healthy one must answer within it even on a busy machine.
 */
export const SLOW_TIMEOUT_MS = 1000;
export const SLOW_DELAY_MS = 2500;
/** Max Pages of the "endless" row. */
export const ENDLESS_MAX_PAGES = 3;
/** Upsert runs with these many valid contacts (+ one invalid) in batches of IMPORT_BATCH_SIZE. */
export const IMPORT_VALID = 5;
export const IMPORT_BATCH_SIZE = 2;
export const IMPORT_BATCHES = Math.ceil(IMPORT_VALID / IMPORT_BATCH_SIZE);
/**
 * The parallel columns: Parallel Requests 4 for Get Many over pages of 5 (so the pages in flight after
 * page 1 all hold data), 3 for an import of PARALLEL_IMPORT_VALID contacts in batches of 2.
 */
export const PARALLEL_PAGES = 4;
export const PARALLEL_PAGE_SIZE = 5;
export const PARALLEL_BATCHES = 3;
export const PARALLEL_IMPORT_VALID = 12;

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

export type OperationKind = 'list' | 'paged' | 'write' | 'import';

export interface OperationSpec {
	/** Column id, e.g. "contact.getAll". */
	id: string;
	kind: OperationKind;
	scope: RetryScope;
	method: string;
	path: string;
	/** Which matching request the fault starts at: page 2 of a paged run, batch 2 of the import. */
	faultAfter: number;
	parameters(sim: Simulator): INodeParameters;
	items?: IDataObject[];
	continueOnFail?: boolean;
	/** Options → Parallel Requests above 1: the outcome is judged by bounds (see `expectedParallel`). */
	parallel?: number;
	/** Simulator options of the column's own simulator. */
	simulator?: SimulatorOptions;
}

/** Index (in the input) of the contact that is invalid and must come out as `rejected`. */
export const IMPORT_INVALID_INDEX = 3;

function importItems(valid = IMPORT_VALID): IDataObject[] {
	const items: IDataObject[] = [];
	for (let n = 0; n < valid; n++) {
		items.push({
			phone: `+91 98765 4${String(3210 + n).padStart(4, '0')}`,
			name: `Fault Contact ${n + 1}`,
		});
	}
	items.splice(IMPORT_INVALID_INDEX, 0, { phone: 'call me maybe', name: 'Invalid Contact' });
	return items;
}

function conversation(sim: Simulator, isLead: boolean) {
	const chat = sim.state.chats.find((candidate) => candidate.isLead === isLead);
	if (!chat) throw new Error(`The simulator holds no ${isLead ? 'lead' : 'chat'}`);
	return chat;
}

/**
 * The sequential columns: one page / one batch at a time, so the retry policy predicts the exact
 * requests; the ×N columns cover parallel requests.
 */
const SEQUENTIAL = { options: { parallelRequests: 1 } };

function twoContactIds(sim: Simulator): string {
	return sim.state.contacts
		.filter((contact) => contact.status !== 'DELETED')
		.slice(0, 2)
		.map((contact) => contact._id)
		.join(', ');
}

const updateFields = {
	status: 'CLOSED',
	notes: { note: [{ title: 'Fault matrix', description: 'written by the fault matrix' }] },
};

/** Chats and leads: the same two endpoints, told apart by the resource (and the listing's `type`). */
function conversationOperations(resource: 'chat' | 'lead'): OperationSpec[] {
	const ids = (sim: Simulator) => ({ resource, botId: sim.botId, customerId: sim.customerId });
	return [
		{
			id: `${resource}.getAll`,
			kind: 'paged',
			scope: 'read',
			method: 'GET',
			path: '/inbox/direct/chats',
			faultAfter: 1,
			parameters: (sim) => ({ ...ids(sim), ...SEQUENTIAL, operation: 'getAll', returnAll: true }),
		},
		{
			id: `${resource}.update`,
			kind: 'write',
			scope: 'write',
			method: 'PUT',
			path: '/inbox/direct/lead',
			faultAfter: 0,
			parameters: (sim) => ({
				...ids(sim),
				operation: 'update',
				uuid: conversation(sim, resource === 'lead').uuid,
				updateFields,
			}),
		},
	];
}

export const OPERATIONS: OperationSpec[] = [
	{
		id: 'segment.getAll',
		kind: 'list',
		scope: 'read',
		method: 'GET',
		path: '/inbox/segments',
		faultAfter: 0,
		parameters: () => ({ resource: 'segment', operation: 'getAll', returnAll: true }),
	},
	{
		id: 'contact.upsert',
		kind: 'import',
		scope: 'idempotentWrite',
		method: 'POST',
		path: '/inbox/users/import',
		faultAfter: 1,
		parameters: () => ({
			resource: 'contact',
			operation: 'upsert',
			source: 'fields',
			phone: '={{ $json.phone }}',
			name: '={{ $json.name }}',
			options: { batchSize: IMPORT_BATCH_SIZE, parallelRequests: 1 },
		}),
		items: importItems(),
		continueOnFail: true,
	},
	{
		id: 'contact.getAll',
		kind: 'paged',
		scope: 'read',
		method: 'POST',
		path: '/inbox/users',
		faultAfter: 1,
		parameters: () => ({
			resource: 'contact',
			operation: 'getAll',
			returnAll: true,
			...SEQUENTIAL,
		}),
	},
	{
		// A lookup reads pages too: its first page, then the empty page that ends the search.
		id: 'contact.get',
		kind: 'paged',
		scope: 'read',
		method: 'POST',
		path: '/inbox/users',
		faultAfter: 1,
		parameters: (sim) => ({
			resource: 'contact',
			operation: 'get',
			lookupBy: 'email',
			email: someEmail(sim),
		}),
	},
	{
		id: 'contact.updateStatus',
		kind: 'write',
		scope: 'idempotentWrite',
		method: 'PUT',
		path: '/inbox/users/status-update',
		faultAfter: 0,
		parameters: (sim) => ({
			resource: 'contact',
			operation: 'updateStatus',
			contactIds: twoContactIds(sim),
			status: 'CLOSED',
		}),
	},
	{
		id: 'contact.delete',
		kind: 'write',
		scope: 'idempotentWrite',
		method: 'PUT',
		path: '/inbox/users/status-update',
		faultAfter: 0,
		parameters: (sim) => ({
			resource: 'contact',
			operation: 'delete',
			contactIds: twoContactIds(sim),
		}),
	},
	...conversationOperations('chat'),
	...conversationOperations('lead'),
	{
		id: 'contact.getAll×4',
		kind: 'paged',
		scope: 'read',
		method: 'POST',
		path: '/inbox/users',
		faultAfter: 1,
		parallel: PARALLEL_PAGES,
		simulator: { pageSize: PARALLEL_PAGE_SIZE },
		parameters: () => ({
			resource: 'contact',
			operation: 'getAll',
			returnAll: true,
			options: { parallelRequests: PARALLEL_PAGES },
		}),
	},
	{
		id: 'contact.upsert×3',
		kind: 'import',
		scope: 'idempotentWrite',
		method: 'POST',
		path: '/inbox/users/import',
		faultAfter: 1,
		parallel: PARALLEL_BATCHES,
		parameters: () => ({
			resource: 'contact',
			operation: 'upsert',
			source: 'fields',
			phone: '={{ $json.phone }}',
			name: '={{ $json.name }}',
			options: { batchSize: IMPORT_BATCH_SIZE, parallelRequests: PARALLEL_BATCHES },
		}),
		items: importItems(PARALLEL_IMPORT_VALID),
		continueOnFail: true,
	},
];

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

const ALL_SCOPES: readonly RetryScope[] = ['read', 'idempotentWrite', 'write'];
const SAFE_TO_REPEAT: readonly RetryScope[] = ['read', 'idempotentWrite'];
const NEVER: readonly RetryScope[] = [];

export interface FaultRow {
	/** Short id for filtering on the command line. */
	id: string;
	/** Row label of the printed matrix. */
	label: string;
	/** The fault, without path / afterRequests (the operation decides where it strikes). */
	fault?: (context: { token: string }) => Omit<Fault, 'path' | 'method' | 'afterRequests'>;
	/** Every later matching request fails too (`times: Infinity`). */
	persistent?: boolean;
	/** Scopes (transport.ts) in which the failure is retried. */
	retriedIn: readonly RetryScope[];
	/** No response at all (reset, timeout): the import treats it as fatal and stops sending. */
	network?: boolean;
	/** Fails every request alike (bad token): the import stops sending. */
	fatal?: boolean;
	/** Paging guards (ignorePage / repeatPage / endless): the error comes from the loop guard. */
	paging?: 'repeat' | 'endless';
	/** Kinds of operation the fault can apply to (default: all). */
	appliesTo?: readonly OperationKind[];
	/** Extra node parameters for this row (merged into `options` / `requestOptions`). */
	parameters?: INodeParameters;
	/** What the error message must say when the cell ends in an error. */
	message?: RegExp;
	/** What the error description must contain, if anything. */
	description?: RegExp;
	/** How long each retry wait may be (jest checks the delays `sleep` was asked for). */
	delay?: 'retryAfter1' | 'retryAfterDate' | 'backoff';
}

const LIST_KINDS: readonly OperationKind[] = ['list', 'paged'];
const PAGED: readonly OperationKind[] = ['paged'];

/** A distinctive token per simulator, so a leak can be traced to its cell. */
export function makeToken(label: string): string {
	const random = Math.random().toString(36).slice(2, 10);
	return `bp-secret-TOKEN-${label}-${random}`;
}

const status =
	(code: number, extra: Partial<Fault> = {}) =>
	() => ({
		kind: 'status' as const,
		status: code,
		...extra,
	});

export const FAULTS: FaultRow[] = [
	{ id: 'none', label: 'no fault (baseline)', retriedIn: NEVER },
	{
		id: '429-s',
		label: '429 Retry-After: 1',
		fault: status(429, { retryAfter: '1' }),
		retriedIn: ALL_SCOPES,
		message: /limiting the request rate \(HTTP 429\)/,
		delay: 'retryAfter1',
	},
	{
		id: '429-date',
		label: '429 Retry-After: <date +2 s>',
		fault: () => ({ kind: 'status', status: 429, retryAfterDateMs: 2000 }),
		retriedIn: ALL_SCOPES,
		message: /limiting the request rate \(HTTP 429\)/,
		delay: 'retryAfterDate',
	},
	{
		id: '429-persistent',
		label: '429 persistent (Retry-After: 1)',
		fault: status(429, { retryAfter: '1' }),
		persistent: true,
		retriedIn: ALL_SCOPES,
		message: /limiting the request rate \(HTTP 429\)/,
		description: /Gave up after 4 attempts/,
		delay: 'retryAfter1',
	},
	{
		id: '429-3600',
		label: '429 Retry-After: 3600 (> 60 s cap)',
		fault: status(429, { retryAfter: '3600' }),
		retriedIn: NEVER,
		message: /limiting the request rate \(HTTP 429\)/,
		description: /asked to wait 60 min .*did not retry/,
	},
	{
		id: '500',
		label: '500',
		fault: status(500),
		retriedIn: NEVER,
		message: /server error \(HTTP 500\)/,
	},
	{
		id: '502',
		label: '502',
		fault: status(502),
		retriedIn: SAFE_TO_REPEAT,
		message: /server error \(HTTP 502\)/,
		delay: 'backoff',
	},
	{
		id: '502-persistent',
		label: '502 persistent',
		fault: status(502),
		persistent: true,
		retriedIn: SAFE_TO_REPEAT,
		message: /server error \(HTTP 502\)/,
		delay: 'backoff',
	},
	{
		id: '503',
		label: '503',
		fault: status(503),
		retriedIn: ALL_SCOPES,
		message: /server error \(HTTP 503\)/,
		delay: 'backoff',
	},
	{
		id: '503-persistent',
		label: '503 persistent',
		fault: status(503),
		persistent: true,
		retriedIn: ALL_SCOPES,
		message: /server error \(HTTP 503\)/,
		description: /Gave up after 4 attempts/,
		delay: 'backoff',
	},
	{
		id: '504',
		label: '504',
		fault: status(504),
		retriedIn: SAFE_TO_REPEAT,
		message: /server error \(HTTP 504\)/,
		delay: 'backoff',
	},
	{
		id: '504-persistent',
		label: '504 persistent',
		fault: status(504),
		persistent: true,
		retriedIn: SAFE_TO_REPEAT,
		message: /server error \(HTTP 504\)/,
		delay: 'backoff',
	},
	{
		id: 'html',
		label: '502 HTML error page',
		fault: () => ({ kind: 'html' }),
		retriedIn: SAFE_TO_REPEAT,
		message: /server error \(HTTP 502\)/,
		description: /502 Bad Gateway/,
		delay: 'backoff',
	},
	{
		id: 'html-persistent',
		label: '502 HTML error page persistent',
		fault: () => ({ kind: 'html' }),
		persistent: true,
		retriedIn: SAFE_TO_REPEAT,
		message: /server error \(HTTP 502\)/,
		description: /502 Bad Gateway/,
		delay: 'backoff',
	},
	{
		id: 'invalid-json',
		label: 'invalid JSON (HTTP 200)',
		fault: () => ({ kind: 'invalidJson' }),
		retriedIn: NEVER,
		message: /not JSON/,
		description: /It begins: \{"success":true/,
	},
	{
		id: 'missing-data',
		label: 'missing data array (HTTP 200)',
		fault: () => ({ kind: 'missingData' }),
		retriedIn: NEVER,
		appliesTo: LIST_KINDS,
		message: /without a data list/,
	},
	{
		id: 'success-false',
		label: 'success:false (HTTP 200)',
		fault: () => ({ kind: 'successFalse', message: 'Quota for this bot is exhausted' }),
		retriedIn: NEVER,
		message: /reported a failure: Quota for this bot is exhausted/,
	},
	{
		id: 'success-false-token',
		label: 'success:false echoing the token',
		fault: ({ token }) => ({ kind: 'successFalse', message: `Key ${token} is not allowed here` }),
		retriedIn: NEVER,
		message: /reported a failure: Key \*\*\* is not allowed here/,
	},
	{
		id: '401-token',
		label: '401 echoing the token',
		fault: ({ token }) => ({
			kind: 'status',
			status: 401,
			message: `Invalid token: Bearer ${token}`,
		}),
		retriedIn: NEVER,
		fatal: true,
		message: /rejected the API token \(HTTP 401\): Invalid token: Bearer \*\*\*/,
	},
	{
		id: 'slow',
		label: `slow (${SLOW_DELAY_MS} ms > timeout ${SLOW_TIMEOUT_MS} ms)`,
		fault: () => ({ kind: 'slow', delayMs: SLOW_DELAY_MS }),
		retriedIn: SAFE_TO_REPEAT,
		network: true,
		parameters: { requestOptions: { timeout: SLOW_TIMEOUT_MS } },
		message: /did not answer within 1 s/,
		delay: 'backoff',
	},
	{
		id: 'slow-persistent',
		label: 'slow persistent',
		fault: () => ({ kind: 'slow', delayMs: SLOW_DELAY_MS }),
		persistent: true,
		retriedIn: SAFE_TO_REPEAT,
		network: true,
		parameters: { requestOptions: { timeout: SLOW_TIMEOUT_MS } },
		message: /did not answer within 1 s/,
		delay: 'backoff',
	},
	{
		id: 'reset',
		label: 'connection reset',
		fault: () => ({ kind: 'reset' }),
		retriedIn: SAFE_TO_REPEAT,
		network: true,
		message: /connection to BotPenguin was closed before an answer arrived \(ECONNRESET\)/,
		delay: 'backoff',
	},
	{
		id: 'reset-persistent',
		label: 'connection reset persistent',
		fault: () => ({ kind: 'reset' }),
		persistent: true,
		retriedIn: SAFE_TO_REPEAT,
		network: true,
		message: /connection to BotPenguin was closed before an answer arrived \(ECONNRESET\)/,
		delay: 'backoff',
	},
	{
		id: 'ignore-page',
		label: 'server ignores page',
		fault: () => ({ kind: 'ignorePage' }),
		persistent: true,
		retriedIn: NEVER,
		paging: 'repeat',
		appliesTo: PAGED,
		message: /page 2 with only records it had already sent/,
	},
	{
		id: 'repeat-page',
		label: 'server repeats the previous page',
		fault: () => ({ kind: 'repeatPage' }),
		persistent: true,
		retriedIn: NEVER,
		paging: 'repeat',
		appliesTo: PAGED,
		message: /page 2 with only records it had already sent/,
	},
	{
		id: 'endless',
		label: `never an empty page (Max Pages ${ENDLESS_MAX_PAGES})`,
		fault: () => ({ kind: 'endless' }),
		persistent: true,
		retriedIn: NEVER,
		paging: 'endless',
		appliesTo: PAGED,
		parameters: { options: { maxPages: ENDLESS_MAX_PAGES } },
		message: new RegExp(`Stopped after ${ENDLESS_MAX_PAGES} pages`),
	},
];

export function applies(row: FaultRow, op: OperationSpec): boolean {
	return !row.appliesTo || row.appliesTo.includes(op.kind);
}

// ---------------------------------------------------------------------------------------------
// Expectations
// ---------------------------------------------------------------------------------------------

/** What a fault-free run of the operation does (measured once per operation). */
export interface Baseline {
	requests: number;
	items: number;
}

export interface Expected {
	outcome: 'ok' | 'error' | 'partial';
	requests: number;
	/** Sleeps between attempts (= retries over the whole run). */
	retries: number;
	/** Output items (list / write operations that succeed). */
	items?: number;
	/** Import: how the valid contacts end up. */
	sent?: number;
	failed?: number;
	/** Parallel columns: the most requests / waits / sent contacts (the least is the field above). */
	requestsAtMost?: number;
	retriesAtMost?: number;
	sentAtMost?: number;
	/** Requests side by side: the waits of several retry series interleave. */
	interleaved?: boolean;
}

/** The outcome transport.ts's retry policy predicts for one cell. */
export function expectedOutcome(row: FaultRow, op: OperationSpec, base: Baseline): Expected {
	if (op.parallel) return { ...expectedParallel(row, op, base, op.parallel), interleaved: true };
	if (!row.fault) return { outcome: 'ok', requests: base.requests, retries: 0, items: base.items };
	if (row.paging === 'repeat') return { outcome: 'error', requests: 2, retries: 0 };
	if (row.paging === 'endless')
		return { outcome: 'error', requests: ENDLESS_MAX_PAGES, retries: 0 };

	const retried = row.retriedIn.includes(op.scope);
	const attempts = !retried ? 1 : row.persistent ? ATTEMPTS_WHEN_PERSISTENT : 2;
	const requestFails = !retried || !!row.persistent;

	if (op.kind !== 'import') {
		if (!requestFails)
			return { outcome: 'ok', requests: base.requests + 1, retries: 1, items: base.items };
		return { outcome: 'error', requests: op.faultAfter + attempts, retries: attempts - 1 };
	}

	// The import: batches of 2, 2 and 1 contacts; the fault strikes from batch 2 on.
	if (!requestFails) {
		return {
			outcome: 'ok',
			requests: base.requests + 1,
			retries: 1,
			sent: IMPORT_VALID,
			failed: 0,
		};
	}
	if (row.fatal || row.network) {
		// A failure without a response (or a rejected token) stops the import: batch 3 is not sent.
		return {
			outcome: 'partial',
			requests: 1 + attempts,
			retries: attempts - 1,
			sent: IMPORT_BATCH_SIZE,
			failed: IMPORT_VALID - IMPORT_BATCH_SIZE,
		};
	}
	if (row.persistent) {
		// Batch 3 meets the same fault and fails on its own after its own attempts.
		return {
			outcome: 'partial',
			requests: 1 + 2 * attempts,
			retries: 2 * (attempts - 1),
			sent: IMPORT_BATCH_SIZE,
			failed: IMPORT_VALID - IMPORT_BATCH_SIZE,
		};
	}
	// Only batch 2 fails; batch 3 is still sent.
	return {
		outcome: 'partial',
		requests: 1 + attempts + 1,
		retries: attempts - 1,
		sent: IMPORT_VALID - IMPORT_BATCH_SIZE,
		failed: IMPORT_BATCH_SIZE,
	};
}

/**
 * The parallel columns. The fault strikes from the second request on, which after page 1 / batch 1
 * (sent alone) is one of the N sent side by side, so which page or batch meets it varies; what must
 * hold does not:
 * - a passing fault costs one retry and changes nothing else;
 * - a page that fails for good fails the run; the pages in flight with it are finished or cancelled,
 *   each with at most its own attempts, and at most N pages are asked for past it;
 * - an import batch that fails affects its own contacts only, unless the failure is fatal: then no
 *   batch starts after it (those already in flight still end as sent or failed).
 */
export function expectedParallel(
	row: FaultRow,
	op: OperationSpec,
	base: Baseline,
	parallel: number,
): Expected {
	if (!row.fault) return { outcome: 'ok', requests: base.requests, retries: 0, items: base.items };
	if (row.paging === 'repeat')
		return { outcome: 'error', requests: 2, requestsAtMost: 1 + parallel, retries: 0 };
	if (row.paging === 'endless')
		return { outcome: 'error', requests: ENDLESS_MAX_PAGES, retries: 0 };

	const retried = row.retriedIn.includes(op.scope);
	const attempts = !retried ? 1 : row.persistent ? ATTEMPTS_WHEN_PERSISTENT : 2;
	const requestFails = !retried || !!row.persistent;
	if (!requestFails) {
		// A 429 / 503 lowers the limit, so fewer pages are asked for past the end of the listing.
		const throttles = op.kind !== 'import' && /^(429|503)/.test(row.id);
		const ok = {
			outcome: 'ok' as const,
			requests: base.requests + 1 - (throttles ? parallel - 1 : 0),
			requestsAtMost: base.requests + 1,
			retries: 1,
		};
		return op.kind === 'import'
			? { ...ok, sent: PARALLEL_IMPORT_VALID, failed: 0 }
			: { ...ok, items: base.items };
	}
	if (op.kind !== 'import') {
		// At least page 1 and the failing page's attempts; at most every page in flight with all of
		// its attempts, and the pages asked for ahead while the pages before the failing one arrive.
		const wave = row.persistent ? parallel : 1;
		return {
			outcome: 'error',
			requests: 1 + attempts,
			requestsAtMost: 1 + wave * attempts + parallel * 2,
			retries: attempts - 1,
			retriesAtMost: wave * (attempts - 1),
		};
	}
	const batches = Math.ceil(PARALLEL_IMPORT_VALID / IMPORT_BATCH_SIZE);
	const later = batches - 1;
	if (row.fatal || row.network) {
		// Batch 1 is sent; the first failure that ends for good stops every batch not yet started.
		// Batches in flight with it may still be sent (a passing fault) or fail on their own.
		return {
			outcome: 'partial',
			requests: 1 + attempts,
			requestsAtMost: 1 + later * attempts,
			retries: attempts - 1,
			retriesAtMost: later * (attempts - 1),
			sent: IMPORT_BATCH_SIZE,
			sentAtMost: row.persistent ? IMPORT_BATCH_SIZE : PARALLEL_IMPORT_VALID - IMPORT_BATCH_SIZE,
			failed: 0,
		};
	}
	if (row.persistent) {
		return {
			outcome: 'partial',
			requests: 1 + later * attempts,
			retries: later * (attempts - 1),
			sent: IMPORT_BATCH_SIZE,
			failed: PARALLEL_IMPORT_VALID - IMPORT_BATCH_SIZE,
		};
	}
	return {
		outcome: 'partial',
		requests: base.requests + attempts - 1,
		retries: attempts - 1,
		sent: PARALLEL_IMPORT_VALID - IMPORT_BATCH_SIZE,
		failed: IMPORT_BATCH_SIZE,
	};
}

/** Checks the waits `sleep` was asked for (jest, where `sleep` is mocked). Returns a problem or undefined. */
export function checkDelays(
	row: FaultRow,
	expected: Expected,
	delays: number[],
): string | undefined {
	const most = expected.retriesAtMost ?? expected.retries;
	if (delays.length < expected.retries || delays.length > most) {
		const wanted =
			most === expected.retries ? `${expected.retries}` : `${expected.retries}–${most}`;
		return `expected ${wanted} waits, the node asked for ${delays.length}: [${delays.join(', ')}]`;
	}
	if (expected.interleaved && row.delay === 'backoff') {
		// Pages / batches side by side each start their own series; their waits interleave.
		const longest = 500 * 2 ** (MAX_RETRIES - 1);
		const wrong = delays.find((delay) => delay < 250 || delay > longest);
		return wrong === undefined
			? undefined
			: `a wait was ${wrong} ms, expected within [250, ${longest}] ms (backoff)`;
	}
	if (expected.interleaved) {
		const rule = row.delay === 'retryAfter1' ? (delay: number) => delay === 1000 : () => true;
		const dated = row.delay === 'retryAfterDate';
		const wrong = delays.find((delay) => !rule(delay) || (dated && (delay <= 0 || delay > 2000)));
		return wrong === undefined ? undefined : `a wait was ${wrong} ms, not what ${row.label} asks`;
	}
	if (delays.length !== expected.retries) {
		return `expected ${expected.retries} waits, the node asked for ${delays.length}: [${delays.join(', ')}]`;
	}
	for (const [index, delay] of delays.entries()) {
		let ok = true;
		let bounds = '';
		if (row.delay === 'retryAfter1') {
			ok = delay === 1000;
			bounds = '= 1000 ms (Retry-After: 1)';
		} else if (row.delay === 'retryAfterDate') {
			ok = delay > 0 && delay <= 2000;
			bounds = 'in (0, 2000] ms (Retry-After date 2 s ahead)';
		} else if (row.delay === 'backoff') {
			// Each failing request starts its own series: 500·2^n ms ceiling, equal jitter.
			const ceiling = Math.min(15_000, 500 * 2 ** (index % MAX_RETRIES));
			ok = delay >= ceiling / 2 && delay <= ceiling;
			bounds = `in [${ceiling / 2}, ${ceiling}] ms (backoff step ${index % MAX_RETRIES})`;
		}
		if (!ok) return `wait ${index + 1} was ${delay} ms, expected ${bounds}`;
	}
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// Running a cell
// ---------------------------------------------------------------------------------------------

export type CellStatus = 'n/a' | 'ok' | 'error' | 'partial' | 'hang';

export interface CellResult {
	row: FaultRow;
	op: OperationSpec;
	status: CellStatus;
	requests: number;
	/** Pages requested, in order (paged operations). */
	pages: number[];
	items: IDataObject[];
	message?: string;
	description?: string;
	expected?: Expected;
	/** Hang / crash / loss / leak / unexpected outcome. Empty = the cell is fine. */
	problems: string[];
	durationMs: number;
}

/** Captures everything written to stdout / stderr / console while it is on (n8n's ErrorReporter logs there). */
export class OutputCapture {
	text = '';
	private restore?: () => void;

	start(passThrough = false): void {
		const keep = (chunk: unknown) => {
			this.text +=
				typeof chunk === 'string'
					? chunk
					: Buffer.isBuffer(chunk)
						? chunk.toString('utf8')
						: String(chunk);
		};
		const undo: (() => void)[] = [];
		// winston (n8n's logger) writes to `console._stdout`, which under jest workers is not process.stdout.
		const host = console as unknown as {
			_stdout?: NodeJS.WritableStream;
			_stderr?: NodeJS.WritableStream;
		};
		const streams = new Set(
			[process.stdout, process.stderr, host._stdout, host._stderr].filter(Boolean),
		);
		for (const stream of streams as Set<NodeJS.WritableStream>) {
			const own = Object.prototype.hasOwnProperty.call(stream, 'write');
			const original = stream.write;
			stream.write = ((chunk: unknown, ...rest: unknown[]) => {
				keep(chunk);
				return passThrough ? original.call(stream, chunk as string, ...(rest as [])) : true;
			}) as typeof stream.write;
			undo.push(() => {
				if (own) stream.write = original;
				else delete (stream as { write?: unknown }).write;
			});
		}
		const methods = ['log', 'error', 'warn', 'info', 'debug'] as const;
		for (const name of methods) {
			const original = console[name];
			console[name] = (...args: unknown[]) =>
				keep(
					`${args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 6 }))).join(' ')}\n`,
				);
			undo.push(() => (console[name] = original));
		}
		this.restore = () => undo.reverse().forEach((step) => step());
	}

	stop(): string {
		this.restore?.();
		this.restore = undefined;
		return this.text;
	}
}

/** JSON of anything, cycles and all (errors carry their node, workflows point back to themselves). */
export function dump(value: unknown): string {
	const seen = new WeakSet<object>();
	try {
		return (
			JSON.stringify(value, (_key, inner: unknown) => {
				if (typeof inner === 'bigint') return String(inner);
				if (inner instanceof Error) {
					const plain: Record<string, unknown> = {
						name: inner.name,
						message: inner.message,
						stack: inner.stack,
					};
					for (const key of Object.getOwnPropertyNames(inner))
						plain[key] = (inner as unknown as Record<string, unknown>)[key];
					if (seen.has(inner)) return '[seen]';
					seen.add(inner);
					return plain;
				}
				if (inner !== null && typeof inner === 'object') {
					if (seen.has(inner)) return '[seen]';
					seen.add(inner);
				}
				return inner;
			}) ?? ''
		);
	} catch (error) {
		return `[not serialisable: ${(error as Error).message}]`;
	}
}

/** Every text the node produced in a run: output items, the error (all of it) and the run data. */
export function producedTexts(result: RunResult | undefined): Record<string, string> {
	if (!result) return {};
	const { error } = result;
	return {
		'output items': dump(result.items),
		'error message': String(error?.message ?? ''),
		'error description': String(error?.description ?? ''),
		'error object': error
			? `${dump(error)}\n${inspect(error, { depth: 8, showHidden: true })}\n${String(error.stack)}`
			: '',
		'run data': dump(result.run.data),
	};
}

/** Where the token shows up, if anywhere. */
export function findToken(token: string, texts: Record<string, string>): string[] {
	return Object.entries(texts)
		.filter(([, text]) => text.includes(token))
		.map(([where]) => where);
}

/** Messages that say nothing: n8n's fallbacks and raw JavaScript errors. */
const MEANINGLESS = [
	/^\s*$/,
	/^undefined$/i,
	/^\[object Object\]$/,
	/UNKNOWN ERROR/i,
	/^Unknown error$/i,
	/cannot read propert/i,
	/is not a function/i,
	/is not defined/i,
	/^Request failed with status code/i,
	/^socket hang up$/i,
	/^timeout of \d+ms exceeded$/i,
];

export function isMeaningless(message: string | undefined): boolean {
	return message === undefined || MEANINGLESS.some((pattern) => pattern.test(message));
}

function pageOf(op: OperationSpec, request: Simulator['requests'][number]): number | undefined {
	if (op.kind !== 'paged') return undefined;
	const raw =
		op.method === 'GET' ? request.query.page : (request.body as IDataObject | undefined)?.page;
	const page = Number(raw);
	return Number.isFinite(page) ? page : undefined;
}

function mergeParameters(base: INodeParameters, extra: INodeParameters = {}): INodeParameters {
	const merged: INodeParameters = { ...base };
	for (const [key, value] of Object.entries(extra)) {
		const current = merged[key];
		merged[key] =
			current &&
			typeof current === 'object' &&
			!Array.isArray(current) &&
			value &&
			typeof value === 'object'
				? { ...(current as INodeParameters), ...(value as INodeParameters) }
				: value;
	}
	return merged;
}

export interface CellEnvironment {
	sim: Simulator;
	/** Give up waiting for the run after this long and call the cell a hang. */
	deadlineMs: number;
}

export interface RawRun {
	result?: RunResult;
	thrown?: unknown;
	hung: boolean;
	requests: Simulator['requests'];
	durationMs: number;
}

/** Runs one cell on a freshly reset simulator; judging is separate (see `judgeCell`). */
export async function runCell(
	row: FaultRow,
	op: OperationSpec,
	env: CellEnvironment,
): Promise<RawRun> {
	const { sim } = env;
	sim.reset();
	const fault = row.fault?.({ token: sim.token });
	if (fault) {
		sim.addFault({
			...fault,
			path: op.path,
			method: op.method,
			afterRequests: row.paging ? 0 : op.faultAfter,
			times: row.persistent ? Infinity : 1,
		});
	}
	const started = Date.now();
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<'hang'>((resolve) => {
		timer = setTimeout(() => resolve('hang'), env.deadlineMs);
	});
	let result: RunResult | undefined;
	let thrown: unknown;
	let hung = false;
	try {
		const run = runNode({
			parameters: mergeParameters(op.parameters(sim), row.parameters),
			credentials: { apiToken: sim.token, baseUrl: sim.url },
			items: op.items,
			continueOnFail: op.continueOnFail,
		});
		const winner = await Promise.race([run, deadline]);
		if (winner === 'hang') hung = true;
		else result = winner;
	} catch (error) {
		thrown = error;
	} finally {
		clearTimeout(timer);
	}
	return { result, thrown, hung, requests: [...sim.requests], durationMs: Date.now() - started };
}

function plural(count: number, word: string): string {
	return `${count} ${word}${count === 1 ? '' : word.endsWith('y') ? '' : 's'}`;
}

/** Judges one run: outcome, request count, items, token. `extraTexts` are logs / console output of the run. */
export function judgeCell(
	row: FaultRow,
	op: OperationSpec,
	base: Baseline,
	run: RawRun,
	token: string,
	extraTexts: Record<string, string>,
): CellResult {
	const expected = expectedOutcome(row, op, base);
	const problems: string[] = [];
	const items = (run.result?.items ?? []).map((item) => item.json);
	const pages = run.requests
		.map((request) => pageOf(op, request))
		.filter((page): page is number => page !== undefined);
	const error = run.result?.error;
	let status: CellStatus;

	if (run.hung) {
		status = 'hang';
		problems.push(`HANG: no result after ${run.durationMs} ms`);
	} else if (run.thrown !== undefined) {
		status = 'error';
		problems.push(
			`CRASH: the engine threw ${(run.thrown as Error)?.message ?? String(run.thrown)}`,
		);
	} else if (error) {
		status = 'error';
		if (isMeaningless(error.message))
			problems.push(`CRASH: error without a clear message (${JSON.stringify(error.message)})`);
	} else if (op.kind === 'import' && items.some((item) => item.status === 'failed')) {
		status = 'partial';
	} else {
		status = 'ok';
	}

	// No loss: the import answers every contact, in input order, each with a status and its reason.
	if (op.kind === 'import' && status !== 'hang') {
		const inputs = op.items ?? [];
		if (items.length !== inputs.length) {
			problems.push(`LOST: ${inputs.length} contacts in, ${items.length} items out`);
		} else {
			items.forEach((item, index) => {
				const wanted = index === IMPORT_INVALID_INDEX ? ['rejected'] : ['sent', 'failed'];
				if (!wanted.includes(String(item.status))) {
					problems.push(`LOST: contact ${index + 1} has status ${String(item.status)}`);
				}
				if (item.status !== 'sent' && isMeaningless(item.error as string | undefined)) {
					problems.push(`LOST: contact ${index + 1} (${String(item.status)}) carries no reason`);
				}
				if (
					item.status === 'failed' &&
					isMeaningless(item.error as string | undefined) === false &&
					row.message &&
					!row.fatal
				) {
					// The batch's error is the fault's error (or the "not sent" note after a fatal one).
					const said = String(item.error);
					if (!row.message.test(said) && !/^Not sent: an earlier batch failed/.test(said)) {
						problems.push(`UNEXPECTED: contact ${index + 1} failed with "${said}"`);
					}
				}
			});
		}
		for (const item of items.filter((candidate) => candidate.status === 'failed')) {
			if (isMeaningless(item.error as string | undefined))
				problems.push('CRASH: a failed contact has no error message');
		}
	}

	// Token hygiene: everything the node produced, n8n's logs and the console.
	const leaks = findToken(token, { ...producedTexts(run.result), ...extraTexts });
	if (leaks.length) problems.push(`LEAK: the token appears in ${leaks.join(', ')}`);

	// The outcome the retry policy predicts.
	if (status !== 'hang' && run.thrown === undefined) {
		const mismatch: string[] = [];
		if (status !== expected.outcome)
			mismatch.push(
				`expected ${expected.outcome}, got ${status}${error ? ` (${error.message})` : ''}`,
			);
		const mostRequests = expected.requestsAtMost ?? expected.requests;
		if (run.requests.length < expected.requests || run.requests.length > mostRequests) {
			const wanted =
				mostRequests === expected.requests
					? plural(expected.requests, 'request')
					: `${expected.requests}–${mostRequests} requests`;
			mismatch.push(`expected ${wanted}, got ${run.requests.length}`);
		}
		if (status === 'error' && error && row.message && !row.message.test(error.message)) {
			mismatch.push(`message "${error.message}" does not match ${String(row.message)}`);
		}
		if (
			status === 'error' &&
			error &&
			row.description &&
			!row.description.test(String(error.description ?? ''))
		) {
			mismatch.push(
				`description "${String(error.description)}" does not match ${String(row.description)}`,
			);
		}
		if (
			status === 'error' &&
			error &&
			op.scope === 'write' &&
			row.retriedIn.includes('read') &&
			!row.retriedIn.includes('write') &&
			!/may have applied the update/.test(String(error.description ?? ''))
		) {
			mismatch.push('a write that was not retried must say it may have been applied');
		}
		if (status === 'ok' && expected.items !== undefined && items.length !== expected.items) {
			mismatch.push(`expected ${expected.items} items, got ${items.length}`);
		}
		if (op.kind === 'import' && expected.sent !== undefined) {
			const sent = items.filter((item) => item.status === 'sent').length;
			const failed = items.filter((item) => item.status === 'failed').length;
			if (expected.sentAtMost !== undefined) {
				const valid = (op.items?.length ?? 0) - 1;
				if (sent < expected.sent || sent > expected.sentAtMost || sent + failed !== valid) {
					mismatch.push(
						`expected ${expected.sent}–${expected.sentAtMost} of ${valid} sent, the rest failed; got ${sent} / ${failed}`,
					);
				}
			} else if (sent !== expected.sent || failed !== expected.failed) {
				mismatch.push(
					`expected ${expected.sent} sent / ${expected.failed} failed, got ${sent} / ${failed}`,
				);
			}
		}
		if (op.kind === 'paged') {
			// Each page is retried on its own: page 1 is asked once (and first); one at a time, pages
			// never go back (side by side, a retry comes after pages asked for later).
			if (
				pages.filter((page) => page === 1).length !== 1 ||
				pages[0] !== 1 ||
				(!op.parallel && pages.some((page, index) => index > 0 && page < pages[index - 1]))
			) {
				mismatch.push(`pages requested out of order: ${pages.join(', ')}`);
			}
			if (status === 'ok') {
				const keys = items.map((item) => String(item._id ?? item.id ?? item.uuid));
				if (new Set(keys).size !== keys.length) mismatch.push('duplicate records in the output');
			}
		}
		if (mismatch.length) problems.push(`UNEXPECTED: ${mismatch.join('; ')}`);
	}

	// For the import, the batch error (not the "not sent" note of later batches) stands for the cell.
	const failedItem = items.find(
		(item) => item.status === 'failed' && !/^Not sent/.test(String(item.error)),
	);
	return {
		row,
		op,
		status,
		requests: run.requests.length,
		pages,
		items,
		message: error?.message ?? (failedItem?.error as string | undefined),
		description: (error?.description ?? failedItem?.errorDescription ?? undefined) as
			| string
			| undefined,
		expected,
		problems,
		durationMs: run.durationMs,
	};
}

export function notApplicable(row: FaultRow, op: OperationSpec): CellResult {
	return { row, op, status: 'n/a', requests: 0, pages: [], items: [], problems: [], durationMs: 0 };
}

// ---------------------------------------------------------------------------------------------
// Matrix
// ---------------------------------------------------------------------------------------------

export interface MatrixOptions {
	rows?: FaultRow[];
	operations?: OperationSpec[];
	/** Run the operations of a row at the same time (each has its own simulator). */
	parallel?: boolean;
	deadlineMs?: number;
	/** Called after each row. */
	onRow?: (row: FaultRow, cells: CellResult[]) => void;
}

export interface Matrix {
	rows: FaultRow[];
	operations: OperationSpec[];
	cells: CellResult[][];
	baselines: Map<string, Baseline>;
	durationMs: number;
}

export interface Bench {
	sims: Map<string, Simulator>;
	close(): Promise<void>;
}

/** One simulator per operation, each with its own token. */
export async function openBench(operations: OperationSpec[] = OPERATIONS): Promise<Bench> {
	const sims = new Map<string, Simulator>();
	for (const op of operations)
		sims.set(
			op.id,
			await startSimulator({
				...op.simulator,
				token: makeToken(op.id.replace('.', '-').replace('×', 'x')),
			}),
		);
	return {
		sims,
		close: async () => {
			await Promise.all([...sims.values()].map(async (sim) => await sim.close()));
		},
	};
}

/** A fault-free run of the operation, to know its request and item counts. */
export async function measureBaseline(
	op: OperationSpec,
	sim: Simulator,
	deadlineMs = 20_000,
): Promise<Baseline> {
	const none = FAULTS[0];
	const run = await runCell(none, op, { sim, deadlineMs });
	if (run.hung || run.thrown || run.result?.error) {
		throw new Error(
			`Baseline run of ${op.id} failed: ${run.hung ? 'hang' : ((run.result?.error ?? run.thrown) as Error)?.message}`,
		);
	}
	return { requests: run.requests.length, items: run.result?.items.length ?? 0 };
}

/** Runs a whole row: capture logs and console, run the cells, judge them. */
export async function runRow(
	row: FaultRow,
	operations: OperationSpec[],
	bench: Bench,
	baselines: Map<string, Baseline>,
	options: { parallel?: boolean; deadlineMs?: number } = {},
): Promise<CellResult[]> {
	const deadlineMs = options.deadlineMs ?? 30_000;
	const logStart = logs.length;
	const capture = new OutputCapture();
	capture.start();
	const runs = new Map<string, RawRun>();
	try {
		const applicable = operations.filter((op) => applies(row, op));
		const one = async (op: OperationSpec) => {
			runs.set(
				op.id,
				await runCell(row, op, { sim: bench.sims.get(op.id) as Simulator, deadlineMs }),
			);
		};
		if (options.parallel) await Promise.all(applicable.map(one));
		else for (const op of applicable) await one(op);
	} finally {
		capture.stop();
	}
	const extra = {
		'n8n logs': logs.slice(logStart).join('\n'),
		'stdout/stderr/console': capture.text,
	};
	return operations.map((op) => {
		const run = runs.get(op.id);
		if (!run) return notApplicable(row, op);
		const sim = bench.sims.get(op.id) as Simulator;
		return judgeCell(row, op, baselines.get(op.id) as Baseline, run, sim.token, extra);
	});
}

export async function runMatrix(options: MatrixOptions = {}): Promise<Matrix> {
	const rows = options.rows ?? FAULTS;
	const operations = options.operations ?? OPERATIONS;
	const started = Date.now();
	const bench = await openBench(operations);
	try {
		const baselines = new Map<string, Baseline>();
		const capture = new OutputCapture();
		capture.start();
		try {
			for (const op of operations)
				baselines.set(op.id, await measureBaseline(op, bench.sims.get(op.id) as Simulator));
		} finally {
			capture.stop();
		}
		const cells: CellResult[][] = [];
		for (const row of rows) {
			const result = await runRow(row, operations, bench, baselines, options);
			cells.push(result);
			options.onRow?.(row, result);
		}
		return { rows, operations, cells, baselines, durationMs: Date.now() - started };
	} finally {
		await bench.close();
	}
}

// ---------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------

/** A few words for an error message, for the table; the full texts are listed under it. */
export function shortLabel(message: string | undefined): string {
	if (!message) return '?';
	const rules: [RegExp, (match: RegExpMatchArray) => string][] = [
		[/^Not sent: an earlier batch failed/, () => 'not sent'],
		[/limiting the request rate \(HTTP 429\)/, () => 'HTTP 429'],
		[/server error \(HTTP (\d+)\)/, (m) => `HTTP ${m[1]}`],
		[/rejected the API token/, () => 'token rejected'],
		[/not JSON/, () => 'not JSON'],
		[/without a data list/, () => 'no data list'],
		[/reported a failure/, () => 'success:false'],
		[/did not answer within/, () => 'timeout'],
		[/connection to BotPenguin was closed/, () => 'connection reset'],
		[/Could not reach BotPenguin \(([^)]+)\)/, (m) => m[1]],
		[/already sent/, () => 'page repeated'],
		[/Stopped after (\d+) pages/, (m) => `Max Pages (${m[1]})`],
		[/rejected the request \(HTTP (\d+)\)/, (m) => `HTTP ${m[1]}`],
	];
	for (const [pattern, label] of rules) {
		const match = message.match(pattern);
		if (match) return label(match);
	}
	return message.length > 24 ? `${message.slice(0, 23)}…` : message;
}

function attemptsOf(cell: CellResult): number {
	const note = /Gave up after (\d+) attempts/.exec(cell.description ?? '');
	return note ? Number(note[1]) : 1;
}

export function formatCell(cell: CellResult, base?: Baseline): string {
	const flags = cell.problems.map((problem) => `!${problem.split(':')[0]}`);
	const unique = [...new Set(flags)].join(' ');
	const suffix = unique ? ` ${unique}` : '';
	switch (cell.status) {
		case 'n/a':
			return '—';
		case 'hang':
			return `HANG${suffix}`;
		case 'ok': {
			const retries = base ? cell.requests - base.requests : 0;
			return `${retries > 0 ? `ok (${plural(retries, 'retry').replace('retrys', 'retries')})` : 'ok'}${suffix}`;
		}
		case 'error': {
			const attempts = attemptsOf(cell);
			return `error: ${shortLabel(cell.message)}${attempts > 1 ? ` ×${attempts}` : ''}${suffix}`;
		}
		case 'partial': {
			const sent = cell.items.filter((item) => item.status === 'sent').length;
			const failed = cell.items.filter((item) => item.status === 'failed').length;
			const reason = cell.items.find(
				(item) => item.status === 'failed' && !/^Not sent/.test(String(item.error)),
			);
			const described = String(reason?.errorDescription ?? '');
			const attempts = /Gave up after (\d+) attempts/.exec(described);
			return `${sent} sent, ${failed} failed: ${shortLabel(reason?.error as string | undefined)}${attempts ? ` ×${attempts[1]}` : ''}${suffix}`;
		}
	}
}

export function formatMatrix(matrix: Matrix): string {
	const header = ['fault \\ operation', ...matrix.operations.map((op) => op.id)];
	const body = matrix.rows.map((row, r) => [
		row.label,
		...matrix.cells[r].map((cell) => formatCell(cell, matrix.baselines.get(cell.op.id))),
	]);
	const widths = header.map((_, c) => Math.max(...[header, ...body].map((line) => line[c].length)));
	const line = (cells: string[]) =>
		cells
			.map((cell, c) => cell.padEnd(widths[c]))
			.join(' │ ')
			.trimEnd();
	const rule = widths.map((width) => '─'.repeat(width)).join('─┼─');
	return [line(header), rule, ...body.map(line)].join('\n');
}

export const LEGEND = [
	'Legend',
	'  ok                    items returned; the request count equals a fault-free run',
	'  ok (N retries)        the failed request was repeated N times (only that page / batch) and the run succeeded',
	'  error: X              the node stopped with a clear error (X = short form; messages below)',
	'  error: X ×N           ... after N attempts (1 + 3 retries): "Gave up after N attempts" in the description',
	'  S sent, F failed: X   import of 5 contacts in 3 batches of 2, fault on batch 2 (+1 invalid contact, always "rejected"):',
	'                        every contact is an output item with its status; "not sent" = stopped after a fatal error',
	'  —                     the fault cannot occur on this endpoint (paging faults on unpaged calls, missing data on writes)',
	'  retry scopes          reads: 429/502/503/504/reset/timeout; contact import, status, delete (idempotent): same;',
	'                        chat/lead update (may append notes): only 429 and 503, which mean "not processed"',
	'  !HANG !CRASH !LOST !LEAK !UNEXPECTED  a failed cell (no result in time / no clear message / a contact missing /',
	'                        token found in items, errors, run data, logs or console / outcome differs from the retry policy)',
].join('\n');

/** The full text of every distinct message in the matrix, and every problem. */
export function formatDetails(matrix: Matrix): string {
	const messages = new Map<string, string>();
	const problems: string[] = [];
	for (const row of matrix.cells) {
		for (const cell of row) {
			if (cell.message && cell.status !== 'ok') {
				const text = `${cell.message}${cell.description ? ` — ${cell.description}` : ''}`;
				if (!messages.has(text)) messages.set(text, shortLabel(cell.message));
			}
			for (const problem of cell.problems)
				problems.push(`  [${cell.row.label} × ${cell.op.id}] ${problem}`);
		}
	}
	const lines = ['Messages (each distinct message and description once, in order of appearance)'];
	for (const [text, label] of messages) lines.push(`  ${label.padEnd(16)} ${text}`);
	if (problems.length) lines.push('', `Problems (${problems.length})`, ...problems);
	return lines.join('\n');
}

export function badCells(matrix: Matrix): CellResult[] {
	return matrix.cells.flat().filter((cell) => cell.problems.length > 0);
}
