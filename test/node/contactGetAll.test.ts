import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { bodyOf, errorOf, jsonOf, requestsTo, useSimulator } from '../helpers/scenario';
import type { Contact } from '../simulator/server';

const s = useSimulator({ pageSize: 20, contacts: 45 });

const USERS = '/inbox/users';

/** The sample body of the docs (§5.4) with every filter off, as the node must send it. */
const DOCUMENTED_BODY = {
	searchText: '',
	tags: [],
	status: [],
	isOnline: false,
	_botWebsite: [],
	_botWhatsapp: [],
	_botTelegram: [],
	_botFacebook: [],
	_agentAssigned: [],
	segments: [],
	applicableFilters: [],
	lastSeenAt: { startAt: '', endsAt: '' },
	createdAt: { startAt: '', endsAt: '' },
	userInteracted: false,
	lastMessageBy: [],
	isLiveChatActive: false,
	hasOrdered: { status: false, lastAt: '' },
	page: 1,
	isExport: 'none',
	isContact: true,
};

function getAll(parameters: INodeParameters): INodeParameters {
	return { resource: 'contact', operation: 'getAll', ...parameters };
}

function bodies(): IDataObject[] {
	return requestsTo(s.sim, 'POST', USERS).map((request) => bodyOf(request));
}

function live(): Contact[] {
	return s.sim.state.contacts.filter((contact) => contact.status !== 'DELETED');
}

function ids(contacts: Contact[]): string[] {
	return contacts.map((contact) => contact._id);
}

/** The first value of an id list found on the contacts, e.g. an agent some contacts are assigned to. */
function someId(pick: (contact: Contact) => string[]): string {
	const id = live().flatMap(pick)[0];
	if (!id) throw new Error('The seed data has no such id');
	return id;
}

type Case = {
	/** The Filters collection as saved in a workflow. */
	filters: () => INodeParameters;
	/** What must change in the documented body, besides applicableFilters. */
	body: () => IDataObject;
	applicable: string[];
	/** Which contacts BotPenguin should return. */
	keep: () => (contact: Contact) => boolean;
};

const nth = (index: number) => () => live()[index];

