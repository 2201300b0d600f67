/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * Benchmark settings: flags first, then environment variables, then defaults.
 *
 *   --latency MS      simulated per-request latency of P1, P2 and P4 (env BENCH_LATENCY_MS, default 5)
 *   --runs N          timed runs per figure; the median is reported (env BENCH_RUNS, default 5)
 *   --parallel-runs N timed runs of each variant of P5–P7 (env BENCH_PARALLEL_RUNS, default 3)
 *   --memory-runs N   fresh child processes per P3 case (env BENCH_MEMORY_RUNS, default 3)
 *   --quick           tiny sizes for a smoke run (env BENCH_QUICK=1); the goals are then not meaningful
 *   --out DIR         where latest.json / latest.md go (env BENCH_OUT, default bench/results)
 *   --only P1,P3      run only these figures (env BENCH_ONLY)
 * P5–P7 keep their own latencies (50 ms, and 5 ms for the second P5 ratio): `--latency` is P1/P2/P4's.
 */
import * as path from 'node:path';

export type FigureId = 'P1' | 'P2' | 'P3' | 'P4' | 'P5' | 'P6' | 'P7';
export const FIGURES: FigureId[] = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7'];

export interface Sizes {
	/** P1: contacts listed by Return All. */
	returnAllContacts: number;
	/** P2: contacts imported. */
	importContacts: number;
	/** P3: contacts listed in each memory case; the last is compared with the first for linearity. */
	memoryContacts: [number, number];
	/** P3, information: the most one run may return (the node stops above 100,000 records). */
	memoryLargest: number;
	/** P4: contacts in the account, and the Limits tried. */
	limitContacts: number;
	limits: number[];
	/** P5: contacts listed by Return All with parallel page requests. */
	parallelContacts: number;
	/** P6: contacts imported with parallel batches. */
	parallelImport: number;
	/** P7: contacts listed, and contacts imported, against a server that takes 2 requests at a time. */
	throttledContacts: number;
	throttledImport: number;
}

export interface BenchConfig {
	latencyMs: number;
	runs: number;
	memoryRuns: number;
	quick: boolean;
	outDir: string;
	only: FigureId[];
	/** The simulator's page size (its default). */
	pageSize: number;
	/** P3 runs without latency: it measures memory, and waiting adds nothing to it. */
	memoryLatencyMs: number;
	/** Timed runs of each variant of P5–P7 (they wait for a far server, so each run takes seconds). */
	parallelRuns: number;
	/** P5–P7: latency per request of a far server (BotPenguin is 100–300 ms away for most users). */
	parallelLatencyMs: number;
	/** P5: the second ratio, at a near server, where the CPU matters more than the waiting. */
	parallelLowLatencyMs: number;
	/** P5: Parallel Requests settings of the curve. */
	parallelCurve: number[];
	/** P7: the server answers 429 (Retry-After: 1) to any request beyond this many in flight. */
	throttleMaxInFlight: number;
	sizes: Sizes;
}

export const FULL_SIZES: Sizes = {
	returnAllContacts: 10_000,
	importContacts: 1_000,
	memoryContacts: [10_000, 50_000],
	memoryLargest: 100_000,
	limitContacts: 1_000,
	limits: [10, 37, 500],
	parallelContacts: 10_000,
	parallelImport: 10_000,
	throttledContacts: 2_000,
	throttledImport: 2_000,
};

/** Small enough for a unit test, still several pages / batches each. */
export const QUICK_SIZES: Sizes = {
	returnAllContacts: 90,
	importContacts: 120,
	memoryContacts: [200, 1_000],
	memoryLargest: 2_000,
	limitContacts: 1_000,
	limits: [10, 37, 500],
	parallelContacts: 200,
	parallelImport: 300,
	throttledContacts: 200,
	throttledImport: 500,
};

export const DEFAULT_OUT_DIR = path.join(__dirname, 'results');

function count(name: string, text: string | undefined, min: number): number {
	const value = Number(text);
	if (!Number.isInteger(value) || value < min) {
		throw new Error(`${name} must be an integer ≥ ${min}, got "${String(text)}"`);
	}
	return value;
}

function figures(text: string): FigureId[] {
	const list = text
		.split(',')
		.map((part) => part.trim().toUpperCase())
		.filter(Boolean);
	const unknown = list.filter((id) => !(FIGURES as string[]).includes(id));
	if (unknown.length)
		throw new Error(`--only takes ${FIGURES.join(', ')}; unknown: ${unknown.join(', ')}`);
	return list as FigureId[];
}

export const USAGE =
	'Usage: tsx bench/run.ts [--latency MS] [--runs N] [--memory-runs N] [--parallel-runs N] [--quick] [--out DIR] [--only P1,P2,P3,P4,P5,P6,P7]';

export function makeConfig(overrides: Partial<BenchConfig> = {}): BenchConfig {
	const quick = overrides.quick ?? false;
	return {
		latencyMs: 5,
		runs: quick ? 1 : 5,
		memoryRuns: quick ? 1 : 3,
		parallelRuns: quick ? 1 : 3,
		parallelLatencyMs: 50,
		parallelLowLatencyMs: 5,
		parallelCurve: [1, 2, 4, 8],
		throttleMaxInFlight: 2,
		outDir: DEFAULT_OUT_DIR,
		only: FIGURES,
		pageSize: 20,
		memoryLatencyMs: 0,
		sizes: quick ? QUICK_SIZES : FULL_SIZES,
		...overrides,
		quick,
	};
}

export function parseArgs(
	argv: readonly string[],
	env: NodeJS.ProcessEnv = process.env,
): BenchConfig {
	const given: Record<string, string | undefined> = {
		latency: env.BENCH_LATENCY_MS,
		runs: env.BENCH_RUNS,
		memoryRuns: env.BENCH_MEMORY_RUNS,
		parallelRuns: env.BENCH_PARALLEL_RUNS,
		quick: env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true' ? 'true' : undefined,
		out: env.BENCH_OUT,
		only: env.BENCH_ONLY,
	};
	const withValue: Record<string, string> = {
		'--latency': 'latency',
		'--runs': 'runs',
		'--memory-runs': 'memoryRuns',
		'--parallel-runs': 'parallelRuns',
		'--out': 'out',
		'--only': 'only',
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--quick') given.quick = 'true';
		else if (arg === '--help' || arg === '-h') throw new Error(USAGE);
		else if (arg in withValue) {
			const value = argv[++i];
			if (value === undefined) throw new Error(`${arg} needs a value. ${USAGE}`);
			given[withValue[arg]] = value;
		} else throw new Error(`Unknown argument "${arg}". ${USAGE}`);
	}
	const overrides: Partial<BenchConfig> = { quick: given.quick === 'true' };
	if (given.latency !== undefined) overrides.latencyMs = count('--latency', given.latency, 0);
	if (given.runs !== undefined) overrides.runs = count('--runs', given.runs, 1);
	if (given.memoryRuns !== undefined)
		overrides.memoryRuns = count('--memory-runs', given.memoryRuns, 1);
	if (given.parallelRuns !== undefined)
		overrides.parallelRuns = count('--parallel-runs', given.parallelRuns, 1);
	if (given.out !== undefined) overrides.outDir = path.resolve(given.out);
	if (given.only !== undefined) overrides.only = figures(given.only);
	return makeConfig(overrides);
}
