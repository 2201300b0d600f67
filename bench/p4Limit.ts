/** P4: requests made for Limit N, against ⌈N / page size⌉. */
import { startSimulator } from '../test/simulator/server';

import type { BenchConfig } from './config';
import { getManyParameters, timedRun } from './harness';
import { median, pages, round } from './stats';

export interface P4Case {
	limit: number;
	expectedRequests: number;
	/** Requests of each run (they should never differ). */
	requests: number[];
	medianRequests: number;
	/** Items returned by each run. */
	items: number[];
	medianMs: number;
	exact: boolean;
}

export interface P4Result {
	contacts: number;
	pageSize: number;
	latencyMs: number;
	runs: number;
	cases: P4Case[];
}

export async function runP4(
	config: BenchConfig,
	log: (line: string) => void = () => {},
): Promise<P4Result> {
	const contacts = config.sizes.limitContacts;
	const sim = await startSimulator({
		contacts,
		pageSize: config.pageSize,
		latencyMs: config.latencyMs,
		record: false,
	});
	try {
		const cases: P4Case[] = [];
		for (const limit of config.sizes.limits) {
			const expectedRequests = pages(Math.min(limit, contacts), config.pageSize);
			const requests: number[] = [];
			const items: number[] = [];
			const times: number[] = [];
			for (let run = 0; run < config.runs; run++) {
				sim.clearRequests();
				const { ms, result } = await timedRun(sim, getManyParameters({ limit, simplify: true }));
				requests.push(sim.requestCount);
				items.push(result.items.length);
				times.push(ms);
			}
			const expectedItems = Math.min(limit, contacts);
			const exact =
				requests.every((value) => value === expectedRequests) &&
				items.every((value) => value === expectedItems);
			cases.push({
				limit,
				expectedRequests,
				requests,
				medianRequests: median(requests),
				items,
				medianMs: round(median(times), 1),
				exact,
			});
			log(
				`  P4 Limit ${limit}: ${requests.join(', ')} requests (expected ${expectedRequests}), ${items[0]} items`,
			);
		}
		return {
			contacts,
			pageSize: config.pageSize,
			latencyMs: config.latencyMs,
			runs: config.runs,
			cases,
		};
	} finally {
		await sim.close();
	}
}
