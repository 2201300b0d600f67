/**
 * P6: importing N contacts with Create or Update at the node's defaults (batches in parallel) against
 * the same batches POSTed one after another by a bare `fetch` loop, at a far server (50 ms per
 * request); also the node with Parallel Requests 1 against the same loop. The batches are the node's
 * own request bodies, captured from a warm-up run. The simulator is reset before each run, so every
 * run creates the same N new contacts; runs are interleaved. The simulator runs in its own process
 * (bench/remoteSimulator.ts): its import handling would otherwise share the node's thread.
 */
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_BATCH_SIZE } from '../nodes/BotPenguinInbox/resources/contact/upsert';
import { postOneAfterAnother, replayHeaders } from './baseline';
import type { BenchConfig } from './config';
import { collectGarbage, defaultsParameters, timedRun } from './harness';
import { importContacts } from './p2Import';
import { startRemoteSimulator } from './remoteSimulator';
import { median, pages, round } from './stats';

export interface P6Result {
	contacts: number;
	batchSize: number;
	latencyMs: number;
	runs: number;
	batches: number;
	nodeMs: number[];
	sequentialNodeMs: number[];
	fetchMs: number[];
	medianNodeMs: number;
	medianSequentialNodeMs: number;
	medianFetchMs: number;
	/** median(node at the default) ÷ median(the batches one after another). */
	ratio: number;
	/** median(node at Parallel Requests 1) ÷ median(the batches one after another). */
	sequentialRatio: number;
	roundRatios: number[];
	/** Most requests of one node run at the default. */
	nodeRequests: number;
	/** Every run reported every contact `sent`, in input order, and the simulator holds every one. */
	allSent: boolean;
	peakInFlight: number;
}

type Variant = 'node' | 'sequentialNode' | 'fetch';

export async function runP6(
	config: BenchConfig,
	log: (line: string) => void = () => {},
): Promise<P6Result> {
	const count = config.sizes.parallelImport;
	const contacts = importContacts(count);
	const items = [{ contacts }];
	const phones = contacts.map((contact) => String(contact.phone).replace(/\D/g, ''));
	const sim = await startRemoteSimulator({ contacts: 0, latencyMs: 0 });
	const everyPhoneStored = async () => {
		const stored = new Set((await sim.contacts()).map((contact) => contact.phone));
		return phones.every((phone) => stored.has(phone));
	};
	try {
		// Warm-up at no latency, one batch after another: the node's batches, in input order.
		await sim.startCapture();
		await timedRun(sim, defaultsParameters('upsert', { parallelRequests: 1 }), items);
		const captured = await sim.stopCapture();
		if (!captured.length) throw new Error('The warm-up run made no request');
		const url = `${sim.url}${captured[0].path}`;
		const headers = replayHeaders(captured[0]);
		const bodies = captured.map((request) => request.body);
		await sim.reset();
		await postOneAfterAnother(url, headers, bodies.slice(0, 2));
		await sim.setOptions({ latencyMs: config.parallelLatencyMs });

		const times: Record<Variant, number[]> = { node: [], sequentialNode: [], fetch: [] };
		let nodeRequests = 0;
		let peakInFlight = 0;
		let allSent = true;
		const variants: Variant[] = ['node', 'fetch', 'sequentialNode'];
		for (let round_ = 0; round_ < config.parallelRuns; round_++) {
			for (let step = 0; step < variants.length; step++) {
				const variant = variants[(round_ + step) % variants.length];
				await sim.reset();
				collectGarbage();
				let ms: number;
				if (variant === 'fetch') {
					const start = performance.now();
					await postOneAfterAnother(url, headers, bodies);
					ms = performance.now() - start;
				} else {
					const run = await timedRun(
						sim,
						defaultsParameters('upsert', variant === 'node' ? {} : { parallelRequests: 1 }),
						items,
					);
					ms = run.ms;
					const output = run.result.items;
					const inOrder = output.every(
						(item, index) =>
							item.json.status === 'sent' &&
							item.json.batch === Math.floor(index / DEFAULT_BATCH_SIZE) + 1 &&
							String((item.json.contact as IDataObject | undefined)?.phone ?? '').replace(
								/\D/g,
								'',
							) === phones[index],
					);
					if (output.length !== count || !inOrder) allSent = false;
					if (variant === 'node') {
						const stats = await sim.stats();
						nodeRequests = Math.max(nodeRequests, stats.requestCount);
						peakInFlight = Math.max(peakInFlight, stats.peakInFlight);
					}
				}
				if (!(await everyPhoneStored())) allSent = false;
				times[variant].push(ms);
			}
			const last = (variant: Variant) => Math.round(times[variant][times[variant].length - 1]);
			log(
				`  P6 round ${round_ + 1}/${config.parallelRuns}: node ${last('node')} ms, batches one after another ${last('fetch')} ms, node at 1 parallel ${last('sequentialNode')} ms`,
			);
		}
		const medianOf = (variant: Variant) => median(times[variant]);
		return {
			contacts: count,
			batchSize: DEFAULT_BATCH_SIZE,
			latencyMs: config.parallelLatencyMs,
			runs: config.parallelRuns,
			batches: pages(count, DEFAULT_BATCH_SIZE),
			nodeMs: times.node.map((value) => round(value, 1)),
			sequentialNodeMs: times.sequentialNode.map((value) => round(value, 1)),
			fetchMs: times.fetch.map((value) => round(value, 1)),
			medianNodeMs: round(medianOf('node'), 1),
			medianSequentialNodeMs: round(medianOf('sequentialNode'), 1),
			medianFetchMs: round(medianOf('fetch'), 1),
			ratio: round(medianOf('node') / medianOf('fetch'), 3),
			sequentialRatio: round(medianOf('sequentialNode') / medianOf('fetch'), 3),
			roundRatios: times.node.map((value, index) => round(value / times.fetch[index], 3)),
			nodeRequests,
			allSent,
			peakInFlight,
		};
	} finally {
		await sim.close();
	}
}
