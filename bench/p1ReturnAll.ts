/* eslint-disable @n8n/community-nodes/no-restricted-globals */
/**
 * P1: Return All over N contacts through the real engine, against a bare `fetch` loop that requests
 * the same pages with the same body and headers, in the same process, against the same simulator.
 * Runs are interleaved (node, fetch, node with Simplify …, order rotating each round) so machine
 * noise hits every variant alike.
 */
import { RoutingNode } from 'n8n-core';

import { startSimulator } from '../test/simulator/server';
import type { RecordedRequest } from '../test/simulator/server';

import { fetchAll, replayHeaders } from './baseline';
import type { BaselineRequest } from './baseline';
import type { BenchConfig } from './config';
import { collectGarbage, getManyParameters, timedRun } from './harness';
import { median, pages, round } from './stats';

export interface P1Result {
	contacts: number;
	pageSize: number;
	latencyMs: number;
	runs: number;
	/** Wall time of each timed run, in run order. */
	nodeMs: number[];
	nodeSimplifyMs: number[];
	fetchMs: number[];
	medianNodeMs: number;
	medianNodeSimplifyMs: number;
	medianFetchMs: number;
	/** CPU time of this process (user + system) during each run: node, its simplify twin, fetch. Includes the simulator's share, which is the same for all. */
	nodeCpuMs: number[];
	nodeSimplifyCpuMs: number[];
	fetchCpuMs: number[];
	/** median CPU(node, Simplify off) / median CPU(fetch): what the ratio tends to on a busy machine. */
	cpuRatio: number;
	/** median(node, Simplify off) / median(fetch). */
	ratio: number;
	/** median(node, Simplify on) / median(fetch). */
	ratioSimplify: number;
	/** Each round's node/fetch ratio, for a feel of the spread. */
	roundRatios: number[];
	/** One extra, instrumented node run (not part of the medians) and a fetch run right after it. */
	breakdown: Breakdown;
	requests: {
		node: number;
		nodeSimplify: number;
		fetch: number;
		/** ⌈contacts / page size⌉: the pages that hold data. */
		dataPages: number;
		/** The node's request for the empty page after a run of full pages (needed: the API sends no total). */
		emptyPageRequested: boolean;
		/** What the data requires: the data pages, plus the empty page when the last data page is full. */
		required: number;
		/** Some page number was requested twice within one node run. */
		pageRepeated: boolean;
		records: number;
	};
}

type Variant = 'node' | 'nodeSimplify' | 'fetch';

/** Milliseconds per request of one Return All run, by where the time went. */
export interface Breakdown {
	requests: number;
	/** The whole run (runNode) divided by the requests. */
	nodeTotal: number;
	/** Inside n8n-core's RoutingNode.rawRoutingRequest: its HTTP helper, the credential's authenticate, axios, the simulator and the latency. */
	transport: number;
	/** Inside RoutingNode.postProcessResponseData: the node's postReceive (envelope check, Simplify). */
	postReceive: number;
	/** Everything else: the node's pagination loop and preSend, the engine's per-run setup. */
	other: number;
	/** The bare fetch loop, per request (request, simulator, latency, JSON parse). */
	fetch: number;
}

type Timed = Record<'rawRoutingRequest' | 'postProcessResponseData', number>;

/** Times two of RoutingNode's private steps during `run`, then restores them. */
async function instrumented<T>(run: () => Promise<T>): Promise<{ result: T; spent: Timed }> {
	const prototype = RoutingNode.prototype as unknown as Record<
		keyof Timed,
		(...args: unknown[]) => Promise<unknown>
	>;
	const spent: Timed = { rawRoutingRequest: 0, postProcessResponseData: 0 };
	const originals = { ...spent } as unknown as Record<
		keyof Timed,
		(...args: unknown[]) => Promise<unknown>
	>;
	for (const name of Object.keys(spent) as Array<keyof Timed>) {
		const original = prototype[name];
		originals[name] = original;
		prototype[name] = async function (this: unknown, ...args: unknown[]) {
			const start = performance.now();
			try {
				return await original.apply(this, args);
			} finally {
				spent[name] += performance.now() - start;
			}
		};
	}
	try {
		return { result: await run(), spent };
	} finally {
		Object.assign(prototype, originals);
	}
}

