/**
 * The matrix must be able to fail: each kind of bad cell (hang, crash without a message, lost contact,
 * leaked token, outcome against the retry policy) is planted in a synthetic run and has to be flagged.
 */
import type { IDataObject } from 'n8n-workflow';

import type { RunResult } from '../helpers/engine';
import type { RecordedRequest } from '../simulator/server';
import { FAULTS, makeToken, OPERATIONS } from './rows';
import { judgeCell } from './judge';
import type { RawRun } from './judge';
import { formatCell, shortLabel } from './report';

const TOKEN = makeToken('judge');
const row = (id: string) => FAULTS.find((candidate) => candidate.id === id)!;
const op = (id: string) => OPERATIONS.find((candidate) => candidate.id === id)!;

function requests(count: number): RecordedRequest[] {
	return Array.from({ length: count }, () => ({
		method: 'GET',
		path: '/inbox/segments',
		query: {},
		headers: {},
		body: undefined,
		status: 200,
	}));
}

function raw(
	parts: { items?: IDataObject[]; error?: RunResult['error']; requests?: number } = {},
): RawRun {
	const result = {
		items: (parts.items ?? []).map((json) => ({ json })),
		error: parts.error,
		run: { data: { resultData: { runData: {} } } },
	} as unknown as RunResult;
	return { result, hung: false, requests: requests(parts.requests ?? 1), durationMs: 5 };
}

const base = { requests: 1, items: 2 };
const problemKinds = (problems: string[]) => problems.map((problem) => problem.split(':')[0]);

describe('judgeCell', () => {
	it('passes a run that does what the policy says', () => {
		const cell = judgeCell(
			row('502'),
			op('segment.getAll'),
			base,
			raw({ items: [{ _id: 'a' }, { _id: 'b' }], requests: 2 }),
			TOKEN,
			{},
		);
		expect(cell.problems).toEqual([]);
		expect(formatCell(cell, base)).toBe('ok (1 retry)');
	});

	it('flags a hang', () => {
		const cell = judgeCell(
			row('502'),
			op('segment.getAll'),
			base,
			{ hung: true, requests: requests(1), durationMs: 15_000 },
			TOKEN,
			{},
		);
		expect(problemKinds(cell.problems)).toContain('HANG');
		expect(formatCell(cell, base)).toMatch(/^HANG/);
	});

	it('flags an error without a clear message', () => {
		for (const message of [
			'',
			'UNKNOWN ERROR - check the detailed error for more information',
			'socket hang up',
		]) {
			const error = Object.assign(new Error(message), { description: null });
			const cell = judgeCell(row('500'), op('segment.getAll'), base, raw({ error }), TOKEN, {});
			expect(problemKinds(cell.problems)).toContain('CRASH');
		}
	});

	it('flags a lost contact and a contact without a reason', () => {
		const upsert = op('contact.upsert');
		const importBase = { requests: 3, items: 6 };
		const lost = judgeCell(
			row('500'),
			upsert,
			importBase,
			raw({ items: [{ status: 'sent' }], requests: 3 }),
			TOKEN,
			{},
		);
		expect(problemKinds(lost.problems)).toContain('LOST');

		const items: IDataObject[] = [
			{ status: 'sent' },
			{ status: 'sent' },
			{ status: 'failed' },
			{ status: 'rejected', error: 'Invalid Phone' },
			{ status: 'failed', error: 'BotPenguin had a server error (HTTP 500)' },
			{ status: 'sent' },
		];
		const silent = judgeCell(
			row('500'),
			upsert,
			importBase,
			raw({ items, requests: 3 }),
			TOKEN,
			{},
		);
		expect(problemKinds(silent.problems)).toContain('LOST');
	});

	it('flags the token wherever it shows up', () => {
		const inItems = judgeCell(
			row('none'),
			op('segment.getAll'),
			base,
			raw({ items: [{ _id: 'a', note: TOKEN }, { _id: 'b' }] }),
			TOKEN,
			{},
		);
		expect(inItems.problems).toEqual(['LEAK: the token appears in output items']);

		const error = Object.assign(new Error('fine'), { description: `see ${TOKEN}` });
		const inError = judgeCell(row('500'), op('segment.getAll'), base, raw({ error }), TOKEN, {});
		expect(inError.problems.join()).toMatch(/LEAK: .*error description/);

		const inLogs = judgeCell(
			row('none'),
			op('segment.getAll'),
			base,
			raw({ items: [{ _id: 'a' }, { _id: 'b' }] }),
			TOKEN,
			{ 'n8n logs': `debug request Authorization: Bearer ${TOKEN}` },
		);
		expect(inLogs.problems).toEqual(['LEAK: the token appears in n8n logs']);
	});

	it('flags an outcome against the retry policy', () => {
		// A 502 on a chat update must not be retried: two requests mean it was.
		const error = Object.assign(new Error('BotPenguin had a server error (HTTP 502)'), {
			description: 'Not retried: BotPenguin may have applied the update',
		});
		const retried = judgeCell(
			row('502'),
			op('chat.update'),
			base,
			raw({ error, requests: 2 }),
			TOKEN,
			{},
		);
		expect(retried.problems.join()).toMatch(/UNEXPECTED: expected 1 request, got 2/);

		// A 503 on a read must be retried and succeed.
		const gaveUp = judgeCell(
			row('503'),
			op('segment.getAll'),
			base,
			raw({
				error: Object.assign(new Error('BotPenguin had a server error (HTTP 503)'), {
					description: '',
				}),
			}),
			TOKEN,
			{},
		);
		expect(gaveUp.problems.join()).toMatch(/UNEXPECTED: expected ok, got error/);
	});

	it('shortLabel keeps the table readable', () => {
		expect(shortLabel('BotPenguin had a server error (HTTP 504): Gateway Timeout')).toBe(
			'HTTP 504',
		);
		expect(shortLabel('Stopped after 3 pages: BotPenguin kept sending full pages')).toBe(
			'Max Pages (3)',
		);
		expect(shortLabel('Something nobody foresaw happened here')).toHaveLength(24);
	});
});