const CASES: Record<string, Case> = {
	'searchText (a last name)': {
		filters: () => ({ searchText: nth(2)().profile.userDetails.userProvidedName.split(' ').pop() }),
		body: () => ({ searchText: nth(2)().profile.userDetails.userProvidedName.split(' ').pop() }),
		applicable: ['searchText'],
		keep: () => {
			const needle = String(
				nth(2)().profile.userDetails.userProvidedName.split(' ').pop(),
			).toLowerCase();
			return (contact) =>
				contact.profile.userDetails.userProvidedName.toLowerCase().includes(needle) ||
				contact.profile.userDetails.contact.email.toLowerCase().includes(needle);
		},
	},
	'tags as a comma-separated string': {
		filters: () => ({ tags: 'vip, trial' }),
		body: () => ({ tags: ['vip', 'trial'] }),
		applicable: ['tags'],
		keep: () => (contact) =>
			contact.profile.userDetails.tags.some((tag) => ['vip', 'trial'].includes(tag)),
	},
	'tags as an array from an expression': {
		filters: () => ({ tags: '={{ ["churn-risk"] }}' }),
		body: () => ({ tags: ['churn-risk'] }),
		applicable: ['tags'],
		keep: () => (contact) => contact.profile.userDetails.tags.includes('churn-risk'),
	},
	status: {
		filters: () => ({ status: ['CLOSED', 'DEPENDANCY'] }),
		body: () => ({ status: ['CLOSED', 'DEPENDANCY'] }),
		applicable: ['status'],
		keep: () => (contact) => ['CLOSED', 'DEPENDANCY'].includes(contact.status),
	},
	segments: {
		filters: () => ({ segments: [s.sim.state.segments[0]._id] }),
		body: () => ({ segments: [s.sim.state.segments[0]._id] }),
		applicable: ['segments'],
		keep: () => (contact) => contact.segments.includes(s.sim.state.segments[0]._id),
	},
	lastMessageBy: {
		filters: () => ({ lastMessageBy: ['agent'] }),
		body: () => ({ lastMessageBy: ['agent'] }),
		applicable: ['lastMessageBy'],
		keep: () => (contact) => contact.lastMessage?.by === 'agent',
	},
	'isOnline on': {
		filters: () => ({ isOnline: true }),
		body: () => ({ isOnline: true }),
		applicable: ['isOnline'],
		keep: () => (contact) => contact.isOnline,
	},
	'isOnline off (offline contacts, still applied)': {
		filters: () => ({ isOnline: false }),
		body: () => ({ isOnline: false }),
		applicable: ['isOnline'],
		keep: () => (contact) => !contact.isOnline,
	},
	'userInteracted off': {
		filters: () => ({ userInteracted: false }),
		body: () => ({ userInteracted: false }),
		applicable: ['userInteracted'],
		keep: () => (contact) => !contact.userInteracted,
	},
	'userInteracted on': {
		filters: () => ({ userInteracted: true }),
		body: () => ({ userInteracted: true }),
		applicable: ['userInteracted'],
		keep: () => (contact) => contact.userInteracted,
	},
	isLiveChatActive: {
		filters: () => ({ isLiveChatActive: true }),
		body: () => ({ isLiveChatActive: true }),
		applicable: ['isLiveChatActive'],
		keep: () => (contact) => contact.isLiveChatActive,
	},
	hasOrdered: {
		filters: () => ({ hasOrdered: true }),
		body: () => ({ hasOrdered: { status: true, lastAt: '' } }),
		applicable: ['hasOrdered'],
		keep: () => (contact) => contact.hasOrdered.status,
	},
	'createdAfter and createdBefore (one range)': {
		filters: () => ({ createdAfter: nth(30)().createdAt, createdBefore: nth(10)().createdAt }),
		body: () => ({ createdAt: { startAt: nth(30)().createdAt, endsAt: nth(10)().createdAt } }),
		applicable: ['createdAt'],
		keep: () => {
			const [from, to] = [Date.parse(nth(30)().createdAt), Date.parse(nth(10)().createdAt)];
			return (contact) =>
				Date.parse(contact.createdAt) >= from && Date.parse(contact.createdAt) <= to;
		},
	},
	'lastSeenAfter alone': {
		filters: () => ({ lastSeenAfter: '2025-01-01T00:00:00Z' }),
		body: () => ({ lastSeenAt: { startAt: '2025-01-01T00:00:00.000Z', endsAt: '' } }),
		applicable: ['lastSeenAt'],
		keep: () => (contact) => Date.parse(contact.lastSeenAt) >= Date.parse('2025-01-01T00:00:00Z'),
	},
	'lastSeenBefore alone': {
		filters: () => ({ lastSeenBefore: '2025-01-01T00:00:00Z' }),
		body: () => ({ lastSeenAt: { startAt: '', endsAt: '2025-01-01T00:00:00.000Z' } }),
		applicable: ['lastSeenAt'],
		keep: () => (contact) => Date.parse(contact.lastSeenAt) <= Date.parse('2025-01-01T00:00:00Z'),
	},
	websiteBotIds: {
		filters: () => ({ websiteBotIds: someId((contact) => contact._botWebsite) }),
		body: () => ({ _botWebsite: [someId((contact) => contact._botWebsite)] }),
		applicable: ['_botWebsite'],
		keep: () => (contact) => contact._botWebsite.includes(someId((c) => c._botWebsite)),
	},
	whatsappBotIds: {
		filters: () => ({ whatsappBotIds: someId((contact) => contact._botWhatsapp) }),
		body: () => ({ _botWhatsapp: [someId((contact) => contact._botWhatsapp)] }),
		applicable: ['_botWhatsapp'],
		keep: () => (contact) => contact._botWhatsapp.includes(someId((c) => c._botWhatsapp)),
	},
	telegramBotIds: {
		filters: () => ({ telegramBotIds: someId((contact) => contact._botTelegram) }),
		body: () => ({ _botTelegram: [someId((contact) => contact._botTelegram)] }),
		applicable: ['_botTelegram'],
		keep: () => (contact) => contact._botTelegram.includes(someId((c) => c._botTelegram)),
	},
	facebookBotIds: {
		filters: () => ({ facebookBotIds: someId((contact) => contact._botFacebook) }),
		body: () => ({ _botFacebook: [someId((contact) => contact._botFacebook)] }),
		applicable: ['_botFacebook'],
		keep: () => (contact) => contact._botFacebook.includes(someId((c) => c._botFacebook)),
	},
	'agentIds as a comma list with blanks': {
		filters: () => ({ agentIds: ` ${someId((contact) => contact._agentAssigned)} , ` }),
		body: () => ({ _agentAssigned: [someId((contact) => contact._agentAssigned)] }),
		applicable: ['_agentAssigned'],
		keep: () => (contact) => contact._agentAssigned.includes(someId((c) => c._agentAssigned)),
	},
};

