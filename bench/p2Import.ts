/**
 * P2: importing N contacts with Create or Update in list mode (one input item whose `contacts` field
 * holds all N, referenced by the expression `{{ $json.contacts }}`), with the default batch size,
 * against the one-request-per-contact way, measured as the same node with Batch Size 1. Runs are
 * interleaved, and the simulator is reset before each so every run creates the same N new contacts.
 */
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_BATCH_SIZE } from '../nodes/BotPenguinInbox/resources/contact/upsert';
import { startSimulator } from '../test/simulator/server';

import type { BenchConfig } from './config';
import { collectGarbage, timedRun } from './harness';
import { median, pages, round } from './stats';

export interface P2Result {
	contacts: number;
	inputShape: string;
	batchSize: number;
	latencyMs: number;
	runs: number;
	batchedMs: number[];
	perContactMs: number[];
	batchedRequests: number;
	perContactRequests: number;
	/** ⌈contacts / batch size⌉. */
	expectedBatches: number;
	medianBatchedMs: number;
	medianPerContactMs: number;
	/** median(per contact) / median(batched). */
	speedUp: number;
	/** Every output item says `sent`, and the simulator holds every imported phone. */
	allSent: boolean;
}

export function importContacts(count: number): IDataObject[] {
	return Array.from({ length: count }, (_, index) => {
		const serial = String(index).padStart(6, '0');
		return {
			phone: `+1 415 2${serial}`,
			name: `Bench Contact ${index + 1}`,
			email: `bench.${index + 1}@example.com`,
			tags: ['bench'],
			attributes: { source: 'bench', serial },
		};
	});
}

export async function runP2(
	config: BenchConfig,
	log: (line: string) => void = () => {},
): Promise<P2Result> {
	const count = config.sizes.importContacts;
	const contacts = importContacts(count);
	const items = [{ contacts }];
	const parameters = (batchSize?: number) => ({
		resource: 'contact',
		operation: 'upsert',
		source: 'list',
		contacts: '={{ $json.contacts }}',
		// P2 is the one-batch-at-a-time figure.
		options: batchSize === undefined ? { parallelRequests: 1 } : { batchSize, parallelRequests: 1 },
	});
	const sim = await startSimulator({ contacts: 0, latencyMs: config.latencyMs, record: false });
	try {
		const times = { batched: [] as number[], perContact: [] as number[] };
		const requests = { batched: 0, perContact: 0 };
		let allSent = true;
		const variants = ['batched', 'perContact'] as const;
		// Warm-up, not timed.
		await timedRun(sim, parameters(), [{ contacts: contacts.slice(0, 10) }]);
		for (let round_ = 0; round_ < config.runs; round_++) {
			for (let step = 0; step < variants.length; step++) {
				const variant = variants[(round_ + step) % variants.length];
				sim.reset();
				collectGarbage();
				const run = await timedRun(sim, parameters(variant === 'batched' ? undefined : 1), items);
				times[variant].push(run.ms);
				requests[variant] = Math.max(requests[variant], sim.requestCount);
				const sent = run.result.items.filter((item) => item.json.status === 'sent').length;
				const stored = new Set(
					sim.state.contacts.map((contact) => {
						const phone = contact.profile.userDetails.contact.phone;
						return `${phone.prefix}${phone.number}`;
					}),
				);
				const everyPhone = contacts.every((contact) =>
					stored.has(String(contact.phone).replace(/\D/g, '')),
				);
				if (sent !== count || run.result.items.length !== count || !everyPhone) allSent = false;
			}
			log(
				`  P2 round ${round_ + 1}/${config.runs}: batched ${Math.round(times.batched[round_])} ms (${requests.batched} requests), one per contact ${Math.round(times.perContact[round_])} ms (${requests.perContact} requests)`,
			);
		}
		const medianBatchedMs = median(times.batched);
		const medianPerContactMs = median(times.perContact);
		return {
			contacts: count,
			inputShape: `one input item with a ${count}-element "contacts" array (Contacts From: A List in Each Item, expression {{ $json.contacts }})`,
			batchSize: DEFAULT_BATCH_SIZE,
			latencyMs: config.latencyMs,
			runs: config.runs,
			batchedMs: times.batched.map((value) => round(value, 1)),
			perContactMs: times.perContact.map((value) => round(value, 1)),
			batchedRequests: requests.batched,
			perContactRequests: requests.perContact,
			expectedBatches: pages(count, DEFAULT_BATCH_SIZE),
			medianBatchedMs: round(medianBatchedMs, 1),
			medianPerContactMs: round(medianPerContactMs, 1),
			speedUp: round(medianPerContactMs / medianBatchedMs, 1),
			allSent,
		};
	} finally {
		await sim.close();
	}
}
