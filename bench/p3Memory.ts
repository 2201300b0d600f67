/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * P3: peak memory of Return All over two sizes (10,000 and 50,000 contacts), Simplify off and on.
 * Each case runs in a fresh Node process (bench/memoryChild.ts, with --expose-gc) against a simulator
 * in this process, so the simulator's data is not part of the measured process. The child samples
 * process.memoryUsage() while the node runs and reads the kernel's RSS high-water mark.
 *
 * Growth = peak − the value just before the run (after a warm-up run and a full GC), for three measures:
 * - heap: V8's heap used (the JavaScript objects: records, strings, arrays);
 * - heap + external: plus the memory of Buffers outside the heap (socket reads, response bodies);
 * - RSS: the whole process, kernel high-water mark (includes heap room V8 reserved).
 * The issue's goal takes "RSS or heap"; all three are reported.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

import { DEFAULT_PARALLEL_REQUESTS } from '../nodes/BotPenguinInbox/shared/concurrency';
import { startSimulator } from '../test/simulator/server';
import type { Simulator } from '../test/simulator/server';

import type { BenchConfig } from './config';
import { RESULT_MARKER } from './memoryTypes';
import type { MemoryCase, MemoryChildResult } from './memoryTypes';
import { MB, median, mb, round } from './stats';

/** Growth of the three memory measures over a run, in bytes (peak − value just before the run). */
export interface Peaks {
	/** V8's heap: `heapUsed`, the JavaScript objects (records, strings, arrays). */
	heap: number;
	/** V8's heap plus `external`: also the Buffers' memory outside the heap (socket reads, bodies). */
	heapExternal: number;
	/** The whole process: the kernel's RSS high-water mark. */
	rss: number;
}

export const MEASURES = ['heap', 'rss', 'heapExternal'] as const;
export type Measure = (typeof MEASURES)[number];

/** One size read by one client, several fresh processes, medians. */
export interface MemoryRuns {
	contacts: number;
	runs: number;
	jsonBytes: number;
	items: number;
	/** Per run. */
	growth: Peaks[];
	median: Peaks;
	/** median / jsonBytes. */
	perJsonByte: Peaks;
	medianRetainedHeap: number;
	/** V8 heap used just before the run (after warm-up and GC). */
	medianHeapBefore: number;
	medianRunMs: number;
	/** Where the RSS peak came from: the kernel's VmHWM, or the sampler. */
	rssSource: 'kernel' | 'sampler';
}

export interface P3Case extends MemoryRuns {
	simplify: boolean;
}

type Ratios = Record<Measure, number>;

export interface P3Result {
	sizes: [number, number];
	pageSize: number;
	latencyMs: number;
	runs: number;
	cases: P3Case[];
	/** growth(large) / growth(small) per measure; linear = large/small (5.0 for 50,000 vs 10,000). */
	linearity: { expected: number; simplifyOff: Ratios; simplifyOn: Ratios };
	/** Peak growth with Simplify on / off, largest size. */
	simplifyPeakRatio: Ratios;
	/** The largest size, Simplify off, once more with V8's old space capped at (heap before + 3 × JSON). */
	capped: CappedRun;
	/** The largest size read by a bare fetch loop that keeps the parsed records: what V8 needs anyway. */
	reference: MemoryRuns;
	/**
	 * The most one run returns (the node stops above 100,000 records), Simplify off: shows whether the
	 * excess over the records is a share of the data or a bounded amount of uncollected garbage.
	 */
	largest?: MemoryRuns;
	/** The largest size, Simplify off, at Parallel Requests 4 (P1–P4 and the cases above use 1). */
	parallel: MemoryRuns & { parallelRequests: number };
	/** Peak growth at Parallel Requests 4 ÷ at 1, largest size, Simplify off. */
	parallelPeakRatio: Ratios;
}

/**
 * With V8's defaults the peak mostly reflects when V8 chooses to collect garbage (on a machine with
 * plenty of memory it lets dead response buffers and pages pile up). Capping the old space at the
 * budget of the goal shows what the run needs: it must complete, and its measured peak is reported.
 */
export interface CappedRun {
	contacts: number;
	maxOldSpaceMB: number;
	/** heap before + 3 × JSON; the cap is this unless it is below a floor of 96 MB. */
	budgetMB: number;
	completed: boolean;
	error?: string;
	items?: number;
	growth?: Peaks;
	perJsonByte?: Peaks;
	retainedHeap?: number;
	runMs?: number;
}