export async function runP1(
	config: BenchConfig,
	log: (line: string) => void = () => {},
): Promise<P1Result> {
	const contacts = config.sizes.returnAllContacts;
	let listener: ((request: RecordedRequest) => void) | undefined;
	const sim = await startSimulator({
		contacts,
		pageSize: config.pageSize,
		latencyMs: config.latencyMs,
		record: false,
		onRequest: (request) => listener?.(request),
	});
	try {
		// Warm-up (not timed): capture the node's real request, and let the JIT see both code paths.
		let first: RecordedRequest | undefined;
		listener = (request) => {
			first ??= request;
		};
		await timedRun(
			sim,
			getManyParameters({ limit: Math.min(contacts, 50 * config.pageSize), simplify: false }),
		);
		listener = undefined;
		if (!first) throw new Error('The warm-up run made no request');
		const baseline: BaselineRequest = {
			url: `${sim.url}${first.path}`,
			headers: replayHeaders(first),
			body: first.body as Record<string, unknown>,
		};
		await fetchAll(baseline);

		const times: Record<Variant, number[]> = { node: [], nodeSimplify: [], fetch: [] };
		const cpu: Record<Variant, number[]> = { node: [], nodeSimplify: [], fetch: [] };
		const requests: Record<Variant, number> = { node: 0, nodeSimplify: 0, fetch: 0 };
		let pageRepeated = false;
		let records = 0;
		const order: Variant[] = ['node', 'fetch', 'nodeSimplify'];

		for (let round_ = 0; round_ < config.runs; round_++) {
			for (let step = 0; step < order.length; step++) {
				const variant = order[(round_ + step) % order.length];
				collectGarbage();
				const seen = new Set<number>();
				let repeated = false;
				listener = (request) => {
					const page = (request.body as { page?: number } | undefined)?.page ?? -1;
					if (seen.has(page)) repeated = true;
					seen.add(page);
				};
				sim.clearRequests();
				const cpuBefore = process.cpuUsage();
				let ms: number;
				let count: number;
				if (variant === 'fetch') {
					const start = performance.now();
					const result = await fetchAll(baseline);
					ms = performance.now() - start;
					count = result.records.length;
				} else {
					const run = await timedRun(
						sim,
						getManyParameters({ returnAll: true, simplify: variant === 'nodeSimplify' }),
					);
					ms = run.ms;
					count = run.result.items.length;
					if (repeated) pageRepeated = true;
				}
				const cpuUsed = process.cpuUsage(cpuBefore);
				cpu[variant].push((cpuUsed.user + cpuUsed.system) / 1000);
				listener = undefined;
				if (count !== contacts) {
					throw new Error(`P1 ${variant} returned ${count} records instead of ${contacts}`);
				}
				records = count;
				times[variant].push(ms);
				requests[variant] = Math.max(requests[variant], sim.requestCount);
			}
			const last = (variant: Variant) => times[variant][times[variant].length - 1];
			log(
				`  P1 round ${round_ + 1}/${config.runs}: node ${Math.round(last('node'))} ms, fetch ${Math.round(last('fetch'))} ms, node+Simplify ${Math.round(last('nodeSimplify'))} ms`,
			);
		}

		collectGarbage();
		sim.clearRequests();
		const probe = await instrumented(() =>
			timedRun(sim, getManyParameters({ returnAll: true, simplify: false })),
		);
		const probeRequests = sim.requestCount;
		const fetchStart = performance.now();
		await fetchAll(baseline);
		const fetchProbeMs = performance.now() - fetchStart;
		const per = (value: number) => round(value / probeRequests, 3);
		const breakdown: Breakdown = {
			requests: probeRequests,
			nodeTotal: per(probe.result.ms),
			transport: per(probe.spent.rawRoutingRequest),
			postReceive: per(probe.spent.postProcessResponseData),
			other: per(
				probe.result.ms - probe.spent.rawRoutingRequest - probe.spent.postProcessResponseData,
			),
			fetch: per(fetchProbeMs),
		};
		log(
			`  P1 per request (one instrumented run): node ${breakdown.nodeTotal} ms = n8n HTTP helper + server ${breakdown.transport} + postReceive ${breakdown.postReceive} + pagination/engine ${breakdown.other}; fetch ${breakdown.fetch} ms`,
		);

		const dataPages = pages(contacts, config.pageSize);
		const lastPageFull = contacts % config.pageSize === 0;
		const medianNodeMs = median(times.node);
		const medianFetchMs = median(times.fetch);
		const medianNodeSimplifyMs = median(times.nodeSimplify);
		return {
			contacts,
			pageSize: config.pageSize,
			latencyMs: config.latencyMs,
			runs: config.runs,
			nodeMs: times.node.map((value) => round(value, 1)),
			nodeSimplifyMs: times.nodeSimplify.map((value) => round(value, 1)),
			fetchMs: times.fetch.map((value) => round(value, 1)),
			medianNodeMs: round(medianNodeMs, 1),
			medianNodeSimplifyMs: round(medianNodeSimplifyMs, 1),
			medianFetchMs: round(medianFetchMs, 1),
			nodeCpuMs: cpu.node.map((value) => round(value, 1)),
			nodeSimplifyCpuMs: cpu.nodeSimplify.map((value) => round(value, 1)),
			fetchCpuMs: cpu.fetch.map((value) => round(value, 1)),
			cpuRatio: round(median(cpu.node) / median(cpu.fetch), 3),
			ratio: round(medianNodeMs / medianFetchMs, 3),
			ratioSimplify: round(medianNodeSimplifyMs / medianFetchMs, 3),
			breakdown,
			roundRatios: times.node.map((value, index) => round(value / times.fetch[index], 3)),
			requests: {
				node: requests.node,
				nodeSimplify: requests.nodeSimplify,
				fetch: requests.fetch,
				dataPages,
				emptyPageRequested: requests.node > dataPages,
				required: dataPages + (lastPageFull ? 1 : 0),
				pageRepeated,
				records,
			},
		};
	} finally {
		listener = undefined;
		await sim.close();
	}
}
