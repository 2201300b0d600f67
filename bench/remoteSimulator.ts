/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error */
/** The simulator in a child process (bench/simulatorChild.ts), driven over IPC; see that file for why. */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';

import type { RecordedRequest, SimulatorOptions } from '../test/simulator/server';

type Settable = Pick<SimulatorOptions, 'pageSize' | 'latencyMs' | 'maxInFlight'>;

export type SimulatorCommand =
	| { op: 'reset' | 'clearRequests' | 'stats' | 'contacts' | 'close' }
	| { op: 'setOptions'; options: Settable }
	| { op: 'capture'; on: boolean };

export type SimulatorReply = { id: number; result?: unknown; error?: string };

export interface SimulatorStats {
	requestCount: number;
	rejectedInFlight: number;
	peakInFlight: number;
	/** Page numbers of the listing requests answered 200, in the order they were answered. */
	pages: number[];
}

export interface RemoteSimulator {
	url: string;
	token: string;
	/** Regenerates the seed data and clears the counters (options stay). */
	reset(): Promise<SimulatorStats>;
	clearRequests(): Promise<SimulatorStats>;
	setOptions(options: Settable): Promise<SimulatorStats>;
	stats(): Promise<SimulatorStats>;
	/** Keeps every answered request from now on. */
	startCapture(): Promise<void>;
	/** The requests answered since `startCapture`. */
	stopCapture(): Promise<RecordedRequest[]>;
	/** Every stored contact: id, and phone as prefix + number digits. */
	contacts(): Promise<Array<{ id: string; phone: string }>>;
	/** Stops the server and the process (killed by its PID if it does not end by itself). */
	close(): Promise<void>;
}

const CHILD = path.join(__dirname, 'simulatorChild.ts');
const ROOT = path.join(__dirname, '..');
const START_TIMEOUT_MS = 60_000;

export async function startRemoteSimulator(
	options: Omit<SimulatorOptions, 'onRequest' | 'record'>,
): Promise<RemoteSimulator> {
	const child: ChildProcess = fork(CHILD, [], {
		cwd: ROOT,
		execArgv: ['--import', 'tsx'],
		env: { ...process.env, BENCH_SIMULATOR: JSON.stringify(options), NODE_OPTIONS: '' },
		stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
	});
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const waiting = new Map<
		number,
		{ resolve: (value: unknown) => void; reject: (error: Error) => void }
	>();
	let nextId = 1;
	let exited = false;
	const failAll = (error: Error) => {
		for (const { reject } of waiting.values()) reject(error);
		waiting.clear();
	};
	child.on('message', (reply: SimulatorReply) => {
		const pending = waiting.get(reply.id);
		if (!pending) return;
		waiting.delete(reply.id);
		if (reply.error !== undefined) pending.reject(new Error(`Simulator: ${reply.error}`));
		else pending.resolve(reply.result);
	});
	const ended = new Promise<void>((resolve) => child.on('exit', () => resolve()));
	child.on('exit', (code) => {
		exited = true;
		failAll(new Error(`The simulator process ended (exit ${String(code)}): ${stderr.trim()}`));
	});
	const started = new Promise<{ url: string; token: string }>((resolve, reject) => {
		waiting.set(0, {
			resolve: (value) => resolve(value as { url: string; token: string }),
			reject,
		});
	});
	const kill = () => {
		if (!exited && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
	};
	let timer: ReturnType<typeof setTimeout> | undefined;
	let address: { url: string; token: string };
	try {
		address = await Promise.race([
			started,
			new Promise<never>((_, reject) => {
				timer = setTimeout(
					() => reject(new Error(`The simulator process did not start: ${stderr.trim()}`)),
					START_TIMEOUT_MS,
				);
			}),
		]);
	} catch (error) {
		kill();
		throw error;
	} finally {
		clearTimeout(timer);
	}
	const send = <T>(command: SimulatorCommand): Promise<T> =>
		new Promise<T>((resolve, reject) => {
			if (exited) {
				reject(new Error('The simulator process has ended'));
				return;
			}
			const id = nextId++;
			waiting.set(id, { resolve: (value) => resolve(value as T), reject });
			child.send({ id, command });
		});
	return {
		...address,
		reset: () => send({ op: 'reset' }),
		clearRequests: () => send({ op: 'clearRequests' }),
		setOptions: (settable) => send({ op: 'setOptions', options: settable }),
		stats: () => send({ op: 'stats' }),
		startCapture: async () => {
			await send({ op: 'capture', on: true });
		},
		stopCapture: () => send({ op: 'capture', on: false }),
		contacts: () => send({ op: 'contacts' }),
		close: async () => {
			try {
				if (!exited) await send({ op: 'close' });
			} catch {
				// It ended meanwhile; the kill below is then a no-op.
			}
			let grace: ReturnType<typeof setTimeout> | undefined;
			await Promise.race([ended, new Promise((resolve) => (grace = setTimeout(resolve, 2_000)))]);
			clearTimeout(grace);
			kill();
		},
	};
}
