/**
 * The fault matrix's rows and columns: the operations of the node (how to run each against the
 * simulator) and the faults (what the simulator does wrong, and which operations it applies to).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { someEmail } from '../helpers/scenario';
import type { Fault, Simulator, SimulatorOptions } from '../simulator/server';

/**
 * Max Retries when the option is left unset, as the README documents it. Written here rather than
 * imported from the node: the matrix checks the node's retry policy, so it must not read it.
 */
export const MAX_RETRIES = 3;
/** How much harm a repeated request can do (the README's retry rules): the matrix's own words for it. */
export type RetryScope = 'read' | 'idempotentWrite' | 'write';
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
