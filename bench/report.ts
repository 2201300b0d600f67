/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/** The goals of the issue, checked against the figures; the printed table, latest.json and latest.md. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { BenchConfig, FigureId } from './config';
import type { P1Result } from './p1ReturnAll';
import type { P2Result } from './p2Import';
import { MEASURES } from './p3Memory';
import type { Measure, P3Result, Peaks } from './p3Memory';
import type { P4Result } from './p4Limit';
import { BEND_EFFICIENCY } from './p5Parallel';
import type { P5Result } from './p5Parallel';
import type { P6Result } from './p6ParallelImport';
import type { P7Result, ThrottledCase } from './p7Throttled';
import { mb, median, ms, round, thousands } from './stats';

export interface Goal {
	figure: FigureId;
	name: string;
	/** The median (or the exact count), as a number, for machines. */
	value: number;
	/** The same, for people. */
	measured: string;
	goal: string;
	/** null: reported for information, no goal. */
	pass: boolean | null;
}

export interface Figures {
	P1?: P1Result;
	P2?: P2Result;
	P3?: P3Result;
	P4?: P4Result;
	P5?: P5Result;
	P6?: P6Result;
	P7?: P7Result;
}

export interface BenchResults {
	benchmark: 'n8n-nodes-botpenguin-inbox';
	date: string;
	durationMs: number;
	machine: {
		node: string;
		platform: string;
		arch: string;
		cpus: number;
		cpuModel: string;
		totalMemoryMB: number;
		loadAverageAtStart: number[];
		loadAverageAtEnd: number[];
	};
	config: BenchConfig;
	figures: Figures;
	goals: Goal[];
	/** Every goal with a threshold passed (information rows do not count). */
	allPassed: boolean;
	notes: string[];
}

export function machineInfo(loadAverageAtStart: number[]): BenchResults['machine'] {
	const cpus = os.cpus();
	return {
		node: process.version,
		platform: `${os.type()} ${os.release()}`,
		arch: process.arch,
		cpus: cpus.length,
		cpuModel: cpus[0]?.model ?? 'unknown',
		totalMemoryMB: Math.round(os.totalmem() / 1024 / 1024),
		loadAverageAtStart: loadAverageAtStart.map((value) => Math.round(value * 100) / 100),
		loadAverageAtEnd: os.loadavg().map((value) => Math.round(value * 100) / 100),
	};
}

const fixed = (value: number, digits = 2) => value.toFixed(digits);

