/* eslint-disable @n8n/community-nodes/no-restricted-imports */
/** Runs the chosen figures in order and assembles the results (no printing, no files). */
import * as os from 'node:os';

import type { BenchConfig } from './config';
import { runP1 } from './p1ReturnAll';
import { runP2 } from './p2Import';
import { runP3 } from './p3Memory';
import { runP4 } from './p4Limit';
import { BEND_EFFICIENCY, runP5 } from './p5Parallel';
import { runP6 } from './p6ParallelImport';
import { runP7 } from './p7Throttled';
import { evaluateGoals, machineInfo } from './report';
import type { BenchResults, Figures } from './report';
import { thousands } from './stats';

export async function runBenchmark(
	config: BenchConfig,
	log: (line: string) => void = () => {},
): Promise<BenchResults> {
	const loadAverageAtStart = os.loadavg();
	const started = performance.now();
	const date = new Date().toISOString();
	const figures: Figures = {};
	const wanted = new Set(config.only);

	if (wanted.has('P1')) {
		log(
			`P1: Return All over ${thousands(config.sizes.returnAllContacts)} contacts, node vs fetch, latency ${config.latencyMs} ms`,
		);
		figures.P1 = await runP1(config, log);
	}
	if (wanted.has('P2')) {
		log(
			`P2: importing ${thousands(config.sizes.importContacts)} contacts, batched vs one request per contact`,
		);
		figures.P2 = await runP2(config, log);
	}
	if (wanted.has('P3')) {
		log(
			`P3: peak memory of Return All over ${config.sizes.memoryContacts.map(thousands).join(' and ')} contacts (fresh process each)`,
		);
		figures.P3 = await runP3(config, log);
	}
	if (wanted.has('P4')) {
		log(`P4: requests for Limit ${config.sizes.limits.join(', ')}`);
		figures.P4 = await runP4(config, log);
	}
	if (wanted.has('P5')) {
		log(
			`P5: Return All over ${thousands(config.sizes.parallelContacts)} contacts with parallel page requests vs a sequential fetch loop, latency ${config.parallelLatencyMs} and ${config.parallelLowLatencyMs} ms`,
		);
		figures.P5 = await runP5(config, log);
	}
	if (wanted.has('P6')) {
		log(
			`P6: importing ${thousands(config.sizes.parallelImport)} contacts with parallel batches vs the same batches one after another, latency ${config.parallelLatencyMs} ms`,
		);
		figures.P6 = await runP6(config, log);
	}
	if (wanted.has('P7')) {
		log(
			`P7: a server that takes ${config.throttleMaxInFlight} requests at a time (429, Retry-After: 1): Return All ${thousands(config.sizes.throttledContacts)} and import ${thousands(config.sizes.throttledImport)}`,
		);
		figures.P7 = await runP7(config, log);
	}

	const goals = evaluateGoals(figures);
	return {
		benchmark: 'n8n-nodes-botpenguin-inbox',
		date,
		durationMs: Math.round(performance.now() - started),
		machine: machineInfo(loadAverageAtStart),
		config,
		figures,
		goals,
		allPassed: goals.every((goal) => goal.pass !== false),
		notes: notes(config, figures),
	};
}