describe('contact → Get Many: each filter on its own', () => {
	it.each(Object.entries(CASES))(
		'%s goes into the body and applicableFilters, and the answer is filtered',
		async (_name, filter) => {
			const expected = ids(live().filter(filter.keep()));
			// A filter that keeps everything or nothing would not show whether it was applied.
			expect(expected.length).toBeGreaterThan(0);
			expect(expected.length).toBeLessThan(live().length);

			const result = await s.run(getAll({ returnAll: true, filters: filter.filters() }));
			expect(result.error).toBeUndefined();
			const [first] = bodies();
			expect(first).toEqual({
				...DOCUMENTED_BODY,
				...filter.body(),
				applicableFilters: filter.applicable,
			});
			expect(jsonOf(result).map((json) => json.id)).toEqual(expected);
		},
	);

	it('several filters together are all listed once in applicableFilters and all applied', async () => {
		const from = '2024-01-01T00:00:00Z';
		const result = await s.run(
			getAll({
				returnAll: true,
				filters: {
					isOnline: false,
					userInteracted: true,
					createdAfter: from,
					status: ['OPEN', 'CLOSED'],
				},
			}),
		);
		const [body] = bodies();
		expect([...(body.applicableFilters as string[])].sort()).toEqual(
			['createdAt', 'isOnline', 'status', 'userInteracted'].sort(),
		);
		const expected = live().filter(
			(contact) =>
				!contact.isOnline &&
				contact.userInteracted &&
				Date.parse(contact.createdAt) >= Date.parse(from) &&
				['OPEN', 'CLOSED'].includes(contact.status),
		);
		expect(expected.length).toBeGreaterThan(0);
		expect(jsonOf(result).map((json) => json.id)).toEqual(ids(expected));
	});

	it('without filters the complete documented body goes out with applicableFilters empty', async () => {
		const result = await s.run(getAll({ limit: 5 }));
		expect(result.error).toBeUndefined();
		expect(bodies()).toEqual([DOCUMENTED_BODY]);
		expect(s.sim.requests[0].headers['content-type']).toMatch(/^application\/json/);
	});
});