export function evaluateGoals(figures: Figures): Goal[] {
	const goals: Goal[] = [];
	const { P1, P2, P3, P4, P5, P6, P7 } = figures;
	if (P1) {
		const n = thousands(P1.contacts);
		goals.push({
			figure: 'P1',
			name: `Return All ${n}: node ÷ bare fetch, wall time (Simplify off)`,
			value: P1.ratio,
			measured: `${fixed(P1.ratio)} (${ms(P1.medianNodeMs)} vs ${ms(P1.medianFetchMs)}; rounds ${fixed(Math.min(...P1.roundRatios))}–${fixed(Math.max(...P1.roundRatios))})`,
			goal: '≤ 1.10',
			pass: P1.ratio <= 1.1,
		});
		goals.push({
			figure: 'P1',
			name: `Return All ${n}: node ÷ bare fetch, wall time (Simplify on)`,
			value: P1.ratioSimplify,
			measured: `${fixed(P1.ratioSimplify)} (${ms(P1.medianNodeSimplifyMs)})`,
			goal: '(info)',
			pass: null,
		});
		goals.push({
			figure: 'P1',
			name: `Return All ${n}: node ÷ bare fetch, CPU time of the process (Simplify off)`,
			value: P1.cpuRatio,
			measured: `${fixed(P1.cpuRatio)} (${ms(median(P1.nodeCpuMs))} vs ${ms(median(P1.fetchCpuMs))})`,
			goal: '(info)',
			pass: null,
		});
		const { breakdown } = P1;
		goals.push({
			figure: 'P1',
			name: 'Return All, ms per request: node code / n8n HTTP helper + server / bare fetch',
			value: breakdown.postReceive + breakdown.other,
			measured: `${fixed(breakdown.postReceive + breakdown.other)} / ${fixed(breakdown.transport)} / ${fixed(breakdown.fetch)}`,
			goal: '(info)',
			pass: null,
		});
		const { requests } = P1;
		const empty = requests.required > requests.dataPages ? ' + 1 empty page' : '';
		goals.push({
			figure: 'P1',
			name: `Return All ${n}: requests, no page fetched twice`,
			value: requests.node,
			measured: `${requests.node}${requests.pageRepeated ? ', a page repeated' : ''} (fetch loop: ${requests.fetch})`,
			goal: `= ${requests.required} (⌈${n}/${P1.pageSize}⌉ = ${requests.dataPages}${empty})`,
			pass:
				requests.node === requests.required &&
				requests.nodeSimplify === requests.required &&
				!requests.pageRepeated,
		});
	}
	if (P2) {
		const n = thousands(P2.contacts);
		goals.push({
			figure: 'P2',
			name: `Import ${n} contacts: requests (batch size ${P2.batchSize})`,
			value: P2.batchedRequests,
			measured: String(P2.batchedRequests),
			goal: `≤ ${P2.expectedBatches}`,
			pass: P2.batchedRequests <= P2.expectedBatches && P2.allSent,
		});
		goals.push({
			figure: 'P2',
			name: `Import ${n} contacts: speed-up vs one request per contact`,
			value: P2.speedUp,
			measured: `${fixed(P2.speedUp, 1)}× (${ms(P2.medianBatchedMs)} vs ${ms(P2.medianPerContactMs)}, ${P2.perContactRequests} requests)`,
			goal: '≥ 20×',
			pass: P2.speedUp >= 20 && P2.allSent,
		});
	}
	if (P3) {
		goals.push(...p3Goals(P3));
	}
	if (P4) {
		for (const item of P4.cases) {
			goals.push({
				figure: 'P4',
				name: `Limit ${item.limit} over ${thousands(P4.contacts)} (page size ${P4.pageSize}): requests`,
				value: item.medianRequests,
				measured: `${item.medianRequests}${new Set(item.requests).size > 1 ? ` (runs: ${item.requests.join(', ')})` : ''}, ${item.items[0]} items`,
				goal: `= ${item.expectedRequests} (⌈${item.limit}/${P4.pageSize}⌉)`,
				pass: item.exact,
			});
		}
	}
	if (P5) goals.push(...p5Goals(P5));
	if (P6) goals.push(...p6Goals(P6));
	if (P7) goals.push(...p7Goals(P7));
	return goals;
}