const CHILD = path.join(__dirname, 'memoryChild.ts');
const MIN_OLD_SPACE_MB = 96;
const ROOT = path.join(__dirname, '..');

export function runChild(input: MemoryCase, nodeFlags: string[] = []): Promise<MemoryChildResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--expose-gc', ...nodeFlags, '--import', 'tsx', CHILD], {
			cwd: ROOT,
			env: { ...process.env, BENCH_MEMORY_CASE: JSON.stringify(input), NODE_OPTIONS: '' },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('error', reject);
		child.on('close', (code) => {
			const line = stdout.split('\n').find((text) => text.startsWith(RESULT_MARKER));
			if (code !== 0 || !line) {
				reject(
					new Error(`P3 child failed (exit ${String(code)}): ${stderr.trim() || stdout.trim()}`),
				);
				return;
			}
			resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as MemoryChildResult);
		});
	});
}

/** A simulator with `contacts` contacts for the memory runs, closed after `use`. */
async function withSimulator<T>(
	config: BenchConfig,
	contacts: number,
	use: (sim: Simulator) => Promise<T>,
): Promise<T> {
	const sim = await startSimulator({
		contacts,
		pageSize: config.pageSize,
		latencyMs: config.memoryLatencyMs,
		record: false,
	});
	try {
		return await use(sim);
	} finally {
		await sim.close();
	}
}

/** One Return All case against `sim`, as the child process takes it. */
function memoryCase(
	config: BenchConfig,
	sim: Simulator,
	contacts: number,
	extra: Partial<MemoryCase> = {},
): MemoryCase {
	return {
		url: sim.url,
		token: sim.token,
		contacts,
		simplify: false,
		pageSize: config.pageSize,
		sampleMs: 2,
		...extra,
	};
}

function growthOf(result: MemoryChildResult): Peaks {
	return {
		heap: result.peak.heapUsed - result.before.heapUsed,
		heapExternal: result.peak.heapAndExternal - (result.before.heapUsed + result.before.external),
		rss: (result.peakRssKernel ?? result.peak.rss) - result.before.rss,
	};
}

function perMeasure(make: (measure: Measure) => number): Peaks {
	return { heap: make('heap'), heapExternal: make('heapExternal'), rss: make('rss') };
}

/** Medians over the fresh-process runs of one case. */
function summarize(contacts: number, results: MemoryChildResult[]): MemoryRuns {
	const growth = results.map(growthOf);
	const jsonBytes = results[0].jsonBytes;
	const medians = perMeasure((measure) => median(growth.map((peaks) => peaks[measure])));
	return {
		contacts,
		runs: results.length,
		jsonBytes,
		items: results[0].items,
		growth,
		median: medians,
		perJsonByte: perMeasure((measure) => round(medians[measure] / jsonBytes, 2)),
		medianRetainedHeap: median(results.map((result) => result.retainedHeap)),
		medianHeapBefore: median(results.map((result) => result.before.heapUsed)),
		medianRunMs: round(median(results.map((result) => result.runMs)), 1),
		rssSource: results.every((result) => result.peakRssKernel !== undefined) ? 'kernel' : 'sampler',
	};
}

function describeRun(result: MemoryChildResult): string {
	const growth = growthOf(result);
	return `heap +${mb(growth.heap)}, heap+external +${mb(growth.heapExternal)}, RSS +${mb(growth.rss)}, JSON ${mb(result.jsonBytes)}, ${Math.round(result.runMs)} ms`;
}

function checkItems(result: MemoryChildResult, contacts: number): MemoryChildResult {
	if (result.items !== contacts) {
		throw new Error(`P3 returned ${result.items} records instead of ${contacts}`);
	}
	return result;
}