function notes(config: BenchConfig, figures: Figures): string[] {
	const list: string[] = [
		"All node runs go through n8n-core's real WorkflowExecute/RoutingNode and the credential's own authenticate (test/helpers/engine.ts), against the in-process BotPenguin simulator (test/simulator/server.ts).",
	];
	if (figures.P1) {
		const { requests } = figures.P1;
		list.push(
			`P1: the baseline is a plain fetch loop (keep-alive) in the same process, POSTing the node's own first request body and auth headers with the next page number, parsing each page, with the node's stopping rule; runs interleaved node, fetch, node+Simplify (rotating), one warm-up of each not timed. Simplify off does the same work as the baseline.`,
			requests.required > requests.dataPages
				? `P1: ${thousands(figures.P1.contacts)} is a multiple of the page size ${figures.P1.pageSize}, so the last data page is full and the request for the empty page ${requests.dataPages + 1} is needed to know the listing ended (BotPenguin sends no total); a listing with a short last page ends without it.`
				: `P1: the last data page is short, so the node stops without asking for an empty page.`,
		);
	}
	if (figures.P2) {
		list.push(
			`P2: input is ${figures.P2.inputShape}; "one request per contact" is the same node with Options → Batch Size 1 (${figures.P2.perContactRequests} requests). Simulator reset before each run, runs interleaved.`,
		);
	}
	if (figures.P3) {
		list.push(
			`P3: each case in a fresh Node process (--expose-gc) against a simulator in the parent, latency ${config.memoryLatencyMs} ms; growth = peak − value just before the run (after a warm-up run and a full GC), sampled every 2 ms. Heap = V8 heapUsed (the JavaScript objects); heap + external adds the Buffers outside the heap (socket reads, response bodies); RSS = kernel high-water mark (VmHWM, reset before the run). The goal takes RSS or heap. "Held after the run" = heap after a full GC with the output still referenced: the records themselves. Above that, the peak holds garbage V8 has not collected yet: dead socket Buffers, and old-space garbage V8 leaves until the old space reaches a multiple of the live heap. How much depends on when V8 chooses to collect, so it varies between runs and sizes (see the ${thousands(config.sizes.memoryLargest)}-record row); a bare fetch loop holding the same records peaks as high. The capped row re-runs the largest size with V8's old space limited to the goal's budget (heap before + 3 × JSON).`,
		);
	}
	if (figures.P1 || figures.P2 || figures.P3 || figures.P4) {
		list.push(
			"P1–P4 run the node at Options → Parallel Requests 1 with Stop at Short Page on: the one-request-at-a-time figures, with the fetch baseline's stopping rule. P3 adds one case at Parallel Requests 4.",
		);
	}
	if (figures.P5) {
		const { P5 } = figures;
		list.push(
			`P5: the node runs with the Options it has by default (Parallel Requests ${P5.defaultParallelRequests}, Stop at Short Page off: it reads until the empty page ${P5.endPage}); the baseline is P1's fetch loop, one page after another (${P5.fetchRequests} requests), at the same simulator. Simplify off. ${P5.runs} interleaved rounds per latency, after an untimed warm-up. "ms per page" = median wall time ÷ ${P5.endPage} pages; the limit is what waiting alone costs with that many requests in flight; CPU per page is the node's process's; the simulator runs in a process of its own for P5–P7, as BotPenguin's server does (in-process, its work, an import batch especially, would share the node's one JavaScript thread, which a real server never does). ${P5.bendsAt === undefined ? `The curve did not bend up to ${Math.max(...P5.curve.map((point) => point.parallelRequests))} parallel requests on this machine.` : `On this machine the curve bends at ${P5.bendsAt} parallel requests: below ${BEND_EFFICIENCY} of the ideal speed-up, where the CPU per page and the machine's load start to count as much as the waiting.`}`,
		);
	}
	if (figures.P6) {
		list.push(
			`P6: the baseline POSTs the node's own ${figures.P6.batches} batch bodies (captured from a warm-up run) one after another with a bare fetch loop; simulator reset before each run, ${figures.P6.runs} interleaved rounds.`,
		);
	}
	if (figures.P7) {
		list.push(
			`P7: the simulator answers 429 with Retry-After: 1 to any request beyond ${figures.P7.maxInFlight} in flight, latency ${figures.P7.latencyMs} ms; a 429 halves the node's requests in flight and the request waits the Retry-After second in its slot; after a run of successes it raises them by one again (the run doubles after each 429). ${figures.P7.runs} interleaved rounds.`,
		);
	}
	if (config.quick) list.push('QUICK smoke run: sizes are tiny, so the goals are not meaningful.');
	return list;
}
