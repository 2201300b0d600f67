/* eslint-disable @n8n/community-nodes/no-restricted-globals */
/**
 * The fault matrix: every simulator fault against every operation of the node, run through n8n's real
 * engine (test/helpers/engine.ts). Shared by the jest suite (test/faults/matrix.test.ts, with `sleep`
 * mocked) and `npm run faults` (scripts/faults.ts, real waits), so both judge a cell the same way.
 *
 * A cell is one run of one operation with one fault armed. What it must show:
 * - it finishes (no hang) and ends in items or in an error with a message (no crash);
 * - the request count the node's retry rules predict (attempts = 1 + retries, and only the failing
 *   page / batch is repeated), as expectations.ts writes them down independently of the node's code;
 * - for the import, one output item per contact with status sent / rejected / failed (no loss);
 * - the API token appears nowhere: not in the items, the error (message, description, the whole
 *   object), the run data, n8n's logs or anything written to stdout / stderr.
 *
 * In four parts: rows.ts (the operations and the faults: what runs), expectations.ts (what each cell
 * must do, from the documented behaviour, never from the node's own policy code), judge.ts (a run
 * against its expectation) and report.ts (the table and its legend). This file runs them.
 */
import type { INodeParameters } from 'n8n-workflow';

import { logs, runNode } from '../helpers/engine';
import type { RunResult } from '../helpers/engine';
import { startSimulator } from '../simulator/server';
import type { Simulator } from '../simulator/server';
import { applies, FAULTS, makeToken, OPERATIONS } from './rows';
import type { FaultRow, OperationSpec } from './rows';
import type { Baseline } from './expectations';
import { judgeCell, notApplicable, OutputCapture } from './judge';
import type { CellResult, RawRun } from './judge';

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
