/* eslint-disable @n8n/community-nodes/no-restricted-globals */
/**
 * `npm run bench` (tsx bench/run.ts): the performance figures of the issue against the simulator,
 * through the real n8n engine. Prints a table and writes bench/results/latest.json and latest.md.
 * Flags: see bench/config.ts. Exit code 0 even when a goal fails (it is a measurement, not a test),
 * 2 on bad arguments or a crash.
 */
import './resolve';

import { USAGE, parseArgs } from './config';
import type { BenchConfig } from './config';
import { formatTable, writeResults } from './report';
import { ms } from './stats';
import { runBenchmark } from './suite';

async function main(): Promise<void> {
	let config: BenchConfig;
	try {
		config = parseArgs(process.argv.slice(2));
	} catch (error) {
		const message = (error as Error).message;
		process.stderr.write(`${message === USAGE ? message : `${message}`}\n`);
		process.exitCode = 2;
		return;
	}
	const log = (line: string) => process.stdout.write(`${line}\n`);
	log(
		`BotPenguin Inbox node benchmark: latency ${config.latencyMs} ms, ${config.runs} runs (memory: ${config.memoryRuns})${config.quick ? ', QUICK sizes' : ''}, Node ${process.version}`,
	);
	const results = await runBenchmark(config, log);
	const files = writeResults(results, config.outDir);
	log('');
	log(formatTable(results.goals));
	log('');
	for (const note of results.notes) log(`* ${note}`);
	log('');
	const failed = results.goals.filter((goal) => goal.pass === false);
	log(
		failed.length
			? `${failed.length} goal${failed.length === 1 ? '' : 's'} missed: ${failed.map((goal) => goal.figure).join(', ')}`
			: 'Every goal met.',
	);
	const { loadAverageAtStart, loadAverageAtEnd } = results.machine;
	log(
		`Load average (1 min) ${loadAverageAtStart[0]} at start, ${loadAverageAtEnd[0]} at end, on ${results.machine.cpus} CPUs.`,
	);
	log(`Took ${ms(results.durationMs)}. Wrote ${files.json} and ${files.markdown}`);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exitCode = 2;
});
