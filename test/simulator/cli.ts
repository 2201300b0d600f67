/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test infrastructure: these rules guard code that runs inside n8n, not tests */
/**
 * Standalone BotPenguin Inbox API simulator, for demos and manual runs of the node.
 *
 *   npx tsx test/simulator/cli.ts [--port N] [--contacts N] [--latency MS] [--page-size N] [--max-seconds N]
 *
 * Prints one JSON line `{"url","token","botId","customerId"}` on stdout once listening. When the
 * SIM_LOG environment variable names a file, every answered request is appended to it as a JSON
 * line (credential header values redacted). Stops on SIGTERM/SIGINT, and by itself after
 * --max-seconds (default 3600) so a forgotten simulator cannot run forever.
 */
import * as fs from 'node:fs';

import { startSimulator, type RecordedRequest, type SimulatorOptions } from './server';

const USAGE =
	'Usage: tsx test/simulator/cli.ts [--port N] [--contacts N] [--latency MS] [--page-size N] [--max-seconds N] [--admin 1]';

const MAX_SECONDS = 2_000_000;

/** Headers whose values are credentials: never written to the log. */
const SECRET_HEADERS = new Set([
	'authorization',
	'proxy-authorization',
	'x-bot-token',
	'x-bp-token',
	'cookie',
]);

interface CliOptions {
	port: number;
	contacts?: number;
	latencyMs?: number;
	pageSize?: number;
	maxSeconds: number;
	admin?: number;
}

const FLAGS: Record<string, keyof CliOptions> = {
	'--port': 'port',
	'--contacts': 'contacts',
	'--latency': 'latencyMs',
	'--page-size': 'pageSize',
	'--max-seconds': 'maxSeconds',
	// Test-only: `--admin 1` also answers POST /__simulator/records (adds records while n8n polls).
	'--admin': 'admin',
};

function parseArgs(argv: readonly string[]): CliOptions {
	const options: CliOptions = { port: 0, maxSeconds: 3600 };
	for (let i = 0; i < argv.length; i++) {
		// Both "--port 8080" and "--port=8080".
		const [flag, inline] = argv[i].split('=', 2);
		const key = FLAGS[flag];
		if (key === undefined) throw new Error(`Unknown argument: ${argv[i]}`);
		const value = inline ?? argv[++i];
		if (value === undefined || !/^\d+$/.test(value))
			throw new Error(`${flag} needs a non-negative integer`);
		options[key] = Number(value);
	}
	// setTimeout cannot wait longer than 2^31-1 ms (about 24 days).
	if (options.maxSeconds < 1 || options.maxSeconds > MAX_SECONDS) {
		throw new Error(`--max-seconds must be between 1 and ${MAX_SECONDS}`);
	}
	return options;
}

function redact(request: RecordedRequest): RecordedRequest {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(request.headers)) {
		headers[name] = SECRET_HEADERS.has(name) ? '<redacted>' : value;
	}
	return { ...request, headers };
}

async function main(): Promise<void> {
	let cli: CliOptions;
	try {
		cli = parseArgs(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
		process.exitCode = 2;
		return;
	}

	const logPath = process.env.SIM_LOG;
	const log = logPath ? fs.createWriteStream(logPath, { flags: 'a' }) : undefined;
	const options: SimulatorOptions = {
		port: cli.port,
		contacts: cli.contacts,
		latencyMs: cli.latencyMs,
		pageSize: cli.pageSize,
		admin: cli.admin === 1,
		// The log file is the record; keeping every request in memory for an hour would only leak.
		record: false,
		onRequest: log ? (request) => log.write(`${JSON.stringify(redact(request))}\n`) : undefined,
	};
	const simulator = await startSimulator(options);

	let stopping = false;
	const stop = (reason: string): void => {
		if (stopping) return;
		stopping = true;
		clearTimeout(deadline);
		process.stderr.write(`botpenguin simulator: stopping (${reason})\n`);
		void simulator.close().finally(() => {
			log?.end();
			// Safety net only: the process normally exits by itself once the server is closed.
			setTimeout(() => process.exit(0), 2000).unref();
		});
	};
	const deadline = setTimeout(
		() => stop(`--max-seconds ${cli.maxSeconds} reached`),
		cli.maxSeconds * 1000,
	);
	deadline.unref();
	process.once('SIGTERM', () => stop('SIGTERM'));
	process.once('SIGINT', () => stop('SIGINT'));

	const { url, token, botId, customerId } = simulator;
	process.stdout.write(`${JSON.stringify({ url, token, botId, customerId })}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`botpenguin simulator failed: ${error instanceof Error ? error.stack : String(error)}\n`,
	);
	process.exitCode = 1;
});
