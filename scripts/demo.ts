/* eslint-disable no-console, @n8n/community-nodes/no-restricted-globals */
/**
 * The quick-start's main job: starts the bundled BotPenguin simulator on 127.0.0.1, runs the node
 * through n8n's real execution engine for the jobs the example workflows do, and prints what the node
 * returned and what went over the wire. No BotPenguin account and no n8n install needed.
 *
 *   npm run demo            (npx tsx scripts/demo.ts)
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { jsonOf, runNode } from '../test/helpers/engine';
import { startSimulator } from '../test/simulator/server';

interface Step {
	title: string;
	parameters: (ids: {
		botId: string;
		customerId: string;
		leadUuid: string;
		contactId: string;
	}) => INodeParameters;
	items?: IDataObject[];
	continueOnFail?: boolean;
	/** How many output items to print in full. */
	show?: number;
}

const bulkContacts = Array.from({ length: 250 }, (_, i) => ({
	phone: `+91 98${String(10_000_000 + i)}`,
	name: `Bulk Contact ${i + 1}`,
	tags: ['imported', 'demo'],
	attributes: { source: 'crm', row: String(i + 1) },
}));

const STEPS: Step[] = [
	{
		title: 'Segment → Get Many (all segments, e.g. to pick a filter)',
		parameters: () => ({ resource: 'segment', operation: 'getAll', returnAll: true }),
		show: 3,
	},
	{
		title: 'Form submission → Contact → Create or Update (one item per submission)',
		items: [
			{ name: 'Jane Doe', email: 'jane@example.com', phone: '+91 98765-43210' },
			{ name: 'Ravi Kumar', email: 'ravi@example.in', phone: '0091 91234 56789' },
		],
		parameters: () => ({
			resource: 'contact',
			operation: 'upsert',
			phone: '={{ $json.phone }}',
			name: '={{ $json.name }}',
			additionalFields: { email: '={{ $json.email }}', tags: 'web-form' },
		}),
		show: 2,
	},
	{
		title: 'Bulk import: 250 contacts from one item (e.g. after Aggregate) in batches of 100',
		items: [{ contacts: bulkContacts }],
		parameters: () => ({
			resource: 'contact',
			operation: 'upsert',
			source: 'list',
			contacts: '={{ $json.contacts }}',
		}),
		show: 1,
	},
	{
		title:
			'Nightly CRM sync: Contact → Get Many, Return All, tag "vip", created in the last 2 years',
		parameters: () => ({
			resource: 'contact',
			operation: 'getAll',
			returnAll: true,
			filters: { tags: 'vip', createdAfter: '={{ $now.minus({ years: 2 }).toISO() }}' },
		}),
		show: 2,
	},
	{
		title: 'Lead → Get Many (first 5 leads of the bot)',
		parameters: ({ botId, customerId }) => ({
			resource: 'lead',
			operation: 'getAll',
			botId,
			customerId,
			limit: 5,
		}),
		show: 2,
	},
	{
		title: 'Lead → Update: status In Progress and a follow-up note',
		parameters: ({ botId, customerId, leadUuid }) => ({
			resource: 'lead',
			operation: 'update',
			uuid: leadUuid,
			botId,
			customerId,
			updateFields: {
				status: 'INPROGRESS',
				tags: 'follow-up',
				notes: {
					note: [{ title: 'Follow-up', description: 'Called back, wants a demo on Monday' }],
				},
			},
		}),
		show: 1,
	},
	{
		title: 'AI-agent style lookup: Contact → Get Many with Search Text, Limit 1',
		parameters: () => ({
			resource: 'contact',
			operation: 'getAll',
			limit: 1,
			filters: { searchText: 'jane@example.com' },
		}),
		show: 1,
	},
	{
		title: 'Contact → Delete (soft delete: status DELETED)',
		parameters: ({ contactId }) => ({
			resource: 'contact',
			operation: 'delete',
			contactIds: contactId,
		}),
		show: 1,
	},
	{
		title:
			'Bad input is caught before any request (Continue On Fail on): a phone without country code',
		items: [{ phone: '98765 43210' }, { phone: '+44 20 7946 0958' }],
		continueOnFail: true,
		parameters: () => ({ resource: 'contact', operation: 'upsert', phone: '={{ $json.phone }}' }),
		show: 2,
	},
];

function indent(text: string): string {
	return text
		.split('\n')
		.map((line) => `    ${line}`)
		.join('\n');
}

async function main() {
	const sim = await startSimulator({ contacts: 120, latencyMs: 2 });
	const credentials = { apiToken: sim.token, baseUrl: sim.url };
	let failures = 0;
	console.log(
		`BotPenguin simulator on ${sim.url} (${sim.state.contacts.length} contacts, page size 20)\n`,
	);
	try {
		for (const [index, step] of STEPS.entries()) {
			const lead = sim.state.chats.find((chat) => chat.isLead);
			const ids = {
				botId: sim.botId,
				customerId: sim.customerId,
				leadUuid: lead?.uuid ?? '',
				contactId: sim.state.contacts[sim.state.contacts.length - 1]._id,
			};
			sim.clearRequests();
			const started = Date.now();
			const result = await runNode({
				parameters: step.parameters(ids),
				credentials,
				items: step.items,
				continueOnFail: step.continueOnFail,
			});
			const items = jsonOf(result);
			console.log(`${index + 1}. ${step.title}`);
			const wire = sim.requests.map(
				(r) =>
					`${r.method} ${r.path}${r.query.page ? `?page=${String(r.query.page)}` : ''} → ${r.status}`,
			);
			console.log(
				`   requests: ${sim.requests.length} (${[...new Set(wire)].slice(0, 4).join(', ')}${wire.length > 4 ? ', …' : ''}); ${Date.now() - started} ms`,
			);
			if (result.error) {
				failures++;
				console.log(`   node error: ${result.error.message}`);
			}
			console.log(
				`   ${items.length} item(s) returned${items.length > (step.show ?? 1) ? `, first ${step.show ?? 1}` : ''}:`,
			);
			console.log(indent(JSON.stringify(items.slice(0, step.show ?? 1), null, 2)));
			console.log('');
		}
	} finally {
		await sim.close();
	}
	if (failures) {
		console.log(`${failures} step(s) failed`);
		process.exitCode = 1;
	} else {
		console.log('All steps ran through the n8n engine against the simulator.');
	}
}

void main();