describe('contact → Get Many: date filters and time zones', () => {
	it.each([
		[
			'a naive date-time is wall-clock time in the workflow time zone',
			'2024-03-01T10:00:00',
			'Asia/Kolkata',
			'2024-03-01T04:30:00.000Z',
		],
		[
			'a naive date is midnight in the workflow time zone',
			'2024-03-01',
			'Asia/Kolkata',
			'2024-02-29T18:30:00.000Z',
		],
		[
			'a naive date-time in a UTC workflow stays as it is',
			'2024-03-01T10:00:00',
			'UTC',
			'2024-03-01T10:00:00.000Z',
		],
		[
			'a naive date-time in summer time (New York, UTC-4)',
			'2024-07-01 09:00',
			'America/New_York',
			'2024-07-01T13:00:00.000Z',
		],
		[
			'a naive time on the morning summer time starts (New York, 10 March 2024)',
			'2024-03-10T05:30:00',
			'America/New_York',
			'2024-03-10T09:30:00.000Z',
		],
		[
			'a naive time just before summer time starts (Berlin, 31 March 2024)',
			'2024-03-31T01:30:00',
			'Europe/Berlin',
			'2024-03-31T00:30:00.000Z',
		],
		[
			'an ISO value with an offset is an instant',
			'2024-03-01T10:00:00+02:00',
			'Asia/Kolkata',
			'2024-03-01T08:00:00.000Z',
		],
		[
			'an ISO value in UTC is an instant',
			'2024-03-01T10:00:00.250Z',
			'Asia/Kolkata',
			'2024-03-01T10:00:00.250Z',
		],
		[
			'a Luxon DateTime from an expression is an instant',
			"={{ DateTime.fromISO('2024-03-01T10:00:00', { zone: 'America/New_York' }) }}",
			'Asia/Kolkata',
			'2024-03-01T15:00:00.000Z',
		],
	])('%s', async (_label, value, timezone, sent) => {
		const result = await s.run(
			getAll({ limit: 1, filters: { createdAfter: value, lastSeenBefore: value } }),
			{
				timezone,
			},
		);
		expect(result.error).toBeUndefined();
		const [body] = bodies();
		expect(body.createdAt).toEqual({ startAt: sent, endsAt: '' });
		expect(body.lastSeenAt).toEqual({ startAt: '', endsAt: sent });
		expect(body.applicableFilters).toEqual(['createdAt', 'lastSeenAt']);
	});

	it('a relative expression such as $now.minus({days: 1}) becomes an ISO instant', async () => {
		const before = Date.now();
		const result = await s.run(
			getAll({ limit: 1, filters: { createdAfter: '={{ $now.minus({ days: 1 }) }}' } }),
			{
				timezone: 'Asia/Kolkata',
			},
		);
		expect(result.error).toBeUndefined();
		const startAt = (bodies()[0].createdAt as IDataObject).startAt as string;
		expect(startAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		const day = 24 * 3600 * 1000;
		expect(Date.parse(startAt)).toBeGreaterThanOrEqual(before - day - 1000);
		expect(Date.parse(startAt)).toBeLessThanOrEqual(Date.now() - day + 1000);
	});

	it('the time zone decides which contacts come back', async () => {
		// A boundary 3 hours after a contact's creation, written as wall-clock time.
		const target = live()[20];
		const wall = new Date(Date.parse(target.createdAt) + 3 * 3600 * 1000)
			.toISOString()
			.slice(0, 19);
		const endsAt = () => (bodies()[0].createdAt as IDataObject).endsAt as string;
		const kolkata = await s.run(getAll({ returnAll: true, filters: { createdBefore: wall } }), {
			timezone: 'Asia/Kolkata',
		});
		const kolkataEnd = endsAt();
		s.sim.clearRequests();
		const utc = await s.run(getAll({ returnAll: true, filters: { createdBefore: wall } }), {
			timezone: 'UTC',
		});
		const utcEnd = endsAt();
		const idsOf = (result: typeof utc) => jsonOf(result).map((json) => json.id);
		// In Kolkata (UTC+5:30) the boundary is 2:30 before the contact's creation: it is left out.
		expect(idsOf(kolkata)).not.toContain(target._id);
		expect(idsOf(utc)).toContain(target._id);
		expect(Date.parse(utcEnd) - Date.parse(kolkataEnd)).toBe(5.5 * 3600 * 1000);
	});
});

describe('contact → Get Many: bad filter values fail before any request', () => {
	it.each([
		[{ searchText: '  ' }, 'Invalid Filters → Search Text: is added but has no value'],
		[{ tags: ' , ' }, 'Invalid Filters → Tags: is added but has no value'],
		[{ status: [] }, 'Invalid Filters → Status: is added but has no value'],
		[{ segments: [] }, 'Invalid Filters → Segments: is added but has no value'],
		[{ lastMessageBy: [] }, 'Invalid Filters → Last Message By: is added but has no value'],
		[{ createdAfter: '' }, 'Invalid Filters → Created After: is added but has no value'],
		[{ lastSeenBefore: '' }, 'Invalid Filters → Last Seen Before: is added but has no value'],
		[{ websiteBotIds: '' }, 'Invalid Filters → Website Bot IDs: is added but has no value'],
		[{ agentIds: '' }, 'Invalid Filters → Agent IDs: is added but has no value'],
		[
			{ agentIds: '640f472d173951357f08edee, 12345' },
			'Invalid Filters → Agent IDs: "12345" is not a BotPenguin ID',
		],
		[
			{ whatsappBotIds: '={{ ["not-an-id"] }}' },
			'Invalid Filters → WhatsApp Bot IDs: "not-an-id" is not a BotPenguin ID',
		],
		[
			{ telegramBotIds: 'zz0f472d173951357f08edee' },
			'Invalid Filters → Telegram Bot IDs: "zz0f472d173951357f08edee" is not a BotPenguin ID',
		],
		[
			{ facebookBotIds: '640f472d173951357f08ede' },
			'Invalid Filters → Facebook Bot IDs: "640f472d173951357f08ede" is not a BotPenguin ID',
		],
		[{ createdAfter: 'yesterday' }, 'Invalid Filters → Created After: "yesterday" is not a date'],
		[
			{ lastSeenAfter: '2024-02-30' },
			'Invalid Filters → Last Seen After: "2024-02-30" is not a date',
		],
		[
			{ createdAfter: '2025-01-02T00:00:00Z', createdBefore: '2025-01-01T00:00:00Z' },
			'Invalid Filters → Created After: 2025-01-02T00:00:00.000Z is later than Created Before (2025-01-01T00:00:00.000Z)',
		],
	])('%j → %s', async (filters, message) => {
		const result = await s.run(getAll({ returnAll: true, filters }));
		expect(errorOf(result).message).toBe(message);
		expect(s.sim.requests).toEqual([]);
	});
});

describe('contact → Get Many: pages', () => {
	it('Return All over 3 pages keeps the filters on every page (page 1, 2, 3)', async () => {
		const filters = { isOnline: false, createdBefore: '2030-01-01T00:00:00Z' };
		const expected = live().filter((contact) => !contact.isOnline);
		expect(expected.length).toBeGreaterThan(40);

		const result = await s.run(
			getAll({ returnAll: true, filters, options: { stopAtShortPage: true, parallelRequests: 1 } }),
		);
		expect(result.error).toBeUndefined();
		const sent = bodies();
		expect(sent.map((body) => body.page)).toEqual([1, 2, 3]);
		for (const [index, body] of sent.entries()) {
			// The order of applicableFilters carries no meaning.
			expect({
				...body,
				applicableFilters: [...(body.applicableFilters as string[])].sort(),
			}).toEqual({
				...DOCUMENTED_BODY,
				isOnline: false,
				createdAt: { startAt: '', endsAt: '2030-01-01T00:00:00.000Z' },
				applicableFilters: ['createdAt', 'isOnline'],
				page: index + 1,
			});
		}
		expect(jsonOf(result).map((json) => json.id)).toEqual(ids(expected));
	});

	it.each([
		[10, 1],
		[20, 1],
		[21, 2],
		[37, 2],
		[40, 2],
		[45, 3],
	])('Limit %i with pages of 20 takes %i request(s)', async (limit, requests) => {
		// One at a time, so the pages reach the simulator in order.
		const result = await s.run(
			getAll({ returnAll: false, limit, options: { parallelRequests: 1 } }),
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result).map((json) => json.id)).toEqual(ids(live().slice(0, limit)));
		expect(bodies().map((body) => body.page)).toEqual(
			Array.from({ length: requests }, (_, index) => index + 1),
		);
	});

	it('a Limit above the number of contacts returns them all, ending at the short page', async () => {
		const result = await s.run(
			getAll({ limit: 100, options: { stopAtShortPage: true, parallelRequests: 1 } }),
		);
		expect(jsonOf(result)).toHaveLength(45);
		expect(bodies().map((body) => body.page)).toEqual([1, 2, 3]);
	});

	it('a short page ends Return All without asking for the empty page', async () => {
		const result = await s.run(
			getAll({ returnAll: true, options: { stopAtShortPage: true, parallelRequests: 1 } }),
		);
		expect(jsonOf(result).map((json) => json.id)).toEqual(ids(live()));
		expect(bodies().map((body) => body.page)).toEqual([1, 2, 3]);
		expect(s.sim.requests.map((request) => request.status)).toEqual([200, 200, 200]);
	});

	it('with Stop at Short Page off it reads on until the empty page', async () => {
		const result = await s.run(
			getAll({ returnAll: true, options: { stopAtShortPage: false, parallelRequests: 1 } }),
		);
		expect(jsonOf(result).map((json) => json.id)).toEqual(ids(live()));
		expect(bodies().map((body) => body.page)).toEqual([1, 2, 3, 4]);
	});

	it('when the last page is full, the empty page after it ends the run', async () => {
		s.sim.setOptions({ pageSize: 15 });
		const result = await s.run(getAll({ returnAll: true, options: { parallelRequests: 1 } }));
		expect(jsonOf(result)).toHaveLength(45);
		expect(bodies().map((body) => body.page)).toEqual([1, 2, 3, 4]);
	});

	it('contacts set to DELETED are no longer listed', async () => {
		const [gone] = live();
		const deleted = await s.run({ resource: 'contact', operation: 'delete', contactIds: gone._id });
		expect(deleted.error).toBeUndefined();
		const result = await s.run(getAll({ returnAll: true }));
		expect(jsonOf(result)).toHaveLength(44);
		expect(jsonOf(result).map((json) => json.id)).not.toContain(gone._id);
	});
});

