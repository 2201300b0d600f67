/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * Smoke run of the benchmark (bench/) with tiny sizes and one run, so it cannot rot. Only structure
 * and exact counts are asserted; timings and memory figures are never compared with thresholds here
 * (the machine is shared and noisy; the goals live in the `npm run bench` output).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { QUICK_SIZES, makeConfig, parseArgs } from '../../bench/config';
import { importContacts } from '../../bench/p2Import';
import { formatMarkdown, formatTable, writeResults } from '../../bench/report';
import type { BenchResults } from '../../bench/report';
import { median, pages } from '../../bench/stats';
import { runBenchmark } from '../../bench/suite';
import { toImportContact } from '../../nodes/BotPenguinInbox/resources/contact/upsert';

// P5–P7 wait for real (50 ms latency, 1 s Retry-After): a loaded 2-core machine needs minutes.
jest.setTimeout(420_000);

describe('benchmark options', () => {
	it('has the documented defaults', () => {
		const config = parseArgs([], {});
		expect(config).toMatchObject({
			latencyMs: 5,
			runs: 5,
			memoryRuns: 3,
			parallelRuns: 3,
			parallelLatencyMs: 50,
			parallelLowLatencyMs: 5,
			parallelCurve: [1, 2, 4, 8],
			throttleMaxInFlight: 2,
			quick: false,
		});
		expect(config.only).toEqual(['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7']);
		expect(config.sizes.returnAllContacts).toBe(10_000);
		expect(config.sizes.importContacts).toBe(1_000);
		expect(config.sizes.memoryContacts).toEqual([10_000, 50_000]);
		expect(config.sizes.limits).toEqual([10, 37, 500]);
		expect(config.sizes).toMatchObject({
			parallelContacts: 10_000,
			parallelImport: 10_000,
			throttledContacts: 2_000,
			throttledImport: 2_000,
		});
		expect(config.outDir).toBe(path.resolve(__dirname, '../../bench/results'));
	});

	it('reads flags, and the environment when a flag is absent', () => {
		const config = parseArgs(['--latency', '0', '--runs', '3', '--quick', '--only', 'p4,P1,p7'], {
			BENCH_MEMORY_RUNS: '2',
			BENCH_LATENCY_MS: '9',
			BENCH_PARALLEL_RUNS: '2',
		});
		expect(config).toMatchObject({
			latencyMs: 0,
			runs: 3,
			memoryRuns: 2,
			parallelRuns: 2,
			quick: true,
			only: ['P4', 'P1', 'P7'],
		});
		expect(parseArgs(['--parallel-runs', '4'], {}).parallelRuns).toBe(4);
		expect(config.sizes).toEqual(QUICK_SIZES);
		expect(parseArgs([], { BENCH_LATENCY_MS: '9', BENCH_QUICK: '1' })).toMatchObject({
			latencyMs: 9,
			quick: true,
			runs: 1,
		});
	});

	it('rejects bad arguments with the usage', () => {
		expect(() => parseArgs(['--runs', '0'], {})).toThrow('--runs must be an integer ≥ 1');
		expect(() => parseArgs(['--latency'], {})).toThrow('--latency needs a value');
		expect(() => parseArgs(['--fast'], {})).toThrow('Unknown argument "--fast"');
		expect(() => parseArgs(['--only', 'P9'], {})).toThrow('unknown: P9');
		expect(() => parseArgs(['--parallel-runs', '0'], {})).toThrow('--parallel-runs must be');
	});
});

describe('benchmark helpers', () => {
	it('computes medians and page counts', () => {
		expect(median([3, 1, 2])).toBe(2);
		expect(median([4, 1, 3, 2])).toBe(2.5);
		expect(Number.isNaN(median([]))).toBe(true);
		expect([10, 37, 500].map((limit) => pages(limit, 20))).toEqual([1, 2, 25]);
	});

	it('generates distinct, valid import contacts', () => {
		const contacts = importContacts(1_000);
		expect(new Set(contacts.map((contact) => contact.phone)).size).toBe(1_000);
		for (const contact of contacts) expect(() => toImportContact(contact)).not.toThrow();
	});
});