export async function runP3(
	config: BenchConfig,
	log: (line: string) => void = () => {},
): Promise<P3Result> {
	const [small, large] = config.sizes.memoryContacts;
	const cases: P3Case[] = [];
	for (const contacts of [small, large]) {
		await withSimulator(config, contacts, async (sim) => {
			const runs: Record<'off' | 'on', MemoryChildResult[]> = { off: [], on: [] };
			for (let run = 0; run < config.memoryRuns; run++) {
				// Alternate which variant goes first.
				const order = run % 2 ? [true, false] : [false, true];
				for (const simplify of order) {
					const result = checkItems(
						await runChild(memoryCase(config, sim, contacts, { simplify })),
						contacts,
					);
					runs[simplify ? 'on' : 'off'].push(result);
					log(
						`  P3 ${contacts} contacts, Simplify ${simplify ? 'on ' : 'off'} run ${run + 1}/${config.memoryRuns}: ${describeRun(result)}`,
					);
				}
			}
			for (const simplify of [false, true]) {
				cases.push({ ...summarize(contacts, runs[simplify ? 'on' : 'off']), simplify });
			}
		});
	}
	const capped = await runCapped(config, large, cases, log);
	const reference = await runSeveral(config, large, 'bare fetch loop', { client: 'fetch' }, log);
	const parallelRequests = DEFAULT_PARALLEL_REQUESTS;
	const parallel = {
		...(await runSeveral(
			config,
			large,
			`node at Parallel Requests ${parallelRequests}, Simplify off`,
			{ parallelRequests },
			log,
		)),
		parallelRequests,
	};
	const largest =
		config.sizes.memoryLargest > large
			? await runSeveral(config, config.sizes.memoryLargest, 'node, Simplify off', {}, log)
			: undefined;
	const find = (contacts: number, simplify: boolean) =>
		cases.find((item) => item.contacts === contacts && item.simplify === simplify) as P3Case;
	const growthRatio = (simplify: boolean) =>
		perMeasure((measure) =>
			round(find(large, simplify).median[measure] / find(small, simplify).median[measure], 2),
		);
	return {
		sizes: [small, large],
		pageSize: config.pageSize,
		latencyMs: config.memoryLatencyMs,
		runs: config.memoryRuns,
		cases,
		linearity: {
			expected: round(large / small, 2),
			simplifyOff: growthRatio(false),
			simplifyOn: growthRatio(true),
		},
		simplifyPeakRatio: perMeasure((measure) =>
			round(find(large, true).median[measure] / find(large, false).median[measure], 2),
		),
		capped,
		reference,
		largest,
		parallel,
		parallelPeakRatio: perMeasure((measure) =>
			round(parallel.median[measure] / find(large, false).median[measure], 2),
		),
	};
}

/** Several fresh-process runs of one Return All over `contacts`, Simplify off unless `extra` says. */
async function runSeveral(
	config: BenchConfig,
	contacts: number,
	label: string,
	extra: Partial<MemoryCase>,
	log: (line: string) => void,
): Promise<MemoryRuns> {
	return await withSimulator(config, contacts, async (sim) => {
		const results: MemoryChildResult[] = [];
		for (let run = 0; run < config.memoryRuns; run++) {
			const result = checkItems(await runChild(memoryCase(config, sim, contacts, extra)), contacts);
			results.push(result);
			log(
				`  P3 ${contacts} contacts, ${label} run ${run + 1}/${config.memoryRuns}: ${describeRun(result)}`,
			);
		}
		return summarize(contacts, results);
	});
}

async function runCapped(
	config: BenchConfig,
	contacts: number,
	cases: P3Case[],
	log: (line: string) => void,
): Promise<CappedRun> {
	const reference = cases.find((item) => item.contacts === contacts && !item.simplify) as P3Case;
	const budgetMB = Math.ceil((reference.medianHeapBefore + 3 * reference.jsonBytes) / MB);
	// Loading n8n-core briefly needs more than the heap it keeps; only tiny (quick) sizes hit this floor.
	const maxOldSpaceMB = Math.max(budgetMB, MIN_OLD_SPACE_MB);
	return await withSimulator(config, contacts, async (sim) => {
		try {
			const result = await runChild(memoryCase(config, sim, contacts), [
				`--max-old-space-size=${maxOldSpaceMB}`,
			]);
			const growth = growthOf(result);
			const run: CappedRun = {
				contacts,
				maxOldSpaceMB,
				budgetMB,
				completed: result.items === contacts,
				items: result.items,
				growth,
				perJsonByte: perMeasure((measure) => round(growth[measure] / result.jsonBytes, 2)),
				retainedHeap: result.retainedHeap,
				runMs: round(result.runMs, 1),
			};
			log(
				`  P3 ${contacts} contacts, Simplify off, old space capped at ${maxOldSpaceMB} MB: ${describeRun(result)}`,
			);
			return run;
		} catch (error) {
			const message = (error as Error).message;
			log(`  P3 ${contacts} contacts, old space capped at ${maxOldSpaceMB} MB: did not complete`);
			return {
				contacts,
				maxOldSpaceMB,
				budgetMB,
				completed: false,
				error: message.slice(0, 2_000),
			};
		}
	});
}