describe('contact → Get Many: Simplify', () => {
	function simplified(contact: Contact): IDataObject {
		const details = contact.profile.userDetails;
		const attributes = Object.fromEntries(details.attributes.map(({ key, value }) => [key, value]));
		return {
			id: contact._id,
			name: details.userProvidedName,
			email: details.contact.email || attributes.email || null,
			phone: `+${details.contact.phone.prefix.replace('+', '')}${details.contact.phone.number}`,
			tags: details.tags,
			attributes,
			status: contact.status,
			createdAt: contact.createdAt,
			updatedAt: contact.updatedAt,
			lastSeenAt: contact.lastSeenAt,
		};
	}

	it('on (the default): flat items with phone in E.164, attributes as an object and the timestamps', async () => {
		const result = await s.run(getAll({ returnAll: true }));
		const out = jsonOf(result);
		expect(out).toEqual(live().map(simplified));
		// The seed data holds the awkward cases; make sure they were part of the comparison.
		expect(
			live().some((contact) => contact.profile.userDetails.contact.phone.prefix.startsWith('+')),
		).toBe(true);
		expect(out.every((json) => /^\+\d{8,15}$/.test(String(json.phone)))).toBe(true);
		const emailOnlyInAttributes = live().find(
			(contact) =>
				!contact.profile.userDetails.contact.email &&
				contact.profile.userDetails.attributes.some((attribute) => attribute.key === 'email'),
		);
		expect(emailOnlyInAttributes).toBeDefined();
		expect(out.find((json) => json.id === emailOnlyInAttributes?._id)?.email).toMatch(/@/);
	});

	it('off: the raw BotPenguin objects, profile included', async () => {
		const result = await s.run(getAll({ limit: 25, simplify: false }));
		const out = jsonOf(result);
		expect(out).toEqual(JSON.parse(JSON.stringify(live().slice(0, 25))));
		expect(out[0].profile).toBeDefined();
		expect(out[0]._id).toBe(live()[0]._id);
	});
});