describe('benchmark smoke run (quick sizes, latency 0, one run)', () => {
	let results: BenchResults;
	let outDir: string;

	beforeAll(async () => {
		outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-bench-'));
		results = await runBenchmark(makeConfig({ quick: true, latencyMs: 0, outDir }));
	});

	afterAll(() => {
		fs.rmSync(outDir, { recursive: true, force: true });
	});

	it('P1: Return All makes exactly the requests the data needs, never a page twice', () => {
		const p1 = results.figures.P1!;
		const contacts = QUICK_SIZES.returnAllContacts;
		expect(p1.contacts).toBe(contacts);
		expect(p1.requests.records).toBe(contacts);
		// 90 contacts, page size 20: four full pages and a short one, so no empty page is needed.
		expect(p1.requests.dataPages).toBe(pages(contacts, 20));
		expect(p1.requests.required).toBe(pages(contacts, 20));
		expect(p1.requests.node).toBe(p1.requests.required);
		expect(p1.requests.nodeSimplify).toBe(p1.requests.required);
		expect(p1.requests.fetch).toBe(p1.requests.required);
		expect(p1.requests.emptyPageRequested).toBe(false);
		expect(p1.requests.pageRepeated).toBe(false);
		expect(p1.nodeMs).toHaveLength(1);
		expect(p1.fetchMs).toHaveLength(1);
		expect(p1.nodeSimplifyMs).toHaveLength(1);
		expect(Number.isFinite(p1.ratio) && p1.ratio > 0).toBe(true);
		expect(Number.isFinite(p1.cpuRatio) && p1.cpuRatio > 0).toBe(true);
	});

	it('P2: the import sends at most ⌈N / batch size⌉ requests, the per-contact way one each', () => {
		const p2 = results.figures.P2!;
		const contacts = QUICK_SIZES.importContacts;
		expect(p2.contacts).toBe(contacts);
		expect(p2.allSent).toBe(true);
		expect(p2.batchSize).toBe(100);
		expect(p2.expectedBatches).toBe(pages(contacts, 100));
		expect(p2.batchedRequests).toBeLessThanOrEqual(p2.expectedBatches);
		expect(p2.perContactRequests).toBe(contacts);
		expect(Number.isFinite(p2.speedUp) && p2.speedUp > 0).toBe(true);
	});

	it('P3: one case per size and Simplify setting, each with the full output measured', () => {
		const p3 = results.figures.P3!;
		expect(p3.sizes).toEqual(QUICK_SIZES.memoryContacts);
		expect(p3.cases).toHaveLength(4);
		for (const item of p3.cases) {
			expect(QUICK_SIZES.memoryContacts).toContain(item.contacts);
			expect(item.items).toBe(item.contacts);
			expect(item.runs).toBe(1);
			expect(item.jsonBytes).toBeGreaterThan(0);
			expect(item.growth).toHaveLength(1);
			for (const value of [
				...Object.values(item.median),
				...Object.values(item.perJsonByte),
				item.medianRetainedHeap,
			]) {
				expect(Number.isFinite(value)).toBe(true);
			}
			expect(Object.keys(item.median).sort()).toEqual(['heap', 'heapExternal', 'rss']);
		}
		// Simplified items are smaller than the raw records.
		const json = (simplify: boolean) =>
			p3.cases.find((item) => item.contacts === 1_000 && item.simplify === simplify)!.jsonBytes;
		expect(json(true)).toBeLessThan(json(false));
		expect(p3.linearity.expected).toBe(5);
		// The capped re-run of the largest size completes (at quick sizes the cap is the 96 MB floor).
		expect(p3.capped.contacts).toBe(1_000);
		expect(p3.capped.maxOldSpaceMB).toBeGreaterThanOrEqual(p3.capped.budgetMB);
		expect(p3.capped.completed).toBe(true);
		expect(p3.capped.items).toBe(1_000);
		// The bare fetch loop read the same records, measured the same way.
		expect(p3.reference.contacts).toBe(1_000);
		expect(p3.reference.jsonBytes).toBeGreaterThan(0);
		expect(p3.reference.perJsonByte.rss).toBeGreaterThan(0);
		// The information case at the most one run returns (2,000 at quick sizes).
		expect(p3.largest?.contacts).toBe(QUICK_SIZES.memoryLargest);
		expect(p3.largest?.items).toBe(QUICK_SIZES.memoryLargest);
	});

	it('P4: Limit N costs exactly ⌈N / page size⌉ requests and returns N items', () => {
		const p4 = results.figures.P4!;
		expect(p4.cases.map((item) => item.limit)).toEqual([10, 37, 500]);
		expect(p4.cases.map((item) => item.expectedRequests)).toEqual([1, 2, 25]);
		for (const item of p4.cases) {
			expect(item.requests).toEqual([item.expectedRequests]);
			expect(item.items).toEqual([item.limit]);
			expect(item.exact).toBe(true);
		}
	});

	it('P3: the largest size once more at Parallel Requests 4, against the same at 1', () => {
		const p3 = results.figures.P3!;
		expect(p3.parallel.parallelRequests).toBe(4);
		expect(p3.parallel.contacts).toBe(1_000);
		expect(p3.parallel.items).toBe(1_000);
		for (const value of Object.values(p3.parallelPeakRatio)) expect(value).toBeGreaterThan(0);
	});

	it('P5: every record once at every setting, at most 3 requests past the empty page at the default', () => {
		const p5 = results.figures.P5!;
		const contacts = QUICK_SIZES.parallelContacts;
		expect(p5.contacts).toBe(contacts);
		expect(p5.dataPages).toBe(pages(contacts, 20));
		expect(p5.endPage).toBe(p5.dataPages + 1);
		expect(p5.everyRecord).toBe(true);
		expect(p5.pageRepeated).toBe(false);
		expect(p5.fetchRequests).toBe(p5.endPage);
		expect(p5.pastEndAtDefault).toBeLessThanOrEqual(3);
		expect(p5.curve.map((point) => point.parallelRequests)).toEqual([1, 2, 4, 8]);
		for (const point of p5.curve) {
			expect(point.ms).toHaveLength(1);
			expect(point.limitMsPerPage).toBe(50 / point.parallelRequests);
			expect(point.pastEnd).toBeLessThanOrEqual(point.parallelRequests - 1);
			expect(point.requests).toBe(p5.endPage + point.pastEnd);
			expect(point.peakInFlight).toBeLessThanOrEqual(point.parallelRequests);
		}
		// One request at a time reads exactly the pages the fetch loop reads.
		expect(p5.curve[0]).toMatchObject({ requests: p5.endPage, pastEnd: 0, peakInFlight: 1 });
		expect([p5.far.latencyMs, p5.near.latencyMs]).toEqual([50, 5]);
		for (const ratio of [p5.far.ratio, p5.near.ratio]) expect(ratio).toBeGreaterThan(0);
	});

	it('P6: the import at the default sends each batch once, every contact reported sent in input order', () => {
		const p6 = results.figures.P6!;
		expect(p6.contacts).toBe(QUICK_SIZES.parallelImport);
		expect(p6.batches).toBe(pages(QUICK_SIZES.parallelImport, 100));
		expect(p6.nodeRequests).toBe(p6.batches);
		expect(p6.allSent).toBe(true);
		expect(p6.fetchMs).toHaveLength(1);
		expect(p6.ratio).toBeGreaterThan(0);
	});

	it('P7: against a server that takes 2 at a time, both complete; 429s only at the default', () => {
		const p7 = results.figures.P7!;
		expect(p7.maxInFlight).toBe(2);
		for (const item of [p7.returnAll, p7.import]) {
			expect(item.complete).toBe(true);
			expect(item.nodeMs).toHaveLength(1);
			expect(item.sequentialMs).toHaveLength(1);
			expect(item.sequentialThrottled).toBe(0);
			expect(item.peakInFlight).toBeLessThanOrEqual(4);
		}
		// Page 1 goes alone, then 4 are sent at once: the server turns some of them away.
		expect(p7.returnAll.throttled[0]).toBeGreaterThan(0);
		expect(p7.returnAll.records).toBe(QUICK_SIZES.throttledContacts);
		expect(p7.import.records).toBe(QUICK_SIZES.throttledImport);
	});

	it('lists every goal with a measured value and a verdict', () => {
		const figures = results.goals.map((goal) => goal.figure);
		expect(new Set(figures)).toEqual(new Set(['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7']));
		for (const goal of results.goals) {
			expect(goal.name).not.toBe('');
			expect(goal.measured).not.toBe('');
			expect(goal.goal).not.toBe('');
			expect(typeof goal.value).toBe('number');
			expect([true, false, null]).toContain(goal.pass);
		}
		// The exact-count goals hold even at quick sizes.
		const exact = results.goals.filter(
			(goal) => goal.figure === 'P4' || goal.name.includes('requests'),
		);
		expect(exact.length).toBeGreaterThanOrEqual(7);
		for (const goal of exact) expect(goal.pass).toBe(true);
		expect(results.allPassed).toBe(results.goals.every((goal) => goal.pass !== false));
	});

	it('writes latest.json and latest.md with machine info, raw runs, medians and goals', () => {
		const files = writeResults(results, outDir);
		expect(files.json).toBe(path.join(outDir, 'latest.json'));
		const saved = JSON.parse(fs.readFileSync(files.json, 'utf8')) as BenchResults;
		expect(saved.benchmark).toBe('n8n-nodes-botpenguin-inbox');
		expect(Number.isNaN(Date.parse(saved.date))).toBe(false);
		expect(saved.machine.node).toBe(process.version);
		expect(saved.machine.cpus).toBeGreaterThan(0);
		expect(saved.config).toMatchObject({ quick: true, latencyMs: 0, runs: 1 });
		expect(Object.keys(saved.figures).sort()).toEqual(['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7']);
		expect(saved.figures.P1!.nodeMs).toHaveLength(1);
		expect(saved.goals).toHaveLength(results.goals.length);
		expect(saved.notes.some((note) => note.includes('QUICK'))).toBe(true);

		const markdown = fs.readFileSync(files.markdown, 'utf8');
		expect(markdown).toBe(formatMarkdown(results));
		expect(markdown).toContain('| | Figure | Median | Goal | Result |');
		expect(markdown.split('\n').filter((line) => /^\| P\d /.test(line))).toHaveLength(
			results.goals.length,
		);
	});

	it('prints one table row per goal', () => {
		const table = formatTable(results.goals).split('\n');
		expect(table).toHaveLength(results.goals.length + 2);
		expect(table[0]).toMatch(/Figure\s+Median\s+Goal\s+Result/);
		for (const [index, goal] of results.goals.entries()) {
			expect(table[index + 2]).toMatch(
				goal.pass === null ? /info$/ : goal.pass ? /PASS$/ : /FAIL$/,
			);
		}
	});
});
