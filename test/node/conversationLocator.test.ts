/**
 * Chat → Update and Lead → Update pick the record with a resource locator: From List (the bot's
 * chats or leads, searched and paged through n8n-core's list-search path, as the editor asks) or By
 * ID. Whichever mode, the request to PUT /inbox/direct/lead is the one a plain UUID gives.
 */
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => {}),
}));

import type { INodeListSearchItems, INodeParameters } from 'n8n-workflow';

import { listSearch } from '../helpers/engine';
import { errorOf, requestsTo, useSimulator } from '../helpers/scenario';
import type { Chat } from '../simulator/server';

// 25 leads and 30 chats in pages of 20: the list has a second page.
const s = useSimulator({ pageSize: 20 });

const CHATS = '/inbox/direct/chats';

const METHODS = { lead: 'searchLeads', chat: 'searchChats' } as const;

function records(resource: 'lead' | 'chat'): Chat[] {
	return s.sim.state.chats.filter((chat) => chat.isLead === (resource === 'lead'));
}

function parameters(resource: 'lead' | 'chat', extra: INodeParameters = {}): INodeParameters {
	return {
		resource,
		operation: 'update',
		botId: s.sim.botId,
		customerId: s.sim.customerId,
		...extra,
	};
}

const search = (
	resource: 'lead' | 'chat',
	options: { filter?: string; paginationToken?: string; parameters?: INodeParameters } = {},
) =>
	listSearch(METHODS[resource], {
		parameters: options.parameters ?? parameters(resource),
		credentials: s.credentials,
		path: 'uuid',
		filter: options.filter,
		paginationToken: options.paginationToken,
	});

const values = (results: INodeListSearchItems[]) => results.map((result) => result.value);

describe.each(['lead', 'chat'] as const)('%s → Update → From List', (resource) => {
	const type = resource === 'lead' ? 'lead' : 'non-lead';

	it('lists the bot’s records page by page with a pagination token', async () => {
		const all = records(resource);
		expect(all.length).toBeGreaterThan(20);

		const first = await search(resource);
		expect(values(first.results)).toEqual(all.slice(0, 20).map((chat) => chat.uuid));
		expect(first.paginationToken).toBeDefined();

		const second = await search(resource, { paginationToken: first.paginationToken });
		expect(values(second.results)).toEqual(all.slice(20).map((chat) => chat.uuid));
		// The short page was the last: no token, and no request for an empty page.
		expect(second.paginationToken).toBeUndefined();

		const sent = requestsTo(s.sim, 'GET', CHATS);
		expect(sent.map((request) => request.query)).toEqual([
			{ botId: s.sim.botId, customerId: s.sim.customerId, page: '1', type },
			{ botId: s.sim.botId, customerId: s.sim.customerId, page: '2', type },
		]);
		expect(sent[0].headers['x-bot-token']).toBe(s.sim.token);
	});

	it('a record is shown by name and contact details, or as an anonymous visitor', async () => {
		const [record] = records(resource);
		const { results } = await search(resource);
		const { name, contact } = record.profile.userDetails;
		expect(results[0]).toEqual({
			name: name
				? `${name} (${[contact.email, `+${contact.phone.prefix.replace('+', '')}${contact.phone.number}`].filter((part) => part && part !== '+').join(', ')})`
				: `Anonymous visitor (${record.uuid})`,
			value: record.uuid,
		});
	});

	it('the search keeps the records that match, across pages', async () => {
		const all = records(resource);
		// Part of a UUID: every record has one, leads and anonymous chats alike.
		const needle = all[22].uuid.slice(0, 6).toUpperCase();
		const expected = all.filter((chat) => chat.uuid.includes(needle.toLowerCase()));
		const { results, paginationToken } = await search(resource, { filter: needle });
		expect(values(results)).toEqual(expected.map((chat) => chat.uuid));
		expect(paginationToken).toBeUndefined();
		expect(requestsTo(s.sim, 'GET', CHATS)).toHaveLength(2);
	});
});