describe('contact → Get Many: several input items', () => {
	it('runs once per item with its own filters, and pairs every record with the item it came from', async () => {
		const name = live()[0].profile.userDetails.userProvidedName;
		// One record for the first item, three for the second: n8n cannot pair these by position.
		const result = await s.run(
			getAll({ limit: 3, filters: { searchText: '={{ $json.search }}' } }),
			{
				items: [{ search: name }, { search: 'example' }],
			},
		);
		expect(result.error).toBeUndefined();
		const firstPages = bodies().filter((body) => body.page === 1);
		expect(firstPages.map((body) => body.searchText).sort()).toEqual(['example', name].sort());
		const found = result.items.filter((item) => item.json.name === name);
		expect(found.length).toBeGreaterThan(0);
		expect(result.items).toHaveLength(found.length + 3);
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			...found.map(() => ({ item: 0 })),
			{ item: 1 },
			{ item: 1 },
			{ item: 1 },
		]);
	});

	it('with Continue On Fail, error items are paired with their item too (bad input, failed request)', async () => {
		s.sim.addFault({ kind: 'status', status: 500, path: USERS, afterRequests: 1, times: Infinity });
		const result = await s.run(
			getAll({ limit: 3, filters: { createdAfter: '={{ $json.after }}' } }),
			{
				continueOnFail: true,
				items: [{ after: '2020-01-01' }, { after: 'not a date' }, { after: '2020-01-01' }],
			},
		);
		expect(result.error).toBeUndefined();
		const byItem = (index: number) =>
			result.items.filter((item) => (item.pairedItem as { item: number }).item === index);
		// The first and third item each made one request; only one of them got the 500.
		const [ok, failed] = [0, 2].map(byItem).sort((a, b) => b.length - a.length);
		expect(ok).toHaveLength(3);
		expect(failed).toHaveLength(1);
		expect(String(failed[0].json.error)).toContain('HTTP 500');
		expect(byItem(1)).toHaveLength(1);
		expect(String(byItem(1)[0].json.error)).toContain('Invalid Filters → Created After');
		expect(result.items.every((item) => item.pairedItem !== undefined)).toBe(true);
	});

	it('pairs with the input item also when there is only one (Simplify off)', async () => {
		const result = await s.run(getAll({ limit: 3, simplify: false }));
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 0 },
		]);
	});
});