function p5Goals(P5: P5Result): Goal[] {
	const n = thousands(P5.contacts);
	const at = P5.defaultParallelRequests;
	const spread = (ratios: number[]) =>
		`rounds ${fixed(Math.min(...ratios))}–${fixed(Math.max(...ratios))}`;
	const complete = P5.everyRecord && !P5.pageRepeated;
	const goals: Goal[] = [
		{
			figure: 'P5',
			name: `Return All ${n} at ${P5.far.latencyMs} ms: node at the default (${at} parallel) ÷ a bare sequential fetch loop, wall time`,
			value: P5.far.ratio,
			measured: `${fixed(P5.far.ratio)} (${ms(P5.far.medianNodeMs)} vs ${ms(P5.far.medianFetchMs)}; ${spread(P5.far.roundRatios)})${complete ? '' : ', RECORDS MISSING OR A PAGE TWICE'}`,
			goal: '≤ 0.30',
			pass: P5.far.ratio <= 0.3 && complete,
		},
		{
			figure: 'P5',
			name: `Return All ${n} at ${P5.near.latencyMs} ms: node at the default ÷ a bare sequential fetch loop, wall time`,
			value: P5.near.ratio,
			measured: `${fixed(P5.near.ratio)} (${ms(P5.near.medianNodeMs)} vs ${ms(P5.near.medianFetchMs)}; ${spread(P5.near.roundRatios)})`,
			goal: '(info)',
			pass: null,
		},
	];
	for (const point of P5.curve) {
		goals.push({
			figure: 'P5',
			name: `Return All ${n} at ${P5.far.latencyMs} ms, ${point.parallelRequests} parallel: ms per page vs the limit ${P5.far.latencyMs} ÷ ${point.parallelRequests}; speed-up vs 1; CPU per page`,
			value: point.msPerPage,
			measured: `${fixed(point.msPerPage)} vs ${fixed(point.limitMsPerPage)} (${fixed(point.overLimit)}× the limit); ${fixed(point.speedUp)}×; CPU ${fixed(point.cpuMsPerPage)} ms`,
			goal: '(info)',
			pass: null,
		});
	}
	const last = P5.curve[P5.curve.length - 1];
	goals.push({
		figure: 'P5',
		name: `Return All at ${P5.far.latencyMs} ms: where the curve bends (speed-up below ${BEND_EFFICIENCY} × the setting)`,
		value: P5.bendsAt ?? 0,
		measured:
			P5.bendsAt === undefined
				? `not up to ${last?.parallelRequests ?? '?'} parallel`
				: `at ${P5.bendsAt} parallel (${fixed(P5.curve.find((point) => point.parallelRequests === P5.bendsAt)?.efficiency ?? Number.NaN)} of the ideal speed-up)`,
		goal: '(info)',
		pass: null,
	});
	goals.push({
		figure: 'P5',
		name: `Return All ${n} at the default: requests past the empty page ${P5.endPage} (most in one run, both latencies)`,
		value: P5.pastEndAtDefault,
		measured: String(P5.pastEndAtDefault),
		goal: `≤ ${at - 1}`,
		pass: P5.pastEndAtDefault <= at - 1 && complete,
	});
	return goals;
}

function p6Goals(P6: P6Result): Goal[] {
	const n = thousands(P6.contacts);
	return [
		{
			figure: 'P6',
			name: `Import ${n} at ${P6.latencyMs} ms: node at the default ÷ the same ${P6.batches} batches sent one after another (bare fetch), wall time`,
			value: P6.ratio,
			measured: `${fixed(P6.ratio)} (${ms(P6.medianNodeMs)} vs ${ms(P6.medianFetchMs)}; rounds ${fixed(Math.min(...P6.roundRatios))}–${fixed(Math.max(...P6.roundRatios))})${P6.allSent ? '' : ', NOT EVERY CONTACT SENT IN ORDER'}`,
			goal: '≤ 0.30',
			pass: P6.ratio <= 0.3 && P6.allSent,
		},
		{
			figure: 'P6',
			name: `Import ${n} at ${P6.latencyMs} ms: node at Parallel Requests 1 ÷ the same batches one after another`,
			value: P6.sequentialRatio,
			measured: `${fixed(P6.sequentialRatio)} (${ms(P6.medianSequentialNodeMs)})`,
			goal: '(info)',
			pass: null,
		},
		{
			figure: 'P6',
			name: `Import ${n} at the default: requests (batch size ${P6.batchSize}), every contact sent, in input order`,
			value: P6.nodeRequests,
			measured: `${P6.nodeRequests}${P6.allSent ? '' : ', not every contact sent in order'} (at most ${P6.peakInFlight} in flight)`,
			goal: `= ${P6.batches}`,
			pass: P6.nodeRequests === P6.batches && P6.allSent,
		},
	];
}

function p7Goals(P7: P7Result): Goal[] {
	const server = `server takes ${P7.maxInFlight} at a time`;
	const rows = (what: string, item: ThrottledCase): Goal[] => [
		{
			figure: 'P7',
			name: `${what}, ${server}: every record, no failure; 429s at the default (per run)`,
			value: median(item.throttled),
			measured: `${item.complete ? 'complete' : 'INCOMPLETE'}; ${item.throttled.join(', ')} × 429 in ${item.requests.join(', ')} requests (1 parallel: ${item.sequentialThrottled})`,
			goal: 'every record, no failure',
			pass: item.complete,
		},
		{
			figure: 'P7',
			name: `${what}, ${server}: time at the default ÷ at 1 parallel request`,
			value: item.timeRatio,
			measured: `${fixed(item.timeRatio)} (${ms(item.medianNodeMs)} vs ${ms(item.medianSequentialMs)})`,
			goal: '(info)',
			pass: null,
		},
	];
	return [
		...rows(`Return All ${thousands(P7.returnAll.records)}`, P7.returnAll),
		...rows(`Import ${thousands(P7.import.records)}`, P7.import),
	];
}

