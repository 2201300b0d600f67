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

import { emptyInboxBody } from '../nodes/BotPenguinInbox/shared/inboxQuery';
import { runNode } from '../test/helpers/engine';

import { fetchAll } from './baseline';
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

/**
 * Return All as the case says: through the node, or with a bare fetch loop holding the same records
 * (the reference: what any JavaScript client that keeps the parsed pages needs).
 */
function client(input: MemoryCase): (limit?: number) => Promise<unknown[]> {
	if (input.client === 'fetch') {
		const request = {
			url: `${input.url}/inbox/users`,
			headers: {
				authorization: `Bearer ${input.token}`,
				authtype: 'Key',
				'content-type': 'application/json',
			},
			body: { ...emptyInboxBody() },
		};
		return async (limit) => {
			if (limit === undefined) return (await fetchAll(request)).records;
			// Warm-up like the node's: a page, not the whole listing (which would pre-grow the heap).
			const response = await fetch(request.url, {
				method: 'POST',
				headers: request.headers,
				body: JSON.stringify({ ...request.body, page: 1 }),
			});
			return ((await response.json()) as { data: unknown[] }).data.slice(0, limit);
		};
	}
	const credentials = { apiToken: input.token, baseUrl: input.url };
	return async (limit) => {
		const result = await runNode({
			parameters: getManyParameters({
				...(limit ? { limit } : { returnAll: true }),
				simplify: input.simplify,
				parallelRequests: input.parallelRequests,
			}),
			credentials,
		});
		if (result.error) throw result.error;
		return result.items.map((item) => item.json);
	};
}

async function main(): Promise<void> {
	const input = JSON.parse(process.env.BENCH_MEMORY_CASE ?? '') as MemoryCase;
	const readAll = client(input);
	// Warm-up: loads every module and code path of the run, so the baseline includes them.
	await readAll(input.pageSize * 2);

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
	const records = await readAll();
	const runMs = performance.now() - start;
	record();
	clearInterval(timer);
	const peakRssKernel = kernel ? kernelPeakRss() : undefined;

	gc();
	const retainedHeap = process.memoryUsage().heapUsed - before.heapUsed;
	// Buffer.byteLength(JSON.stringify(records)), without building the whole string at once.
	let jsonBytes = 2 + Math.max(0, records.length - 1);
	for (const entry of records) jsonBytes += Buffer.byteLength(JSON.stringify(entry));
	const output: MemoryChildResult = {
		items: records.length,
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
