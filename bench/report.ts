/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/** The goals of the issue, checked against the figures; the printed table, latest.json and latest.md. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { BenchConfig } from './config';
import type { P1Result } from './p1ReturnAll';
import type { P2Result } from './p2Import';
import { MEASURES } from './p3Memory';
import type { Measure, P3Result, Peaks } from './p3Memory';
import type { P4Result } from './p4Limit';
import { mb, median, ms, round, thousands } from './stats';

export interface Goal {
	figure: 'P1' | 'P2' | 'P3' | 'P4';
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
	const { P1, P2, P3, P4 } = figures;
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
	return goals;
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
