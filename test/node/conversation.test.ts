import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { errorOf, jsonOf, requestsTo, useSimulator } from '../helpers/scenario';
import type { Chat } from '../simulator/server';

// 30 chats and 25 leads of one bot, 20 per page.
const s = useSimulator({ pageSize: 20, chats: 30, leads: 25 });

const CHATS = '/inbox/direct/chats';
const LEAD = '/inbox/direct/lead';

type Resource = 'chat' | 'lead';

function records(resource: Resource): Chat[] {
	return s.sim.state.chats.filter((chat) => chat.isLead === (resource === 'lead'));
}

/** A chat as the API lists it (the simulator's bookkeeping flag removed). */
function raw(chat: Chat): IDataObject {
	const copy: IDataObject = JSON.parse(JSON.stringify(chat));
	delete copy.isLead;
	return copy;
}

function getAll(resource: Resource, parameters: INodeParameters = {}): INodeParameters {
	return {
		resource,
		operation: 'getAll',
		botId: s.sim.botId,
		customerId: s.sim.customerId,
		...parameters,
	};
}

describe.each([
	['chat', 'non-lead'],
	['lead', 'lead'],
] as const)('%s → Get Many', (resource, type) => {
	it(`asks for type=${type} with botId, customerId and page 1`, async () => {
		const result = await s.run(getAll(resource, { limit: 3 }));
		expect(result.error).toBeUndefined();
		expect(s.sim.requests).toHaveLength(1);
		expect(s.sim.requests[0]).toMatchObject({
			method: 'GET',
			path: CHATS,
			body: undefined,
			status: 200,
		});
		expect(s.sim.requests[0].query).toEqual({
			type,
			botId: s.sim.botId,
			customerId: s.sim.customerId,
			page: '1',
		});
		expect(jsonOf(result).map((json) => json.uuid)).toEqual(
			records(resource)
				.slice(0, 3)
				.map((chat) => chat.uuid),
		);
	});

	it('Return All pages through 1, 2 … with the same query on every page and stops at the short page', async () => {
		const result = await s.run(
			getAll(resource, {
				returnAll: true,
				options: { stopAtShortPage: true, parallelRequests: 1 },
			}),
		);
		expect(result.error).toBeUndefined();
		const requests = requestsTo(s.sim, 'GET', CHATS);
		expect(requests.map((request) => request.query)).toEqual([
			{ type, botId: s.sim.botId, customerId: s.sim.customerId, page: '1' },
			{ type, botId: s.sim.botId, customerId: s.sim.customerId, page: '2' },
		]);
		expect(jsonOf(result).map((json) => json.id)).toEqual(
			records(resource).map((chat) => chat._id),
		);
	});

	it('Limit 22 takes two pages and returns 22 records', async () => {
		const result = await s.run(getAll(resource, { limit: 22 }));
		expect(jsonOf(result).map((json) => json.id)).toEqual(
			records(resource)
				.slice(0, 22)
				.map((chat) => chat._id),
		);
		expect(s.sim.requests.map((request) => request.query.page)).toEqual(['1', '2']);
	});

	it('Simplify off returns the raw records', async () => {
		const result = await s.run(getAll(resource, { returnAll: true, simplify: false }));
		expect(jsonOf(result)).toEqual(records(resource).map(raw));
	});

	it('an unknown (but well-formed) bot gives an empty list after one request', async () => {
		const result = await s.run(
			getAll(resource, { botId: '640f472d173951357f08edee', returnAll: true }),
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([]);
		expect(s.sim.requests).toHaveLength(1);
	});

	it.each([
		[{ botId: 'my-bot' }, 'Invalid Bot ID: "my-bot" is not a BotPenguin ID'],
		[
			{ botId: '={{ "6435d9911ce70e8101e47b1" }}' },
			'Invalid Bot ID: "6435d9911ce70e8101e47b1" is not a BotPenguin ID',
		],
		[{ customerId: '  ' }, 'Invalid Customer ID: is empty'],
		[
			{ customerId: 'page.botpenguin.com/x/y' },
			'Invalid Customer ID: "page.botpenguin.com/x/y" is not a BotPenguin ID',
		],
	])('%j fails before any request: %s', async (ids, message) => {
		const result = await s.run(getAll(resource, { returnAll: true, ...ids }));
		expect(errorOf(result).message).toBe(message);
		expect(s.sim.requests).toEqual([]);
	});
});

describe('chat / lead → Get Many: Simplify', () => {
	it('leads come out flat with id, uuid, name, email, phone in E.164, tags, attributes and timestamps', async () => {
		const result = await s.run(getAll('lead', { returnAll: true }));
		const expected = records('lead').map((lead) => {
			const details = lead.profile.userDetails;
			return {
				id: lead._id,
				uuid: lead.uuid,
				name: details.name,
				email: details.contact.email,
				phone: `+${details.contact.phone.prefix.replace('+', '')}${details.contact.phone.number}`,
				tags: details.tags,
				attributes: Object.fromEntries(details.attributes.map(({ key, value }) => [key, value])),
				status: lead.status,
				createdAt: lead.createdAt,
				updatedAt: lead.updatedAt,
				lastSeenAt: lead.lastSeenAt,
			};
		});
		expect(jsonOf(result)).toEqual(expected);
		expect(jsonOf(result).some((json) => Object.keys(json.attributes as object).length > 0)).toBe(
			true,
		);
	});

	it('anonymous chats keep their uuid and have null name, email and phone', async () => {
		const result = await s.run(getAll('chat', { limit: 5 }));
		for (const [index, json] of jsonOf(result).entries()) {
			const chat = records('chat')[index];
			expect(json).toEqual({
				id: chat._id,
				uuid: chat.uuid,
				name: null,
				email: null,
				phone: null,
				tags: [],
				attributes: {},
				status: chat.status,
				createdAt: chat.createdAt,
				updatedAt: chat.updatedAt,
				lastSeenAt: chat.lastSeenAt,
			});
		}
	});
});

describe.each(['lead', 'chat'] as const)('%s → Update', (resource) => {
	const update = (
		updateFields: INodeParameters,
		parameters: INodeParameters = {},
	): INodeParameters => ({
		resource,
		operation: 'update',
		uuid: records('lead')[0].uuid,
		botId: s.sim.botId,
		customerId: s.sim.customerId,
		updateFields,
		...parameters,
	});

	it('sends nothing when one of several items is invalid', async () => {
		const [one, two] = records('lead');
		const result = await s.run(
			update({ email: '={{ $json.email }}' }, { uuid: '={{ $json.uuid }}' }),
			{
				items: [
					{ uuid: one.uuid, email: 'jane@example.com' },
					{ uuid: two.uuid, email: 'not an email' },
				],
			},
		);
		expect(errorOf(result).message).toContain('Invalid Email');
		expect(s.sim.requests).toEqual([]);
	});

	it('updates one record per input item, each output paired with its item', async () => {
		const [one, two] = records('lead');
		const result = await s.run(update({ tags: 'paired' }, { uuid: '={{ $json.uuid }}' }), {
			items: [{ uuid: one.uuid }, { uuid: two.uuid }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.items.map((item) => item.json.uuid)).toEqual([one.uuid, two.uuid]);
	});

	it('sends every field that is set, converted to what PUT /inbox/direct/lead documents', async () => {
		const lead = records('lead')[0];
		const result = await s.run(
			update({
				name: 'Jane Doe',
				email: 'jane@example.com',
				phone: '+44 20 7946 0958',
				status: 'DEPENDANCY',
				agentId: '640f472d173951357f08edee',
				picture: 'https://example.com/jane.png',
				tags: 'vip, follow-up',
				attributes: { attribute: [{ key: 'ID', value: 'BP001' }] },
				notes: { note: [{ title: 'Call', description: 'Wants a demo' }] },
			}),
		);
		expect(result.error).toBeUndefined();
		const body = {
			uuid: lead.uuid,
			botId: s.sim.botId,
			customerId: s.sim.customerId,
			name: 'Jane Doe',
			email: 'jane@example.com',
			phone: '2079460958',
			dialCode: '+44',
			status: 'DEPENDANCY',
			agentId: '640f472d173951357f08edee',
			picture: 'https://example.com/jane.png',
			tags: ['vip', 'follow-up'],
			attributes: [{ key: 'ID', value: 'BP001' }],
			notes: [{ title: 'Call', description: 'Wants a demo' }],
		};
		expect(s.sim.requests).toHaveLength(1);
		expect(s.sim.requests[0]).toMatchObject({ method: 'PUT', path: LEAD, status: 200 });
		expect(s.sim.requests[0].body).toEqual(body);
		expect(jsonOf(result)).toEqual([{ success: true, message: 'ok', ...body }]);

		const stored = s.sim.state.chats.find((chat) => chat.uuid === lead.uuid);
		expect(stored?.profile.userDetails.name).toBe('Jane Doe');
		expect(stored?.profile.userDetails.contact.phone).toEqual({
			number: '2079460958',
			prefix: '44',
		});
		expect(stored?.status).toBe('DEPENDANCY');
		expect(stored?.profile.notes.map((note) => note.title)).toContain('Call');
	});

	it('sends only the fields that have a value', async () => {
		const result = await s.run(
			update({ name: 'Only Name', email: '  ', tags: ' , ', picture: '' }),
		);
		expect(result.error).toBeUndefined();
		expect(s.sim.requests[0].body).toEqual({
			uuid: records('lead')[0].uuid,
			botId: s.sim.botId,
			customerId: s.sim.customerId,
			name: 'Only Name',
		});
		// …and the output names the fields that were added but left out for being empty.
		expect(jsonOf(result)[0]).toMatchObject({
			name: 'Only Name',
			notSent: ['email', 'picture', 'tags'],
		});
	});

	it.each([
		[
			{ phone: '98765 43210', dialCode: '91' },
			{ phone: '9876543210', dialCode: '+91' },
		],
		[
			{ phone: '098765 43210', dialCode: '0091' },
			{ phone: '9876543210', dialCode: '+91' },
		],
		[
			{ phone: '+91 98765 43210', dialCode: '+91' },
			{ phone: '9876543210', dialCode: '+91' },
		],
		[{ phone: '0044 20 7946 0958' }, { phone: '2079460958', dialCode: '+44' }],
		[{ phone: '98765-43210' }, { phone: '9876543210' }],
		[{ dialCode: '91' }, { dialCode: '+91' }],
	])('phone fields %j go out as %j', async (fields, sent) => {
		const result = await s.run(update(fields));
		expect(result.error).toBeUndefined();
		const body = s.sim.requests[0].body as IDataObject;
		expect({ phone: body.phone, dialCode: body.dialCode }).toEqual({
			phone: undefined,
			dialCode: undefined,
			...sent,
		});
	});

	it.each([
		[{}, 'Invalid Update Fields: has nothing to update'],
		[{ name: '  ', email: '' }, 'Invalid Update Fields: has nothing to update'],
		[{ email: 'jane.example.com' }, 'Invalid Email: "jane.example.com" is not an email address'],
		[{ status: '={{ "DEPENDENCY" }}' }, 'Invalid Status: "DEPENDENCY" is not a chat status'],
		[{ agentId: 'agent-7' }, 'Invalid Agent ID: "agent-7" is not a BotPenguin ID'],
		[{ picture: 'avatar.png' }, 'Invalid Picture: "avatar.png" is not an image URL'],
		[
			{ picture: 'ftp://example.com/a.png' },
			'Invalid Picture: "ftp://example.com/a.png" is not an image URL',
		],
		[{ dialCode: '+999' }, 'Invalid Dial Code: "+999" is not a country calling code'],
		[
			{ phone: '+44 20 7946 0958', dialCode: '+91' },
			'Invalid Phone: "+44 20 7946 0958" starts with +44 but Dial Code is +91',
		],
		[{ phone: 'call me' }, 'Invalid Phone: "call me" is not a phone number'],
		[
			{
				attributes: {
					attribute: [
						{ key: 'ID', value: '1' },
						{ key: 'ID', value: '2' },
					],
				},
			},
			'Invalid Attributes: the key "ID" appears more than once',
		],
		[
			{ notes: { note: [{ title: ' ', description: '' }] } },
			'Invalid Notes: note 1 has neither a title nor a description',
		],
	])('%j fails before any request: %s', async (fields, message) => {
		const result = await s.run(update(fields));
		expect(errorOf(result).message).toBe(message);
		expect(s.sim.requests).toEqual([]);
	});

	it.each([
		[{ uuid: '  ' }, 'Invalid UUID: is empty'],
		[{ botId: 'bot' }, 'Invalid Bot ID: "bot" is not a BotPenguin ID'],
		[
			{ customerId: '5fed38e56fb193dcc6c933f' },
			'Invalid Customer ID: "5fed38e56fb193dcc6c933f" is not a BotPenguin ID',
		],
	])('%j fails before any request: %s', async (parameters, message) => {
		const result = await s.run(update({ name: 'Jane' }, parameters));
		expect(errorOf(result).message).toBe(message);
		expect(s.sim.requests).toEqual([]);
	});
});
