/**
 * The fault matrix as a test: every fault × every operation (see matrix.ts). `sleep` of n8n-workflow is
 * mocked so retries do not wait; the delays the node asked for are checked instead (Retry-After
 * honoured, backoff growing with jitter). `npm run faults` runs the same matrix with real waits.
 */
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => {}),
}));

import { sleep } from 'n8n-workflow';

import { logs } from '../helpers/engine';
import { applies, FAULTS, OPERATIONS } from './rows';
import type { FaultRow, OperationSpec } from './rows';
import { checkDelays, expectedOutcome } from './expectations';
import type { Baseline } from './expectations';
import { judgeCell, OutputCapture } from './judge';
import { measureBaseline, openBench, runCell } from './matrix';
import type { Bench } from './matrix';
import { formatCell } from './report';

const sleepMock = sleep as unknown as jest.Mock;

let bench: Bench;
const baselines = new Map<string, Baseline>();

beforeAll(async () => {
	bench = await openBench();
	const capture = new OutputCapture();
	capture.start();
	try {
		for (const op of OPERATIONS)
			baselines.set(op.id, await measureBaseline(op, bench.sims.get(op.id)!));
	} finally {
		capture.stop();
	}
}, 60_000);

afterAll(async () => {
	await bench?.close();
});

it('measures sensible baselines (several pages, three import batches)', () => {
	expect(baselines.get('contact.getAll')!.requests).toBeGreaterThanOrEqual(3);
	expect(baselines.get('chat.getAll')!.requests).toBeGreaterThanOrEqual(2);
	expect(baselines.get('lead.getAll')!.requests).toBeGreaterThanOrEqual(2);
	expect(baselines.get('contact.upsert')).toEqual({ requests: 3, items: 6 });
	expect(baselines.get('contact.get')).toEqual({ requests: 2, items: 1 });
	for (const id of [
		'contact.updateStatus',
		'contact.delete',
		'chat.update',
		'lead.update',
		'segment.getAll',
	]) {
		expect(baselines.get(id)!.requests).toBe(1);
	}
});

const cells: [string, FaultRow, OperationSpec][] = [];
for (const row of FAULTS) {
	for (const op of OPERATIONS)
		if (applies(row, op)) cells.push([`${row.label} × ${op.id}`, row, op]);
}

describe('fault matrix', () => {
	it.each(cells)('%s', async (_name, row, op) => {
		const sim = bench.sims.get(op.id)!;
		const base = baselines.get(op.id)!;
		sleepMock.mockClear();
		const logStart = logs.length;
		const capture = new OutputCapture();
		capture.start();
		let run;
		try {
			run = await runCell(row, op, { sim, deadlineMs: 15_000 });
		} finally {
			capture.stop();
		}
		const cell = judgeCell(row, op, base, run, sim.token, {
			'n8n logs': logs.slice(logStart).join('\n'),
			'stdout/stderr/console': capture.text,
		});

		// One message that says everything, rather than a chain of expects.
		expect({ cell: formatCell(cell, base), problems: cell.problems }).toEqual({
			cell: formatCell(cell, base),
			problems: [],
		});

		const expected = expectedOutcome(row, op, base);
		const delays = sleepMock.mock.calls.map((call) => call[0] as number);
		expect(checkDelays(row, expected, delays)).toBeUndefined();
	});
});
