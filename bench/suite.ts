/* eslint-disable @n8n/community-nodes/no-restricted-imports */
/** Runs the chosen figures in order and assembles the results (no printing, no files). */
import * as os from 'node:os';

import type { BenchConfig } from './config';
import { runP1 } from './p1ReturnAll';
import { runP2 } from './p2Import';
import { runP3 } from './p3Memory';
import { runP4 } from './p4Limit';
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
	if (config.quick) list.push('QUICK smoke run: sizes are tiny, so the goals are not meaningful.');
	return list;
}
