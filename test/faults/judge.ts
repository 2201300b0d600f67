/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console */
/**
 * Judging one run of the fault matrix against its expectation: outcome, request count, items, and
 * the API token nowhere in what the node produced or printed.
 */
import { inspect } from 'node:util';

import type { IDataObject } from 'n8n-workflow';

import type { RunResult } from '../helpers/engine';
import type { Simulator } from '../simulator/server';
import { IMPORT_INVALID_INDEX } from './rows';
import type { FaultRow, OperationSpec } from './rows';
import { expectedOutcome } from './expectations';
import type { Baseline, Expected } from './expectations';

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

export function plural(count: number, word: string): string {
	return `${count} ${word}${count === 1 ? '' : word.endsWith('y') ? '' : 's'}`;
}

/** How the run ended, and what is wrong with the ending itself (a hang, a crash, no message). */
function outcomeOf(
	op: OperationSpec,
	run: RawRun,
	items: IDataObject[],
): { status: CellStatus; problems: string[] } {
	const problems: string[] = [];
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
	return { status, problems };
}

/** No loss: the import answers every contact, in input order, each with a status and its reason. */
function importLosses(row: FaultRow, op: OperationSpec, items: IDataObject[]): string[] {
	const problems: string[] = [];
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
	return problems;
}

/** Token hygiene: everything the node produced, n8n's logs and the console. */
function tokenLeaks(token: string, run: RawRun, extraTexts: Record<string, string>): string[] {
	const leaks = findToken(token, { ...producedTexts(run.result), ...extraTexts });
	return leaks.length ? [`LEAK: the token appears in ${leaks.join(', ')}`] : [];
}

/** Where the run differs from the outcome the retry rules predict. */
function mismatches(
	row: FaultRow,
	op: OperationSpec,
	expected: Expected,
	run: RawRun,
	status: CellStatus,
	items: IDataObject[],
	pages: number[],
): string[] {
	const error = run.result?.error;
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
	return mismatch;
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
	const items = (run.result?.items ?? []).map((item) => item.json);
	const pages = run.requests
		.map((request) => pageOf(op, request))
		.filter((page): page is number => page !== undefined);
	const error = run.result?.error;
	const { status, problems } = outcomeOf(op, run, items);
	if (op.kind === 'import' && status !== 'hang') problems.push(...importLosses(row, op, items));
	problems.push(...tokenLeaks(token, run, extraTexts));
	if (status !== 'hang' && run.thrown === undefined) {
		const mismatch = mismatches(row, op, expected, run, status, items, pages);
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

export function pageOf(
	op: OperationSpec,
	request: Simulator['requests'][number],
): number | undefined {
	if (op.kind !== 'paged') return undefined;
	const raw =
		op.method === 'GET' ? request.query.page : (request.body as IDataObject | undefined)?.page;
	const page = Number(raw);
	return Number.isFinite(page) ? page : undefined;
}

export interface RawRun {
	result?: RunResult;
	thrown?: unknown;
	hung: boolean;
	requests: Simulator['requests'];
	durationMs: number;
}
