/* eslint-disable @n8n/community-nodes/no-restricted-globals */
/**
 * P5: Return All over N contacts with parallel page requests, against a bare sequential `fetch` loop
 * over the same pages, at a far server (50 ms per request) and a near one (5 ms). At 50 ms also the
 * curve for several Parallel Requests settings against the limit `latency ÷ parallel requests` per
 * page. Runs are interleaved, the order rotating each round, so machine noise hits every variant alike.
 * The simulator runs in its own process (bench/remoteSimulator.ts), as BotPenguin's server does.
 */
import { DEFAULT_PARALLEL_REQUESTS } from '../nodes/BotPenguinInbox/shared/concurrency';
import { fetchAll, replayHeaders } from './baseline';
import type { BaselineRequest } from './baseline';
import type { BenchConfig } from './config';
import { collectGarbage, defaultsParameters, timedRun } from './harness';
import { startRemoteSimulator } from './remoteSimulator';
import { median, pages, round } from './stats';

export interface CurvePoint {
	parallelRequests: number;
	ms: number[];
	medianMs: number;
	/** median wall time ÷ the requests the listing needs (the data pages and the empty one). */
	msPerPage: number;
	/** latency ÷ parallel requests: what waiting alone would cost per page. */
	limitMsPerPage: number;
	/** msPerPage ÷ limitMsPerPage (1.0 = at the limit). */
	overLimit: number;
	/** median at 1 parallel request ÷ median here. */
	speedUp: number;
	/** speedUp ÷ parallel requests: 1.0 while waiting is all that counts. */
	efficiency: number;
	/** CPU time of the node's process per page (the simulator has its own): where the curve must flatten. */
	cpuMsPerPage: number;
	/** Most requests of one run, and how many of them went past the empty page. */
	requests: number;
	pastEnd: number;
	/** The most requests the simulator saw in flight at once. */
	peakInFlight: number;
}

export interface LatencyRatio {
	latencyMs: number;
	fetchMs: number[];
	nodeMs: number[];
	medianFetchMs: number;
	medianNodeMs: number;
	/** median(node at the default) ÷ median(fetch loop). */
	ratio: number;
	roundRatios: number[];
}

export interface P5Result {
	contacts: number;
	pageSize: number;
	runs: number;
	defaultParallelRequests: number;
	/** ⌈contacts / page size⌉. */
	dataPages: number;
	/** The empty page that ends the listing: dataPages + 1 (Stop at Short Page is off by default). */
	endPage: number;
	far: LatencyRatio;
	near: LatencyRatio;
	curve: CurvePoint[];
	/** The first setting whose efficiency is below BEND_EFFICIENCY, if any. */
	bendsAt?: number;
	/** Most requests past the empty page in one run at the default, at either latency. */
	pastEndAtDefault: number;
	/** Every node run returned every record once; no page was asked for twice in one run. */
	everyRecord: boolean;
	pageRepeated: boolean;
	fetchRequests: number;
}

/** Below this share of the ideal speed-up, the curve is said to bend. */
export const BEND_EFFICIENCY = 0.75;

type Variant = 'fetch' | number;