const MEASURE_NAMES: Record<Measure, string> = {
	heap: 'heap',
	rss: 'RSS',
	heapExternal: 'heap + external',
};

/** "2.54 / 3.08 / 3.66" in MEASURES order. */
function triple(peaks: Peaks, format: (value: number) => string = (value) => fixed(value)): string {
	return MEASURES.map((measure) => format(peaks[measure])).join(' / ');
}

const MEASURE_LIST = MEASURES.map((measure) => MEASURE_NAMES[measure]).join(' / ');

function p3Goals(P3: P3Result): Goal[] {
	const goals: Goal[] = [];
	const [small, large] = P3.sizes.map(thousands);
	const at = (contacts: number, simplify: boolean) =>
		P3.cases.find((item) => item.contacts === contacts && item.simplify === simplify);
	const maxLinear = P3.linearity.expected * 1.2;
	for (const measure of MEASURES) {
		const off = P3.linearity.simplifyOff[measure];
		const on = P3.linearity.simplifyOn[measure];
		goals.push({
			figure: 'P3',
			name: `Memory: peak ${MEASURE_NAMES[measure]} growth ${large} ÷ ${small} (Simplify off / on)`,
			value: Math.max(off, on),
			measured: `${fixed(off)} / ${fixed(on)}`,
			goal: `≤ ${fixed(maxLinear, 1)} (linear = ${fixed(P3.linearity.expected, 1)})`,
			pass: off <= maxLinear && on <= maxLinear,
		});
	}
	const off = at(P3.sizes[1], false);
	if (!off) return goals;
	const { heap, rss, heapExternal } = off.perJsonByte;
	goals.push({
		figure: 'P3',
		name: `Memory: ${large} peak growth ÷ returned JSON, heap / RSS (Simplify off, V8 defaults)`,
		value: Math.min(heap, rss),
		measured: `${fixed(heap)} / ${fixed(rss)} (${mb(off.median.heap)} / ${mb(off.median.rss)}; JSON ${mb(off.jsonBytes)})`,
		goal: '≤ 3.0, RSS or heap',
		pass: heap <= 3 || rss <= 3,
	});
	goals.push({
		figure: 'P3',
		name: `Memory: ${large} peak heap + external (Buffers) growth ÷ returned JSON (Simplify off)`,
		value: heapExternal,
		measured: `${fixed(heapExternal)} (${mb(off.median.heapExternal)})`,
		goal: '(info)',
		pass: null,
	});
	const { capped } = P3;
	goals.push({
		figure: 'P3',
		name: `Memory: ${large} peak growth ÷ JSON (${MEASURE_LIST}), old space capped at ${capped.maxOldSpaceMB} MB (${capped.maxOldSpaceMB > capped.budgetMB ? 'floor; heap before + 3 × JSON is less' : 'heap before + 3 × JSON'})`,
		value: capped.perJsonByte
			? Math.max(capped.perJsonByte.heap, capped.perJsonByte.rss)
			: Number.NaN,
		measured:
			capped.completed && capped.perJsonByte ? triple(capped.perJsonByte) : 'did not complete',
		goal: 'completes, ≤ 3.0',
		pass:
			capped.completed &&
			capped.perJsonByte !== undefined &&
			capped.perJsonByte.heap <= 3 &&
			capped.perJsonByte.rss <= 3,
	});
	const { largest, reference } = P3;
	if (largest) {
		goals.push({
			figure: 'P3',
			name: `Memory: ${thousands(largest.contacts)} (the most one run returns) peak growth ÷ JSON (${MEASURE_LIST}, Simplify off)`,
			value: Math.min(largest.perJsonByte.heap, largest.perJsonByte.rss),
			measured: `${triple(largest.perJsonByte)} (JSON ${mb(largest.jsonBytes)})`,
			goal: '(info)',
			pass: null,
		});
	}
	goals.push({
		figure: 'P3',
		name: `Memory: ${large} peak growth ÷ JSON for a bare fetch loop holding the same records (${MEASURE_LIST}), reference`,
		value: reference.perJsonByte.heap,
		measured: triple(reference.perJsonByte),
		goal: '(info)',
		pass: null,
	});
	goals.push({
		figure: 'P3',
		name: `Memory: ${large} peak growth, node ÷ bare fetch loop (${MEASURE_LIST}, Simplify off)`,
		value: round(off.median.heap / reference.median.heap),
		measured: MEASURES.map((measure) =>
			fixed(off.median[measure] / reference.median[measure]),
		).join(' / '),
		goal: '(info)',
		pass: null,
	});
	const retained = off.medianRetainedHeap / off.jsonBytes;
	goals.push({
		figure: 'P3',
		name: `Memory: ${large} heap held after the run (GC'd) ÷ returned JSON (Simplify off)`,
		value: round(retained),
		measured: `${fixed(retained)} (${mb(off.medianRetainedHeap)})`,
		goal: '(info)',
		pass: null,
	});
	const { parallel, parallelPeakRatio } = P3;
	goals.push({
		figure: 'P3',
		name: `Memory: ${large} peak growth at Parallel Requests ${parallel.parallelRequests} ÷ at 1 (${MEASURE_LIST}, Simplify off)`,
		value: Math.min(parallelPeakRatio.heap, parallelPeakRatio.rss),
		measured: triple(parallelPeakRatio),
		goal: '≤ 1.25, RSS or heap',
		pass: parallelPeakRatio.heap <= 1.25 || parallelPeakRatio.rss <= 1.25,
	});
	const ratio = P3.simplifyPeakRatio;
	goals.push({
		figure: 'P3',
		name: `Memory: ${large} peak with Simplify on ÷ off (${MEASURE_LIST})`,
		value: Math.max(ratio.heap, ratio.rss, ratio.heapExternal),
		measured: triple(ratio),
		goal: '< 2.0',
		pass: MEASURES.every((measure) => ratio[measure] < 2),
	});
	return goals;
}

