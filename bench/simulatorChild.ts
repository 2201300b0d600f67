/* eslint-disable @n8n/community-nodes/no-restricted-globals */
/**
 * The simulator in a process of its own (started by bench/remoteSimulator.ts), for P5–P7: a real
 * BotPenguin server does not spend n8n's CPU, and with requests in flight side by side an in-process
 * simulator would make the node's thread serve them too (its import handling alone costs several ms
 * per batch). Options come as JSON in BENCH_SIMULATOR; commands come over the IPC channel.
 * The process ends when the parent disconnects, so it cannot outlive the benchmark.
 */
import { startSimulator } from '../test/simulator/server';
import type { RecordedRequest, SimulatorOptions } from '../test/simulator/server';

import type { SimulatorCommand, SimulatorReply, SimulatorStats } from './remoteSimulator';

async function main(): Promise<void> {
	const options = JSON.parse(process.env.BENCH_SIMULATOR ?? '{}') as SimulatorOptions;
	let capture = false;
	let captured: RecordedRequest[] = [];
	let pages: number[] = [];
	const sim = await startSimulator({
		...options,
		record: false,
		onRequest: (request) => {
			if (request.path === '/inbox/users' && request.status === 200) {
				pages.push((request.body as { page?: number } | undefined)?.page ?? -1);
			}
			if (capture) captured.push(request);
		},
	});
	const stats = (): SimulatorStats => ({
		requestCount: sim.requestCount,
		rejectedInFlight: sim.rejectedInFlight,
		peakInFlight: sim.peakInFlight,
		pages,
	});
	const run = async (command: SimulatorCommand): Promise<unknown> => {
		switch (command.op) {
			case 'reset':
				sim.reset();
				pages = [];
				return stats();
			case 'clearRequests':
				sim.clearRequests();
				pages = [];
				return stats();
			case 'setOptions':
				sim.setOptions(command.options);
				return stats();
			case 'stats':
				return stats();
			case 'capture':
				capture = command.on;
				if (command.on) captured = [];
				return command.on ? [] : captured;
			case 'contacts':
				return sim.state.contacts.map((contact) => {
					const phone = contact.profile.userDetails.contact.phone;
					return { id: contact._id, phone: `${phone.prefix}${phone.number}` };
				});
			case 'close':
				await sim.close();
				setImmediate(() => process.exit(0));
				return null;
		}
	};
	process.on('message', (message: { id: number; command: SimulatorCommand }) => {
		run(message.command).then(
			(result) => process.send?.({ id: message.id, result } satisfies SimulatorReply),
			(error: unknown) =>
				process.send?.({ id: message.id, error: String((error as Error)?.message ?? error) }),
		);
	});
	process.on('disconnect', () => process.exit(0));
	process.send?.({ id: 0, result: { url: sim.url, token: sim.token } } satisfies SimulatorReply);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exit(1);
});
