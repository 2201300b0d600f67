/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * P3: peak memory of Return All over two sizes (10,000 and 50,000 contacts), Simplify off and on.
 * Each case runs in a fresh Node process (bench/memoryChild.ts, with --expose-gc) against a simulator
 * in this process, so the simulator's data is not part of the measured process. The child samples
 * process.memoryUsage() while the node runs and reads the kernel's RSS high-water mark.
 *
 * Growth = peak − the value just before the run (after a warm-up run and a full GC).
 * - heap growth: V8 heap used + external memory (what the JavaScript objects and buffers take);
 * - RSS growth: the whole process, kernel high-water mark (includes heap room V8 reserved).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

import { startSimulator } from '../test/simulator/server';
import type { Simulator } from '../test/simulator/server';

import type { BenchConfig } from './config';
import { RESULT_MARKER } from './memoryTypes';
import type { MemoryCase, MemoryChildResult } from './memoryTypes';
import { MB, median, mb, round } from './stats';

export interface P3Case {
	contacts: number;
	simplify: boolean;
	runs: number;
	/** Per run, in bytes. */
	heapGrowth: number[];
	rssGrowth: number[];
	retainedHeap: number[];
	jsonBytes: number;
	items: number;
	medianHeapGrowth: number;
	medianRssGrowth: number;
	medianRetainedHeap: number;
	/** V8 heap used just before the run (after warm-up and GC). */
	medianHeapBefore: number;
	/** medianHeapGrowth / jsonBytes. */
	heapPerJsonByte: number;
	rssPerJsonByte: number;
	medianRunMs: number;
	/** Where the RSS peak came from: the kernel's VmHWM, or the sampler. */
	rssSource: 'kernel' | 'sampler';
}

export interface P3Result {
	sizes: [number, number];
	pageSize: number;
	latencyMs: number;
	runs: number;
	cases: P3Case[];
	/** growth(large) / growth(small); linear = large/small (5.0 for 50,000 vs 10,000). */
	linearity: {
		expected: number;
		heap: { simplifyOff: number; simplifyOn: number };
		rss: { simplifyOff: number; simplifyOn: number };
	};
	/** Peak heap growth with Simplify on / off, largest size. */
	simplifyPeakRatio: { heap: number; rss: number };
	/** The largest size, Simplify off, once more with V8's old space capped at (heap before + 3 × JSON). */
	capped: CappedRun;
	/** The largest size read by a bare fetch loop that keeps the parsed records: what V8 needs anyway. */
	reference: ReferenceRun;
}