function status(goal: Goal): string {
	return goal.pass === null ? 'info' : goal.pass ? 'PASS' : 'FAIL';
}

export function formatTable(goals: readonly Goal[]): string {
	const rows = [
		['', 'Figure', 'Median', 'Goal', 'Result'],
		...goals.map((goal) => [goal.figure, goal.name, goal.measured, goal.goal, status(goal)]),
	];
	const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
	const line = (row: string[]) =>
		row
			.map((cell, column) => cell.padEnd(widths[column]))
			.join('  ')
			.trimEnd();
	const rule = widths.map((width) => '─'.repeat(width)).join('  ');
	return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n');
}

export function formatMarkdown(results: BenchResults): string {
	const { machine, config } = results;
	const escape = (text: string) => text.replace(/\|/g, '\\|');
	return [
		`Benchmark run ${results.date.slice(0, 10)} · Node ${machine.node} · ${machine.cpus} × ${machine.cpuModel} · load average ${machine.loadAverageAtStart[0]} → ${machine.loadAverageAtEnd[0]} · latency ${config.latencyMs} ms per request · median of ${config.runs} runs (memory: ${config.memoryRuns}) · took ${ms(results.durationMs)}${config.quick ? ' · QUICK smoke run, sizes too small for the goals' : ''}`,
		'',
		'| | Figure | Median | Goal | Result |',
		'|---|---|---|---|---|',
		...results.goals.map(
			(goal) =>
				`| ${goal.figure} | ${escape(goal.name)} | ${escape(goal.measured)} | ${escape(goal.goal)} | ${status(goal)} |`,
		),
		'',
		...results.notes.map((note) => `- ${note}`),
		'',
	].join('\n');
}

export function writeResults(
	results: BenchResults,
	outDir: string,
): { json: string; markdown: string } {
	fs.mkdirSync(outDir, { recursive: true });
	const json = path.join(outDir, 'latest.json');
	const markdown = path.join(outDir, 'latest.md');
	fs.writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
	fs.writeFileSync(markdown, formatMarkdown(results));
	return { json, markdown };
}