describe('lead → Update → From List: search', () => {
	it('finds leads by name, email or phone (digits however they are typed)', async () => {
		const lead = records('lead')[3];
		const { name, contact } = lead.profile.userDetails;
		const national = contact.phone.number;
		const typed = `${national.slice(0, 3)} ${national.slice(3)}`;
		for (const filter of [name.split(' ')[1], contact.email.toUpperCase(), typed]) {
			const { results } = await search('lead', { filter });
			expect([filter, values(results)]).toEqual([filter, expect.arrayContaining([lead.uuid])]);
			for (const result of results) {
				expect(String(result.name).toLowerCase()).toContain(
					filter.replace(/\s/g, '').toLowerCase().slice(0, 3),
				);
			}
		}
	});

	it('a search that needs more pages than one call reads returns a token for the rest', async () => {
		s.sim.setOptions({ pageSize: 2 });
		const all = records('lead');
		// Every lead has an email: the search matches all 25, over 13 pages of 2.
		const first = await search('lead', { filter: '@' });
		expect(requestsTo(s.sim, 'GET', CHATS)).toHaveLength(5);
		expect(first.paginationToken).toBe('6:2');
		const seen = [...values(first.results)];
		let token = first.paginationToken;
		for (let call = 0; token !== undefined && call < 10; call++) {
			const next = await search('lead', { filter: '@', paginationToken: token });
			seen.push(...values(next.results));
			token = next.paginationToken;
		}
		expect(token).toBeUndefined();
		expect(seen).toEqual(all.map((chat) => chat.uuid));
	});

	it('without a valid Bot ID the list says what to fix and sends nothing', async () => {
		const error = await search('lead', {
			parameters: parameters('lead', { botId: '={{ $json.botId }}' }),
		}).catch((caught: Error & { description?: string }) => caught);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toBe(
			'Invalid Bot ID: "={{ $json.botId }}" is not a BotPenguin ID',
		);
		expect((error as { description?: string }).description).toContain('By ID');
		expect(s.sim.requests).toEqual([]);
	});
});

describe.each(['lead', 'chat'] as const)('%s → Update with the locator', (resource) => {
	const run = (uuid: unknown, items?: { uuid: string }[]) =>
		s.run(parameters(resource, { uuid: uuid as never, updateFields: { status: 'CLOSED' } }), {
			items,
		});

	it('From List, By ID, an expression into By ID and a plain string send the same request', async () => {
		const target = records('lead')[0].uuid;
		const forms = [
			target,
			{ __rl: true, mode: 'list', value: target, cachedResultName: 'Jane' },
			{ __rl: true, mode: 'id', value: target },
			{ __rl: true, mode: 'id', value: '={{ $json.uuid }}' },
		];
		const sent = [];
		for (const form of forms) {
			s.sim.clearRequests();
			const result = await run(form, [{ uuid: target }]);
			expect(result.error).toBeUndefined();
			const [request] = requestsTo(s.sim, 'PUT', '/inbox/direct/lead');
			sent.push(request.body);
		}
		expect(sent).toEqual(
			forms.map(() => ({
				uuid: target,
				botId: s.sim.botId,
				customerId: s.sim.customerId,
				status: 'CLOSED',
			})),
		);
	});

	it('n8n itself refuses a fixed By ID that is not a UUID, with the locator’s own message', async () => {
		await expect(run({ __rl: true, mode: 'id', value: 'not-a-uuid' })).rejects.toThrow(
			/Not a UUID \(8-4-4-4-12 hexadecimal digits\)/,
		);
		expect(s.sim.requests).toEqual([]);
	});

	it.each([
		[{ uuid: 'not-a-uuid' }, 'Invalid UUID: "not-a-uuid" is not a UUID'],
		[{ uuid: ' ' }, 'Invalid UUID: is empty'],
	])(
		'an expression into By ID that gives %j fails before any request: %s',
		async (item, message) => {
			const result = await run({ __rl: true, mode: 'id', value: '={{ $json.uuid }}' }, [item]);
			expect(errorOf(result).message).toBe(message);
			expect(s.sim.requests).toEqual([]);
		},
	);
});