export interface ReferenceRun {
	contacts: number;
	runs: number;
	jsonBytes: number;
	medianHeapGrowth: number;
	medianRssGrowth: number;
	heapPerJsonByte: number;
	rssPerJsonByte: number;
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
	heapGrowth?: number;
	rssGrowth?: number;
	heapPerJsonByte?: number;
	rssPerJsonByte?: number;
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
					const result = await runChild(memoryCase(config, sim, contacts, { simplify }));
					if (result.items !== contacts) {
						throw new Error(`P3 returned ${result.items} records instead of ${contacts}`);
					}
					runs[simplify ? 'on' : 'off'].push(result);
					log(
						`  P3 ${contacts} contacts, Simplify ${simplify ? 'on ' : 'off'} run ${run + 1}/${config.memoryRuns}: heap +${mb(heapGrowth(result))}, RSS +${mb(rssGrowth(result))}, JSON ${mb(result.jsonBytes)}, ${Math.round(result.runMs)} ms`,
					);
				}
			}
			for (const simplify of [false, true]) {
				const list = runs[simplify ? 'on' : 'off'];
				const heap = list.map(heapGrowth);
				const rss = list.map(rssGrowth);
				const jsonBytes = list[0].jsonBytes;
				cases.push({
					contacts,
					simplify,
					runs: list.length,
					heapGrowth: heap,
					rssGrowth: rss,
					retainedHeap: list.map((result) => result.retainedHeap),
					jsonBytes,
					items: list[0].items,
					medianHeapGrowth: median(heap),
					medianRssGrowth: median(rss),
					medianRetainedHeap: median(list.map((result) => result.retainedHeap)),
					medianHeapBefore: median(list.map((result) => result.before.heapUsed)),
					heapPerJsonByte: round(median(heap) / jsonBytes, 2),
					rssPerJsonByte: round(median(rss) / jsonBytes, 2),
					medianRunMs: round(median(list.map((result) => result.runMs)), 1),
					rssSource: list.every((result) => result.peakRssKernel !== undefined)
						? 'kernel'
						: 'sampler',
				});
			}
		});
	}
	const capped = await runCapped(config, large, cases, log);
	const reference = await runReference(config, large, log);
	const find = (contacts: number, simplify: boolean) =>
		cases.find((item) => item.contacts === contacts && item.simplify === simplify) as P3Case;
	const ratio = (key: 'medianHeapGrowth' | 'medianRssGrowth', simplify: boolean) =>
		round(find(large, simplify)[key] / find(small, simplify)[key], 2);
	return {
		sizes: [small, large],
		pageSize: config.pageSize,
		latencyMs: config.memoryLatencyMs,
		runs: config.memoryRuns,
		cases,
		linearity: {
			expected: round(large / small, 2),
			heap: {
				simplifyOff: ratio('medianHeapGrowth', false),
				simplifyOn: ratio('medianHeapGrowth', true),
			},
			rss: {
				simplifyOff: ratio('medianRssGrowth', false),
				simplifyOn: ratio('medianRssGrowth', true),
			},
		},
		simplifyPeakRatio: {
			heap: round(find(large, true).medianHeapGrowth / find(large, false).medianHeapGrowth, 2),
			rss: round(find(large, true).medianRssGrowth / find(large, false).medianRssGrowth, 2),
		},
		capped,
		reference,
	};
}

/** The same measurement for a bare fetch loop (bench/baseline.ts) holding the raw records. */
async function runReference(
	config: BenchConfig,
	contacts: number,
	log: (line: string) => void,
): Promise<ReferenceRun> {
	return await withSimulator(config, contacts, async (sim) => {
		const results: MemoryChildResult[] = [];
		for (let run = 0; run < config.memoryRuns; run++) {
			const result = await runChild(memoryCase(config, sim, contacts, { client: 'fetch' }));
			results.push(result);
			log(
				`  P3 ${contacts} contacts, bare fetch loop run ${run + 1}/${config.memoryRuns}: heap +${mb(heapGrowth(result))}, RSS +${mb(rssGrowth(result))}, JSON ${mb(result.jsonBytes)}`,
			);
		}
		const jsonBytes = results[0].jsonBytes;
		const medianHeapGrowth = median(results.map(heapGrowth));
		const medianRssGrowth = median(results.map(rssGrowth));
		return {
			contacts,
			runs: results.length,
			jsonBytes,
			medianHeapGrowth,
			medianRssGrowth,
			heapPerJsonByte: round(medianHeapGrowth / jsonBytes, 2),
			rssPerJsonByte: round(medianRssGrowth / jsonBytes, 2),
		};
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
			const run: CappedRun = {
				contacts,
				maxOldSpaceMB,
				budgetMB,
				completed: result.items === contacts,
				items: result.items,
				heapGrowth: heapGrowth(result),
				rssGrowth: rssGrowth(result),
				heapPerJsonByte: round(heapGrowth(result) / result.jsonBytes, 2),
				rssPerJsonByte: round(rssGrowth(result) / result.jsonBytes, 2),
				retainedHeap: result.retainedHeap,
				runMs: round(result.runMs, 1),
			};
			log(
				`  P3 ${contacts} contacts, Simplify off, old space capped at ${maxOldSpaceMB} MB: heap +${mb(run.heapGrowth as number)}, RSS +${mb(run.rssGrowth as number)}, ${Math.round(result.runMs)} ms`,
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

function heapGrowth(result: MemoryChildResult): number {
	return result.peak.heapAndExternal - (result.before.heapUsed + result.before.external);
}

function rssGrowth(result: MemoryChildResult): number {
	return (result.peakRssKernel ?? result.peak.rss) - result.before.rss;
}
