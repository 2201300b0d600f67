/**
 * P7: a server that takes only 2 requests at a time and answers 429 (Retry-After: 1) to any request
 * beyond that. Return All and an import, both at the node's defaults (4 parallel requests, backing off
 * by itself) and at Parallel Requests 1 (which never meets the cap): every record must arrive, and the
 * 429s and the time are reported. Latency as P5/P6 (50 ms per request). Runs are interleaved. The
 * simulator runs in its own process, as in P5/P6.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { BenchConfig } from './config';
import { collectGarbage, defaultsParameters, timedRun } from './harness';
import { importContacts } from './p2Import';
import { startRemoteSimulator } from './remoteSimulator';
import type { RemoteSimulator } from './remoteSimulator';
import { median, round } from './stats';

export interface ThrottledCase {
	records: number;
	/** At the defaults, per run. */
	nodeMs: number[];
	/** At Parallel Requests 1, per run. */
	sequentialMs: number[];
	medianNodeMs: number;
	medianSequentialMs: number;
	/** median(defaults) ÷ median(Parallel Requests 1). */
	timeRatio: number;
	/** 429s the server answered, per run at the defaults (at Parallel Requests 1 there are none). */
	throttled: number[];
	sequentialThrottled: number;
	/** Requests per run at the defaults, 429s included. */
	requests: number[];
	peakInFlight: number;
	/** Every run ended without an error and with every record (listed once, or imported and `sent`). */
	complete: boolean;
}

export interface P7Result {
	maxInFlight: number;
	latencyMs: number;
	runs: number;
	returnAll: ThrottledCase;
	import: ThrottledCase;
}

type Check = (sim: RemoteSimulator, items: IDataObject[]) => Promise<boolean>;

async function throttledCase(
	config: BenchConfig,
	label: string,
	sim: RemoteSimulator,
	run: (options: INodeParameters) => Promise<{ ms: number; items: IDataObject[] }>,
	check: Check,
	records: number,
	log: (line: string) => void,
): Promise<ThrottledCase> {
	const result: ThrottledCase = {
		records,
		nodeMs: [],
		sequentialMs: [],
		medianNodeMs: 0,
		medianSequentialMs: 0,
		timeRatio: 0,
		throttled: [],
		sequentialThrottled: 0,
		requests: [],
		peakInFlight: 0,
		complete: true,
	};
	const variants = ['defaults', 'sequential'] as const;
	for (let round_ = 0; round_ < config.parallelRuns; round_++) {
		for (let step = 0; step < variants.length; step++) {
			const variant = variants[(round_ + step) % variants.length];
			await sim.reset();
			collectGarbage();
			try {
				const { ms, items } = await run(variant === 'defaults' ? {} : { parallelRequests: 1 });
				const stats = await sim.stats();
				if (!(await check(sim, items))) result.complete = false;
				if (variant === 'defaults') {
					result.nodeMs.push(round(ms, 1));
					result.throttled.push(stats.rejectedInFlight);
					result.requests.push(stats.requestCount);
					result.peakInFlight = Math.max(result.peakInFlight, stats.peakInFlight);
				} else {
					result.sequentialMs.push(round(ms, 1));
					result.sequentialThrottled = Math.max(result.sequentialThrottled, stats.rejectedInFlight);
				}
			} catch (error) {
				result.complete = false;
				log(`  P7 ${label} (${variant}) failed: ${(error as Error).message}`);
			}
		}
		log(
			`  P7 ${label} round ${round_ + 1}/${config.parallelRuns}: defaults ${Math.round(result.nodeMs[round_] ?? NaN)} ms with ${result.throttled[round_] ?? '?'} × 429, 1 parallel ${Math.round(result.sequentialMs[round_] ?? NaN)} ms`,
		);
	}
	result.medianNodeMs = round(median(result.nodeMs), 1);
	result.medianSequentialMs = round(median(result.sequentialMs), 1);
	result.timeRatio = round(result.medianNodeMs / result.medianSequentialMs, 3);
	return result;
}

export async function runP7(
	config: BenchConfig,
	log: (line: string) => void = () => {},
): Promise<P7Result> {
	const maxInFlight = config.throttleMaxInFlight;
	const latencyMs = config.parallelLatencyMs;
	const listed = config.sizes.throttledContacts;
	const listing = await startRemoteSimulator({
		contacts: listed,
		pageSize: config.pageSize,
		latencyMs,
		maxInFlight,
	});
	let returnAll: ThrottledCase;
	try {
		returnAll = await throttledCase(
			config,
			`Return All ${listed}`,
			listing,
			async (options) => {
				const { ms, result } = await timedRun(listing, defaultsParameters('getAll', options));
				return { ms, items: result.items.map((item) => item.json) };
			},
			async (sim, items) => {
				const ids = new Set(items.map((json) => json._id));
				const stored = new Set((await sim.contacts()).map((contact) => contact.id));
				return (
					items.length === listed &&
					ids.size === listed &&
					[...ids].every((id) => stored.has(id as string))
				);
			},
			listed,
			log,
		);
	} finally {
		await listing.close();
	}

	const imported = config.sizes.throttledImport;
	const contacts = importContacts(imported);
	const importing = await startRemoteSimulator({ contacts: 0, latencyMs, maxInFlight });
	let importCase: ThrottledCase;
	try {
		importCase = await throttledCase(
			config,
			`import ${imported}`,
			importing,
			async (options) => {
				const { ms, result } = await timedRun(importing, defaultsParameters('upsert', options), [
					{ contacts },
				]);
				return { ms, items: result.items.map((item) => item.json) };
			},
			async (sim, items) =>
				items.length === imported &&
				items.every((json) => json.status === 'sent') &&
				(await sim.contacts()).length === imported,
			imported,
			log,
		);
	} finally {
		await importing.close();
	}
	return { maxInFlight, latencyMs, runs: config.parallelRuns, returnAll, import: importCase };
}