describe('contact → Get Many: segments by name', () => {
	const segment = (index: number) => s.sim.state.segments[index];
	const segmentRequests = () => requestsTo(s.sim, 'GET', '/inbox/segments');
	const inSegments = (wanted: string[]) =>
		ids(live().filter((contact) => contact.segments.some((id) => wanted.includes(id))));

	it('names from an expression become segment IDs, next to IDs; the segments are read once', async () => {
		const [named, byId] = [segment(0), segment(1)];
		const result = await s.run(
			getAll({
				returnAll: true,
				filters: { segments: `={{ [${JSON.stringify(named.segmentName)}, "${byId._id}"] }}` },
			}),
		);
		expect(result.error).toBeUndefined();
		expect(bodies()[0]).toMatchObject({
			segments: [named._id, byId._id],
			applicableFilters: ['segments'],
		});
		const expected = inSegments([named._id, byId._id]);
		expect(expected.length).toBeGreaterThan(0);
		expect(jsonOf(result).map((json) => json.id)).toEqual(expected);
		expect(segmentRequests()).toHaveLength(1);
	});

	it('several items and several pages still read the segments once per run', async () => {
		s.sim.setOptions({ pageSize: 5 });
		const names = [segment(0).segmentName, segment(1).segmentName];
		const result = await s.run(
			getAll({ returnAll: true, filters: { segments: '={{ [$json.segment] }}' } }),
			{ items: names.map((name) => ({ segment: name })) },
		);
		expect(result.error).toBeUndefined();
		expect(bodies().length).toBeGreaterThan(2);
		expect(segmentRequests()).toHaveLength(1);
		const byItem = (index: number) =>
			result.items
				.filter((item) => (item.pairedItem as { item: number }).item === index)
				.map((item) => item.json.id);
		expect(byItem(0)).toEqual(inSegments([segment(0)._id]));
		expect(byItem(1)).toEqual(inSegments([segment(1)._id]));
	});

	it('a name in another case is found when only one segment has it', async () => {
		const result = await s.run(
			getAll({ limit: 5, filters: { segments: segment(2).segmentName.toUpperCase() } }),
		);
		expect(result.error).toBeUndefined();
		expect(bodies()[0].segments).toEqual([segment(2)._id]);
	});

	it('an unknown name fails with the list of known names, and no contacts are asked for', async () => {
		const result = await s.run(
			getAll({ returnAll: true, filters: { segments: 'VIP customers!' } }),
		);
		const error = errorOf(result);
		expect(error.message).toBe(
			'Invalid Filters → Segments: "VIP customers!" is not the name or ID of a segment',
		);
		for (const known of s.sim.state.segments) {
			expect(error.description).toContain(`"${known.segmentName}"`);
		}
		expect(requestsTo(s.sim, 'POST', USERS)).toEqual([]);
	});

	it('IDs alone are sent as they are, without reading the segments', async () => {
		const result = await s.run(getAll({ limit: 5, filters: { segments: [segment(0)._id] } }));
		expect(result.error).toBeUndefined();
		expect(bodies()[0].segments).toEqual([segment(0)._id]);
		expect(segmentRequests()).toEqual([]);
	});
});
