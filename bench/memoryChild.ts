/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * One P3 case in a fresh process (started by p3Memory.ts with --expose-gc): Return All through the
 * real engine against the simulator running in the parent, sampling memory while it runs.
 *
 * Input: the BENCH_MEMORY_CASE environment variable (JSON). Output: one stdout line
 * `BENCH_MEMORY_RESULT {...}`.
 */
import './resolve';

import * as fs from 'node:fs';

import { runNode } from '../test/helpers/engine';

import { getManyParameters } from './harness';
import { RESULT_MARKER } from './memoryTypes';
import type { MemoryCase, MemoryChildResult, MemorySample } from './memoryTypes';

function sample(): MemorySample {
	const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
	return { rss, heapUsed, external, arrayBuffers };
}

function gc(): void {
	const collect = (globalThis as { gc?: () => void }).gc;
	if (!collect) throw new Error('memoryChild needs --expose-gc');
	collect();
	collect();
}

/** Resets the kernel's RSS high-water mark (Linux ≥ 4.0); false where that is not possible. */
function resetPeakRss(): boolean {
	try {
		fs.writeFileSync('/proc/self/clear_refs', '5');
		return true;
	} catch {
		return false;
	}
}

function kernelPeakRss(): number | undefined {
	try {
		const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

async function main(): Promise<void> {
	const input = JSON.parse(process.env.BENCH_MEMORY_CASE ?? '') as MemoryCase;
	const credentials = { apiToken: input.token, baseUrl: input.url };
	// Warm-up: loads every module and code path of the run, so the baseline includes them.
	const warm = await runNode({
		parameters: getManyParameters({ limit: input.pageSize * 2, simplify: input.simplify }),
		credentials,
	});
	if (warm.error) throw warm.error;

	gc();
	await new Promise((resolve) => setImmediate(resolve));
	gc();
	const before = sample();
	const kernel = resetPeakRss();
	const peak = { ...before, heapAndExternal: before.heapUsed + before.external };
	let samples = 0;
	const record = () => {
		const now = sample();
		samples++;
		peak.rss = Math.max(peak.rss, now.rss);
		peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
		peak.external = Math.max(peak.external, now.external);
		peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers);
		peak.heapAndExternal = Math.max(peak.heapAndExternal, now.heapUsed + now.external);
	};
	const timer = setInterval(record, input.sampleMs);
	const start = performance.now();
	const result = await runNode({
		parameters: getManyParameters({ returnAll: true, simplify: input.simplify }),
		credentials,
	});
	const runMs = performance.now() - start;
	record();
	clearInterval(timer);
	const peakRssKernel = kernel ? kernelPeakRss() : undefined;
	if (result.error) throw result.error;

	gc();
	const retainedHeap = process.memoryUsage().heapUsed - before.heapUsed;
	// Buffer.byteLength(JSON.stringify(all items' json)), without building the whole string at once.
	let jsonBytes = 2 + Math.max(0, result.items.length - 1);
	for (const item of result.items) jsonBytes += Buffer.byteLength(JSON.stringify(item.json));
	const output: MemoryChildResult = {
		items: result.items.length,
		before,
		peak,
		peakRssKernel,
		retainedHeap,
		jsonBytes,
		samples,
		runMs,
	};
	process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(output)}\n`);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(
			`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		);
		process.exit(1);
	},
);