export async function runP5(
	config: BenchConfig,
	log: (line: string) => void = () => {},
): Promise<P5Result> {
	const contacts = config.sizes.parallelContacts;
	const dataPages = pages(contacts, config.pageSize);
	const endPage = dataPages + 1;
	const fallback = DEFAULT_PARALLEL_REQUESTS;
	const sim = await startRemoteSimulator({ contacts, pageSize: config.pageSize, latencyMs: 0 });
	let everyRecord = true;
	let pageRepeated = false;
	let fetchRequests = 0;
	/** One timed run of a variant: wall time, CPU time, requests, pages past the end, peak in flight. */
	const measure = async (variant: Variant, baseline: BaselineRequest) => {
		await sim.clearRequests();
		collectGarbage();
		const cpuBefore = process.cpuUsage();
		let ms: number;
		if (variant === 'fetch') {
			const start = performance.now();
			const result = await fetchAll(baseline);
			ms = performance.now() - start;
			fetchRequests = Math.max(fetchRequests, result.requests);
			if (result.records.length !== contacts) everyRecord = false;
		} else {
			// The default is measured as users get it: no option set.
			const options = variant === fallback ? {} : { parallelRequests: variant };
			const run = await timedRun(sim, defaultsParameters('getAll', options));
			ms = run.ms;
			const ids = new Set(run.result.items.map((item) => item.json._id));
			if (run.result.items.length !== contacts || ids.size !== contacts) everyRecord = false;
		}
		const cpu = process.cpuUsage(cpuBefore);
		const stats = await sim.stats();
		if (new Set(stats.pages).size !== stats.pages.length) pageRepeated = true;
		return {
			ms,
			cpuMs: (cpu.user + cpu.system) / 1000,
			requests: stats.requestCount,
			pastEnd: Math.max(0, Math.max(...stats.pages) - endPage),
			peakInFlight: stats.peakInFlight,
		};
	};
	try {
		// Warm-up at no latency (not timed): capture the node's real request, let the JIT see both loops.
		await sim.startCapture();
		await timedRun(sim, defaultsParameters('getAll'));
		const [first] = await sim.stopCapture();
		if (!first) throw new Error('The warm-up run made no request');
		const baseline: BaselineRequest = {
			url: `${sim.url}${first.path}`,
			headers: replayHeaders(first),
			body: first.body as Record<string, unknown>,
		};
		await fetchAll(baseline);

		const curveSettings = [...new Set([...config.parallelCurve, fallback])].sort((a, b) => a - b);
		let pastEndAtDefault = 0;
		const ratioAt = async (latencyMs: number, variants: Variant[]) => {
			await sim.setOptions({ latencyMs });
			const runs = new Map<Variant, Array<Awaited<ReturnType<typeof measure>>>>(
				variants.map((variant) => [variant, []]),
			);
			for (let round_ = 0; round_ < config.parallelRuns; round_++) {
				for (let step = 0; step < variants.length; step++) {
					const variant = variants[(round_ + step) % variants.length];
					const result = await measure(variant, baseline);
					runs.get(variant)?.push(result);
					if (variant === fallback) pastEndAtDefault = Math.max(pastEndAtDefault, result.pastEnd);
				}
				const last = (variant: Variant) => {
					const list = runs.get(variant) ?? [];
					return Math.round(list[list.length - 1].ms);
				};
				log(
					`  P5 ${latencyMs} ms, round ${round_ + 1}/${config.parallelRuns}: fetch ${last('fetch')} ms, ${variants
						.filter((variant) => variant !== 'fetch')
						.map((variant) => `${variant} parallel ${last(variant)} ms`)
						.join(', ')}`,
				);
			}
			const times = (variant: Variant) => (runs.get(variant) ?? []).map((run) => run.ms);
			const ratio: LatencyRatio = {
				latencyMs,
				fetchMs: times('fetch').map((value) => round(value, 1)),
				nodeMs: times(fallback).map((value) => round(value, 1)),
				medianFetchMs: round(median(times('fetch')), 1),
				medianNodeMs: round(median(times(fallback)), 1),
				ratio: round(median(times(fallback)) / median(times('fetch')), 3),
				roundRatios: times(fallback).map((value, index) => round(value / times('fetch')[index], 3)),
			};
			return { ratio, runs };
		};

		const far = await ratioAt(config.parallelLatencyMs, ['fetch', ...curveSettings]);
		const near = await ratioAt(config.parallelLowLatencyMs, ['fetch', fallback]);

		const sequentialMs = median((far.runs.get(1) ?? []).map((run) => run.ms));
		const curve: CurvePoint[] = curveSettings
			.filter((setting) => config.parallelCurve.includes(setting))
			.map((setting) => {
				const list = far.runs.get(setting) ?? [];
				const medianMs = median(list.map((run) => run.ms));
				const msPerPage = medianMs / endPage;
				const limitMsPerPage = config.parallelLatencyMs / setting;
				const speedUp = sequentialMs / medianMs;
				return {
					parallelRequests: setting,
					ms: list.map((run) => round(run.ms, 1)),
					medianMs: round(medianMs, 1),
					msPerPage: round(msPerPage, 2),
					limitMsPerPage: round(limitMsPerPage, 2),
					overLimit: round(msPerPage / limitMsPerPage, 2),
					speedUp: round(speedUp, 2),
					efficiency: round(speedUp / setting, 2),
					cpuMsPerPage: round(median(list.map((run) => run.cpuMs)) / endPage, 2),
					requests: Math.max(...list.map((run) => run.requests)),
					pastEnd: Math.max(...list.map((run) => run.pastEnd)),
					peakInFlight: Math.max(...list.map((run) => run.peakInFlight)),
				};
			});
		for (const point of curve) {
			log(
				`  P5 curve: ${point.parallelRequests} parallel: ${point.msPerPage} ms per page (limit ${point.limitMsPerPage}), speed-up ${point.speedUp}×, CPU ${point.cpuMsPerPage} ms per page, ${point.requests} requests`,
			);
		}
		const bend = curve.find((point) => point.efficiency < BEND_EFFICIENCY);
		return {
			contacts,
			pageSize: config.pageSize,
			runs: config.parallelRuns,
			defaultParallelRequests: fallback,
			dataPages,
			endPage,
			far: far.ratio,
			near: near.ratio,
			curve,
			bendsAt: bend?.parallelRequests,
			pastEndAtDefault,
			everyRecord,
			pageRepeated,
			fetchRequests,
		};
	} finally {
		await sim.close();
	}
}
