/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test infrastructure: these rules guard code that runs inside n8n, not tests */
/**
 * Tests of the BotPenguin Inbox API simulator itself, over real HTTP with the global fetch.
 * Expected values are computed from `sim.state` with small independent oracles, and every
 * filter test also checks that the filter actually narrows the list (so it can fail).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { generateDataset } from './data';
import {
	startSimulator,
	type Chat,
	type Contact,
	type Fault,
	type RecordedRequest,
	type Simulator,
	type SimulatorOptions,
} from './server';

interface Envelope<T = unknown> {
	success: boolean;
	message: string;
	data?: T;
	code: number;
}

interface Reply<T = unknown> {
	status: number;
	headers: Headers;
	text: string;
	body: Envelope<T>;
}

interface CallOptions {
	body?: unknown;
	rawBody?: string;
	/** Merged over the full set of auth headers; `undefined` removes a header. */
	headers?: Record<string, string | undefined>;
}

type ApiChat = Omit<Chat, 'isLead'>;

const OBJECT_ID_MESSAGE =
	'Argument passed in must be a single String of 12 bytes or a string of 24 hex characters';
const HEX24 = /^[0-9a-f]{24}$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const OTHER_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';

/** Everything the node sends: scheme A plus both legacy token headers. */
function authHeaders(sim: Simulator): Record<string, string> {
	return {
		authorization: `Bearer ${sim.token}`,
		authtype: 'Key',
		'x-bot-token': sim.token,
		'x-bp-token': sim.token,
		'content-type': 'application/json',
	};
}

async function call<T = unknown>(
	sim: Simulator,
	method: string,
	pathAndQuery: string,
	opts: CallOptions = {},
): Promise<Reply<T>> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries({ ...authHeaders(sim), ...opts.headers })) {
		if (value !== undefined) headers[name] = value;
	}
	const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
	const res = await fetch(`${sim.url}${pathAndQuery}`, { method, headers, body });
	const text = await res.text();
	return { status: res.status, headers: res.headers, text, body: JSON.parse(text) as Envelope<T> };
}

function inboxBody(patch: Record<string, unknown> = {}) {
	return {
		searchText: '',
		tags: [] as string[],
		status: [] as string[],
		isOnline: false,
		_botWebsite: [] as string[],
		_botWhatsapp: [] as string[],
		_botTelegram: [] as string[],
		_botFacebook: [] as string[],
		_agentAssigned: [] as string[],
		segments: [] as string[],
		applicableFilters: [] as string[],
		lastSeenAt: { startAt: '', endsAt: '' },
		createdAt: { startAt: '', endsAt: '' },
		userInteracted: false,
		lastMessageBy: [] as string[],
		isLiveChatActive: false,
		hasOrdered: { status: false, lastAt: '' },
		page: 1,
		isExport: 'none',
		isContact: true,
		...patch,
	};
}

const users = (sim: Simulator, patch: Record<string, unknown> = {}) =>
	call<Contact[]>(sim, 'POST', '/inbox/users', { body: inboxBody(patch) });

const chatsPath = (sim: Simulator, q: Record<string, string>) =>
	`/inbox/direct/chats?${new URLSearchParams({ botId: sim.botId, customerId: sim.customerId, ...q }).toString()}`;

const chats = (sim: Simulator, type: string, page: number) =>
	call<ApiChat[]>(sim, 'GET', chatsPath(sim, { type, page: String(page) }));

/** Pages until an empty page, like the node's "Return All" (capped, so a bug cannot hang the test). */
async function allPages<T>(fetchPage: (page: number) => Promise<Reply<T[]>>): Promise<T[]> {
	const out: T[] = [];
	for (let page = 1; page <= 200; page++) {
		const reply = await fetchPage(page);
		expect(reply.status).toBe(200);
		const data = reply.body.data ?? [];
		if (data.length === 0) return out;
		out.push(...data);
	}
	throw new Error('more than 200 pages');
}

const allUsers = (sim: Simulator, patch: Record<string, unknown> = {}) =>
	allPages<Contact>((page) => users(sim, { ...patch, page }));

const listed = (sim: Simulator, keep: (c: Contact) => boolean = () => true): string[] =>
	sim.state.contacts.filter((c) => c.status !== 'DELETED' && keep(c)).map((c) => c._id);

const ids = (items: readonly { _id: string }[]): string[] => items.map((i) => i._id);

function newest(items: readonly { createdAt: string }[]): boolean {
	return items.every(
		(item, i) => i === 0 || Date.parse(items[i - 1].createdAt) >= Date.parse(item.createdAt),
	);
}

/** Registers a simulator for the enclosing describe and resets it before each test. */
function useSimulator(opts: SimulatorOptions = {}): () => Simulator {
	let sim: Simulator | undefined;
	beforeAll(async () => {
		sim = await startSimulator(opts);
	});
	beforeEach(() => sim?.reset());
	afterAll(async () => {
		await sim?.close();
	});
	return () => {
		if (!sim) throw new Error('simulator not started');
		return sim;
	};
}

// ---------------------------------------------------------------------------------------------

describe('seed data generation', () => {
	it('is deterministic for the same options', () => {
		const a = generateDataset({ contacts: 60, chats: 10, leads: 12 });
		const b = generateDataset({ contacts: 60, chats: 10, leads: 12 });
		expect(JSON.stringify([a.refs, a.segments, a.contacts, a.chats])).toBe(
			JSON.stringify([b.refs, b.segments, b.contacts, b.chats]),
		);
	});

	it('generates the requested counts, unique ObjectIds and v4 uuids, newest first', () => {
		const d = generateDataset({ contacts: 500, chats: 40, leads: 35 });
		expect(d.contacts).toHaveLength(500);
		expect(d.chats.filter((c) => c.isLead)).toHaveLength(35);
		expect(d.chats.filter((c) => !c.isLead)).toHaveLength(40);
		const all = [...d.contacts, ...d.chats, ...d.segments];
		expect(all.every((r) => HEX24.test(r._id))).toBe(true);
		expect(new Set(all.map((r) => r._id)).size).toBe(all.length);
		expect(d.chats.every((c) => UUID_V4.test(c.uuid))).toBe(true);
		expect(new Set(d.chats.map((c) => c.uuid)).size).toBe(d.chats.length);
		for (const list of [d.contacts, d.chats]) {
			const times = list.map((r) => Date.parse(r.createdAt));
			expect(times.every((t, i) => i === 0 || times[i - 1] > t)).toBe(true);
		}
		expect(HEX24.test(d.refs.botId) && HEX24.test(d.refs.customerId)).toBe(true);
	});

	it('has 3 to 6 segments that contacts point at, and realistic phone and email variety', () => {
		const d = generateDataset({ contacts: 400, chats: 0, leads: 0 });
		expect(d.segments.length).toBeGreaterThanOrEqual(3);
		expect(d.segments.length).toBeLessThanOrEqual(6);
		const segmentIds = new Set(d.segments.map((s) => s._id));
		expect(d.contacts.flatMap((c) => c.segments).every((id) => segmentIds.has(id))).toBe(true);
		expect(d.segments.every((s) => s._customer === d.refs.customerId && s.segmentName !== '')).toBe(
			true,
		);

		const prefixes = new Set(d.contacts.map((c) => c.profile.userDetails.contact.phone.prefix));
		for (const p of ['91', '1', '44', '971']) expect(prefixes).toContain(p);
		expect([...prefixes].some((p) => p.startsWith('+'))).toBe(true);
		const emailOnlyInAttributes = d.contacts.filter(
			(c) =>
				c.profile.userDetails.contact.email === '' &&
				c.profile.userDetails.attributes.some((a) => a.key === 'email' && a.value.includes('@')),
		);
		expect(emailOnlyInAttributes.length).toBeGreaterThan(0);
		expect(d.contacts.every((c) => /^\d+$/.test(c.profile.userDetails.contact.phone.number))).toBe(
			true,
		);
		const phones = d.contacts.map((c) => c.profile.userDetails.contact.phone.number);
		expect(new Set(phones).size).toBe(phones.length);
	});

	it('generates 50,000 contacts at 0.6-1 KB of JSON each', () => {
		const d = generateDataset({ contacts: 50_000, chats: 0, leads: 0 });
		expect(d.contacts).toHaveLength(50_000);
		const perContact = JSON.stringify(d.contacts).length / d.contacts.length;
		expect(perContact).toBeGreaterThanOrEqual(600);
		expect(perContact).toBeLessThanOrEqual(1000);
	});
});

describe('envelope and authentication', () => {
	const sim = useSimulator();

	it('answers GET /inbox/segments with the documented envelope', async () => {
		const reply = await call(sim(), 'GET', '/inbox/segments');
		expect(reply.status).toBe(200);
		expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
		expect(reply.body).toEqual({
			success: true,
			message: '',
			data: sim().state.segments,
			code: 200,
		});
		expect(Object.keys(reply.body)).toEqual(['success', 'message', 'data', 'code']);
	});

	it('rejects a request without authtype: Key with 401', async () => {
		for (const authtype of [undefined, 'Bearer', 'key']) {
			const reply = await call(sim(), 'GET', '/inbox/segments', { headers: { authtype } });
			expect(reply.status).toBe(401);
			expect(reply.body).toEqual({
				success: false,
				message: 'Your request is missing the authtype: Key header',
				code: 401,
			});
		}
	});

	it('rejects a missing, wrong or mis-cased bearer token without echoing it', async () => {
		const attempts = [undefined, 'Bearer not-the-token', `bearer ${sim().token}`, sim().token];
		for (const authorization of attempts) {
			const reply = await call(sim(), 'GET', '/inbox/segments', { headers: { authorization } });
			expect(reply.status).toBe(401);
			expect(reply.body).toEqual({
				success: false,
				message: 'The token being used is incorrect.',
				code: 401,
			});
			expect(reply.text).not.toContain('not-the-token');
			expect(reply.text).not.toContain(sim().token);
		}
	});

	it('answers a bad token with 400 when badTokenStatus is 400', async () => {
		sim().setOptions({ badTokenStatus: 400 });
		try {
			const reply = await call(sim(), 'GET', '/inbox/segments', {
				headers: { authorization: 'Bearer nope' },
			});
			expect(reply.status).toBe(400);
			expect(reply.body).toEqual({
				success: false,
				message: 'The token being used is incorrect.',
				code: 400,
			});
		} finally {
			sim().setOptions({ badTokenStatus: 401 });
		}
	});

	it('requires x-bot-token on the chats listing and x-bp-token on the lead update', async () => {
		const s = sim();
		const list = chatsPath(s, { type: 'lead', page: '1' });
		const lead = { uuid: s.state.chats[0].uuid, botId: s.botId, customerId: s.customerId };
		for (const value of [undefined, 'wrong']) {
			const a = await call(s, 'GET', list, { headers: { 'x-bot-token': value } });
			expect([a.status, a.body.message]).toEqual([401, 'The token being used is incorrect.']);
			const b = await call(s, 'PUT', '/inbox/direct/lead', {
				body: lead,
				headers: { 'x-bp-token': value },
			});
			expect([b.status, b.body.message]).toEqual([401, 'The token being used is incorrect.']);
		}
		// The legacy header alone is not enough either: every endpoint needs scheme A.
		const onlyLegacy = await call(s, 'GET', list, { headers: { authorization: undefined } });
		expect(onlyLegacy.status).toBe(401);
		expect((await call(s, 'GET', list)).status).toBe(200);
		expect((await call(s, 'PUT', '/inbox/direct/lead', { body: lead })).status).toBe(200);
	});

	it('answers unknown paths and methods with a 404 envelope', async () => {
		for (const [method, p] of [
			['GET', '/inbox/contacts'],
			['DELETE', '/inbox/segments'],
			['GET', '/inbox/users'],
			// A base URL with a trailing slash joined to "/inbox/…" is not silently repaired.
			['GET', '//inbox/segments'],
		]) {
			const reply = await call(sim(), method, p);
			expect(reply.status).toBe(404);
			expect(reply.body).toEqual({ success: false, message: `Cannot ${method} ${p}`, code: 404 });
		}
		expect(sim().requests.map((r) => r.path)).toContain('//inbox/segments');
	});

	it('answers a body that is not JSON with a 400 envelope', async () => {
		for (const [method, p] of [
			['POST', '/inbox/users'],
			['POST', '/inbox/users/import'],
			['PUT', '/inbox/users/status-update'],
			['PUT', '/inbox/direct/lead'],
		]) {
			const reply = await call(sim(), method, p, { rawBody: '{"page": 1,' });
			expect(reply.status).toBe(400);
			expect(reply.body).toEqual({
				success: false,
				message: 'Request body is not valid JSON',
				code: 400,
			});
		}
	});
});

describe('GET /inbox/direct/chats', () => {
	const sim = useSimulator({ chats: 30, leads: 25, pageSize: 10 });

	it('lists one page of leads, newest first, without simulator bookkeeping', async () => {
		const s = sim();
		const reply = await chats(s, 'lead', 1);
		expect(reply.status).toBe(200);
		expect(reply.body.message).toBe('ok');
		const data = reply.body.data ?? [];
		const expected = s.state.chats.filter((c) => c.isLead).slice(0, 10);
		expect(ids(data)).toEqual(ids(expected));
		expect(newest(data)).toBe(true);
		expect(data.every((c) => !('isLead' in c))).toBe(true);
		expect(data[0]).toEqual(
			expect.objectContaining({ uuid: expected[0].uuid, status: expected[0].status }),
		);
		expect(data[0].profile.userDetails).toHaveProperty('contact.phone.prefix');
	});

	it('pages through leads and non-lead chats separately until an empty page', async () => {
		const s = sim();
		for (const [type, isLead, pages] of [
			['lead', true, [10, 10, 5, 0]],
			['non-lead', false, [10, 10, 10, 0]],
		] as const) {
			const sizes: number[] = [];
			for (let page = 1; page <= 4; page++)
				sizes.push((await chats(s, type, page)).body.data?.length ?? -1);
			expect(sizes).toEqual(pages);
			const everything = await allPages((page) => chats(s, type, page));
			expect(ids(everything)).toEqual(ids(s.state.chats.filter((c) => c.isLead === isLead)));
		}
		expect((await chats(s, 'lead', 999)).body).toEqual({
			success: true,
			message: 'ok',
			data: [],
			code: 200,
		});
	});

	it('validates the four required query parameters', async () => {
		const s = sim();
		const cases: [Record<string, string>, string][] = [
			[{ type: 'lead' }, 'page is required'],
			[{ page: '1' }, 'type is required'],
			[{ page: '1', type: 'leads' }, 'type must be one of [lead, non-lead]'],
			[{ page: '0', type: 'lead' }, 'page must be an integer >= 1'],
			[{ page: 'abc', type: 'lead' }, 'page must be an integer >= 1'],
			[{ page: '1.5', type: 'lead' }, 'page must be an integer >= 1'],
		];
		for (const [q, message] of cases) {
			const reply = await call(s, 'GET', chatsPath(s, q));
			expect(reply.status).toBe(400);
			expect(reply.body).toMatchObject({ success: false, message: 'Validation failed', code: 400 });
			expect(reply.body.data).toContain(message);
		}
		const noBot = await call(
			s,
			'GET',
			`/inbox/direct/chats?customerId=${s.customerId}&page=1&type=lead`,
		);
		expect(noBot.body.data).toEqual(['botId is required']);
		const twice = await call(s, 'GET', `${chatsPath(s, { type: 'lead', page: '1' })}&page=2`);
		expect(twice.body.data).toEqual(['page must be a single string']);
	});

	it('answers malformed ids with the ObjectId error and unknown ids with an empty list', async () => {
		const s = sim();
		for (const q of [{ botId: 'my-bot' }, { customerId: '123' }] as Record<string, string>[]) {
			const reply = await call(s, 'GET', chatsPath(s, { type: 'lead', page: '1', ...q }));
			expect(reply.status).toBe(400);
			expect(reply.body).toEqual({ success: false, message: OBJECT_ID_MESSAGE, code: 400 });
		}
		for (const q of [{ botId: OTHER_ID }, { customerId: OTHER_ID }] as Record<string, string>[]) {
			const reply = await call(s, 'GET', chatsPath(s, { type: 'lead', page: '1', ...q }));
			expect(reply.body).toEqual({ success: true, message: 'ok', data: [], code: 200 });
		}
	});
});

describe('POST /inbox/users body rules and paging', () => {
	const sim = useSimulator({ contacts: 45, pageSize: 20 });

	it('pages through every contact newest first, 20 per page, then an empty page', async () => {
		const s = sim();
		const sizes: number[] = [];
		for (let page = 1; page <= 4; page++)
			sizes.push((await users(s, { page })).body.data?.length ?? -1);
		expect(sizes).toEqual([20, 20, 5, 0]);
		const first = await users(s);
		expect(first.body).toMatchObject({ success: true, message: '', code: 200 });
		const everything = await allUsers(s);
		expect(ids(everything)).toEqual(listed(s));
		expect(newest(everything)).toBe(true);
	});

	it('lists the missing body keys in data', async () => {
		const body: Record<string, unknown> = inboxBody();
		delete body.applicableFilters;
		delete body.isExport;
		delete body.searchText;
		const reply = await call(sim(), 'POST', '/inbox/users', { body });
		expect(reply.status).toBe(400);
		expect(reply.body.success).toBe(false);
		expect(reply.body.data).toEqual(['searchText', 'applicableFilters', 'isExport']);
	});

	it('rejects wrongly typed body values', async () => {
		const reply = await users(sim(), {
			tags: 'vip',
			isOnline: 'yes',
			page: 0,
			createdAt: { startAt: 'yesterday', endsAt: '' },
		});
		expect(reply.status).toBe(400);
		expect(reply.body.message).toBe('Validation failed');
		expect(reply.body.data).toEqual([
			'tags must be an array of strings',
			'isOnline must be a boolean',
			'createdAt must be an object { startAt, endsAt } of ISO 8601 dates or ""',
			'page must be an integer >= 1',
		]);
	});

	it('ignores a filter value that is not listed in applicableFilters', async () => {
		const s = sim();
		const unlisted = await allUsers(s, { tags: ['vip'], isOnline: true, status: ['CLOSED'] });
		expect(ids(unlisted)).toEqual(listed(s));
		const withVip = listed(s, (c) => c.profile.userDetails.tags.includes('vip'));
		expect(withVip.length).toBeLessThan(listed(s).length);
		const applied = await allUsers(s, { tags: ['vip'], applicableFilters: ['tags'] });
		expect(ids(applied)).toEqual(withVip);
	});

	it('rejects unknown applicableFilters keys', async () => {
		const reply = await users(sim(), { applicableFilters: ['tags', 'tagsV2', 'page'] });
		expect(reply.status).toBe(400);
		expect(reply.body.data).toEqual(['tagsV2 is not a filter', 'page is not a filter']);
	});

	it('answers a malformed id in any id array with the ObjectId error, listed or not', async () => {
		for (const key of [
			'segments',
			'_botWebsite',
			'_botWhatsapp',
			'_botTelegram',
			'_botFacebook',
			'_agentAssigned',
		]) {
			const reply = await users(sim(), { [key]: ['not-an-object-id'] });
			expect([key, reply.status, reply.body.message]).toEqual([key, 400, OBJECT_ID_MESSAGE]);
		}
	});

	it('accepts undocumented extra keys seen in third-party bodies', async () => {
		const reply = await users(sim(), { tagsV2: [], _botAutomation: [], ctwaNewUsers: false });
		expect(reply.status).toBe(200);
		expect(reply.body.data).toHaveLength(20);
	});
});

describe('POST /inbox/users filters', () => {
	const sim = useSimulator({ contacts: 300, pageSize: 50 });

	type Scenario = {
		name: string;
		build: (contacts: Contact[]) => {
			patch: Record<string, unknown>;
			expect: (c: Contact) => boolean;
		};
	};
	const details = (c: Contact) => c.profile.userDetails;
	const searchOracle = (needle: string) => (c: Contact) => {
		const n = needle.toLowerCase();
		const { phone } = details(c).contact;
		return (
			details(c).userProvidedName.toLowerCase().includes(n) ||
			details(c).contact.email.toLowerCase().includes(n) ||
			`+${phone.prefix.replace('+', '')}${phone.number}`.includes(n) ||
			(details(c).whatsAppNumber ?? '').includes(n)
		);
	};
	const firstWith = <T>(contacts: Contact[], pick: (c: Contact) => T | undefined): T => {
		for (const c of contacts) {
			const value = pick(c);
			if (value !== undefined) return value;
		}
		throw new Error('no contact fits the scenario');
	};
	const idFilter = (
		key:
			| '_botWebsite'
			| '_botWhatsapp'
			| '_botTelegram'
			| '_botFacebook'
			| '_agentAssigned'
			| 'segments',
	): Scenario => ({
		name: `${key} matches contacts whose ${key} contains any given id`,
		build: (contacts) => {
			const id = firstWith(contacts, (c) => c[key][0]);
			return { patch: { [key]: [id, OTHER_ID] }, expect: (c) => c[key].includes(id) };
		},
	});

	const scenarios: Scenario[] = [
		{
			name: 'searchText matches part of the name, case-insensitively',
			build: (contacts) => {
				const needle = details(contacts[7]).userProvidedName.split(' ').pop()!.toUpperCase();
				return { patch: { searchText: needle }, expect: searchOracle(needle) };
			},
		},
		{
			name: 'searchText matches part of the email',
			build: (contacts) => {
				const email = firstWith(contacts, (c) => details(c).contact.email || undefined);
				const needle = email.split('@')[0].toUpperCase();
				return { patch: { searchText: needle }, expect: searchOracle(needle) };
			},
		},
		{
			name: 'searchText matches prefix+number, also for a prefix stored as "+44"',
			build: (contacts) => {
				const phone = firstWith(contacts, (c) =>
					details(c).contact.phone.prefix.startsWith('+') ? details(c).contact.phone : undefined,
				);
				const needle = phone.prefix.slice(1) + phone.number.slice(0, 6);
				return { patch: { searchText: needle }, expect: searchOracle(needle) };
			},
		},
		{
			name: 'searchText matches whatsAppNumber as stored, also when it is the only phone',
			build: (contacts) => {
				// A WhatsApp contact whose phone object is empty: only whatsAppNumber holds the number.
				const contact = contacts.find((c) => details(c).whatsAppNumber)!;
				const whatsApp = `+${details(contact).whatsAppNumber!} `;
				details(contact).whatsAppNumber = whatsApp;
				details(contact).contact.phone = { prefix: '', number: '' };
				const needle = whatsApp.trim().slice(0, 8);
				return { patch: { searchText: needle }, expect: searchOracle(needle) };
			},
		},
		{
			name: 'tags matches contacts with any of the tags',
			build: () => ({
				patch: { tags: ['vip', 'trial'] },
				expect: (c) => details(c).tags.some((t) => t === 'vip' || t === 'trial'),
			}),
		},
		{
			name: 'status matches contacts whose status is in the list',
			build: () => ({
				patch: { status: ['CLOSED', 'ONHOLD'] },
				expect: (c) => ['CLOSED', 'ONHOLD'].includes(c.status),
			}),
		},
		{
			name: 'isOnline true',
			build: () => ({ patch: { isOnline: true }, expect: (c) => c.isOnline }),
		},
		{
			name: 'isOnline false',
			build: () => ({ patch: { isOnline: false }, expect: (c) => !c.isOnline }),
		},
		{
			name: 'userInteracted true',
			build: () => ({ patch: { userInteracted: true }, expect: (c) => c.userInteracted }),
		},
		{
			name: 'isLiveChatActive true',
			build: () => ({ patch: { isLiveChatActive: true }, expect: (c) => c.isLiveChatActive }),
		},
		{
			name: 'hasOrdered compares hasOrdered.status',
			build: () => ({
				patch: { hasOrdered: { status: true, lastAt: '' } },
				expect: (c) => c.hasOrdered.status,
			}),
		},
		{
			name: 'lastMessageBy matches the author of the last message',
			build: () => ({
				patch: { lastMessageBy: ['agent'] },
				expect: (c) => c.lastMessage?.by === 'agent',
			}),
		},
		{
			name: 'createdAt is a range with both ends inclusive',
			build: (contacts) => {
				const window = contacts.slice(5, 11).map((c) => c._id);
				return {
					patch: { createdAt: { startAt: contacts[10].createdAt, endsAt: contacts[5].createdAt } },
					expect: (c) => window.includes(c._id),
				};
			},
		},
		{
			name: 'createdAt with an empty endsAt is open-ended',
			build: (contacts) => {
				const from = Date.parse(contacts[20].createdAt);
				return {
					patch: { createdAt: { startAt: contacts[20].createdAt, endsAt: '' } },
					expect: (c) => Date.parse(c.createdAt) >= from,
				};
			},
		},
		{
			name: 'lastSeenAt is a range on the last-seen time',
			build: (contacts) => {
				const times = contacts.map((c) => Date.parse(c.lastSeenAt)).sort((a, b) => a - b);
				const [from, to] = [times[60], times[200]];
				return {
					patch: {
						lastSeenAt: {
							startAt: new Date(from).toISOString(),
							endsAt: new Date(to).toISOString(),
						},
					},
					expect: (c) => Date.parse(c.lastSeenAt) >= from && Date.parse(c.lastSeenAt) <= to,
				};
			},
		},
		idFilter('segments'),
		idFilter('_botWebsite'),
		idFilter('_botWhatsapp'),
		idFilter('_botTelegram'),
		idFilter('_botFacebook'),
		idFilter('_agentAssigned'),
		{
			name: 'several listed filters combine with AND',
			build: () => ({
				patch: { tags: ['vip', 'newsletter'], userInteracted: true },
				expect: (c) =>
					c.userInteracted && details(c).tags.some((t) => t === 'vip' || t === 'newsletter'),
			}),
		},
	];

	it.each(scenarios)('$name', async ({ build }) => {
		const s = sim();
		const { patch, expect: keep } = build(s.state.contacts);
		const expected = listed(s, keep);
		// The scenario must actually narrow the list, or it proves nothing.
		expect(expected.length).toBeGreaterThan(0);
		expect(expected.length).toBeLessThan(listed(s).length);
		const got = await allUsers(s, { ...patch, applicableFilters: Object.keys(patch) });
		expect(ids(got)).toEqual(expected);
	});

	it('never lists DELETED contacts, not even when asked for that status', async () => {
		const s = sim();
		const victims = [s.state.contacts[0], s.state.contacts[4]];
		for (const c of victims) c.status = 'DELETED';
		const all = await allUsers(s);
		expect(all).toHaveLength(300 - 2);
		expect(ids(all)).not.toContain(victims[0]._id);
		expect(await allUsers(s, { status: ['DELETED'], applicableFilters: ['status'] })).toEqual([]);
	});
});

describe('POST /inbox/users/import', () => {
	const sim = useSimulator();
	const contactOf = (userDetails: Record<string, unknown>) => ({ profile: { userDetails } });

	it('creates new contacts, flagged isImported and listed first', async () => {
		const s = sim();
		const before = s.state.contacts.length;
		const reply = await call(s, 'POST', '/inbox/users/import', {
			body: [
				contactOf({
					userProvidedName: 'John Doe',
					contact: { email: 'john@example.com', phone: { number: '9876543210', prefix: '91' } },
					tags: ['vip', 'vip', 'new'],
					attributes: [{ key: 'plan', value: 'pro' }],
				}),
				contactOf({ contact: { phone: { number: '5551234', prefix: '1' } } }),
			],
		});
		expect(reply.status).toBe(200);
		expect(reply.body).toEqual({
			success: true,
			message: 'User profiles imported successfully.',
			data: [],
			code: 200,
		});
		expect(s.state.contacts).toHaveLength(before + 2);
		const page1 = (await users(s)).body.data ?? [];
		const john = page1.find((c) => c.profile.userDetails.contact.phone.number === '9876543210');
		expect(john).toMatchObject({
			isImported: true,
			status: 'OPEN',
			isContact: true,
			profile: {
				userDetails: {
					userProvidedName: 'John Doe',
					contact: { email: 'john@example.com', phone: { number: '9876543210', prefix: '91' } },
					tags: ['vip', 'new'],
					attributes: [{ key: 'plan', value: 'pro' }],
				},
			},
		});
		expect(HEX24.test(john?._id ?? '')).toBe(true);
		// Imports are the newest contacts, so they open the listing.
		expect(page1.slice(0, 2).every((c) => c.isImported)).toBe(true);
		expect(newest(page1)).toBe(true);
	});

	it('updates an existing contact matched on prefix+number, even one stored with "+44"', async () => {
		const s = sim();
		const target = s.state.contacts.find((c) =>
			c.profile.userDetails.contact.phone.prefix.startsWith('+'),
		);
		if (!target) throw new Error('the seed data should hold a "+" prefix');
		const ud = target.profile.userDetails;
		ud.tags = ['vip'];
		ud.attributes = [
			{ key: 'plan', value: 'free' },
			{ key: 'source', value: 'website' },
		];
		const before = s.state.contacts.length;
		const reply = await call(s, 'POST', '/inbox/users/import', {
			body: [
				contactOf({
					userProvidedName: 'Renamed Person',
					contact: {
						email: 'renamed@example.com',
						phone: { number: ud.contact.phone.number, prefix: ud.contact.phone.prefix.slice(1) },
					},
					tags: ['vip', 'wholesale'],
					attributes: [
						{ key: 'plan', value: 'business' },
						{ key: 'city', value: 'Pune' },
					],
				}),
			],
		});
		expect(reply.status).toBe(200);
		expect(s.state.contacts).toHaveLength(before);
		expect(ud.userProvidedName).toBe('Renamed Person');
		expect(ud.contact.email).toBe('renamed@example.com');
		expect(ud.tags).toEqual(['vip', 'wholesale']);
		expect(ud.attributes).toEqual([
			{ key: 'plan', value: 'business' },
			{ key: 'source', value: 'website' },
			{ key: 'city', value: 'Pune' },
		]);
	});

	it('imports the same number twice in one call as one contact', async () => {
		const s = sim();
		const before = s.state.contacts.length;
		const phone = { number: '7000000001', prefix: '44' };
		await call(s, 'POST', '/inbox/users/import', {
			body: [
				contactOf({ contact: { phone }, tags: ['a'] }),
				contactOf({ contact: { phone }, tags: ['b'] }),
			],
		});
		expect(s.state.contacts).toHaveLength(before + 1);
		expect(s.state.contacts[0].profile.userDetails.tags).toEqual(['a', 'b']);
	});

	it('rejects the whole call when any element is invalid, naming each problem by index', async () => {
		const s = sim();
		const snapshot = JSON.stringify(s.state.contacts);
		const ok = contactOf({ contact: { phone: { number: '9000000001', prefix: '91' } } });
		const reply = await call(s, 'POST', '/inbox/users/import', {
			body: [
				ok,
				contactOf({ contact: { phone: { number: '9000000002', prefix: '+91' } } }),
				ok,
				contactOf({ contact: { phone: { number: '98-76', prefix: '91' } }, tags: 'vip' }),
				{ profile: {} },
				contactOf({ contact: { email: 'nope', phone: {} }, attributes: [{ key: 'plan' }] }),
			],
		});
		expect(reply.status).toBe(400);
		expect(reply.body).toEqual({
			success: false,
			message: 'Validation failed',
			data: [
				'[1] profile.userDetails.contact.phone.prefix must be digits only (no "+")',
				'[3] profile.userDetails.contact.phone.number must be digits only',
				'[3] profile.userDetails.tags must be an array of strings',
				'[4] profile.userDetails must be an object',
				'[5] profile.userDetails.contact.email must be a valid email address',
				'[5] profile.userDetails.contact.phone.number is required',
				'[5] profile.userDetails.contact.phone.prefix is required',
				'[5] profile.userDetails.attributes must be an array of { key, value } strings',
			],
			code: 400,
		});
		expect(JSON.stringify(s.state.contacts)).toBe(snapshot);
	});

	it('requires a non-empty JSON array', async () => {
		for (const body of [{ profile: {} }, []]) {
			const reply = await call(sim(), 'POST', '/inbox/users/import', { body });
			expect(reply.status).toBe(400);
			expect(reply.body.data).toEqual(['body must be a non-empty JSON array of contacts']);
		}
	});
});

describe('PUT /inbox/users/status-update', () => {
	const sim = useSimulator();

	it('sets the status of the given contacts; DELETED removes them from the listing', async () => {
		const s = sim();
		const [a, b] = [s.state.contacts[2], s.state.contacts[30]];
		const reply = await call(s, 'PUT', '/inbox/users/status-update', {
			body: { ids: [a._id, b._id, OTHER_ID], status: 'DELETED' },
		});
		expect(reply.status).toBe(200);
		expect(reply.body).toEqual({ success: true, message: '', code: 200 });
		expect([a.status, b.status]).toEqual(['DELETED', 'DELETED']);
		const remaining = ids(await allUsers(s));
		expect(remaining).toHaveLength(45 - 2);
		expect(remaining).not.toContain(a._id);
		expect(remaining).not.toContain(b._id);
	});

	it('sets other statuses too, and a deleted phone number can be imported again as a new contact', async () => {
		const s = sim();
		const c = s.state.contacts[1];
		await call(s, 'PUT', '/inbox/users/status-update', {
			body: { ids: [c._id], status: 'CLOSED' },
		});
		expect(c.status).toBe('CLOSED');
		await call(s, 'PUT', '/inbox/users/status-update', {
			body: { ids: [c._id], status: 'DELETED' },
		});
		const { phone } = c.profile.userDetails.contact;
		await call(s, 'POST', '/inbox/users/import', {
			body: [
				{
					profile: {
						userDetails: {
							contact: { phone: { number: phone.number, prefix: phone.prefix.replace('+', '') } },
						},
					},
				},
			],
		});
		expect(s.state.contacts).toHaveLength(46);
		expect(s.state.contacts[0]._id).not.toBe(c._id);
	});

	it('refuses subscriberIds, empty or malformed ids and a missing status', async () => {
		const s = sim();
		const id = s.state.contacts[0]._id;
		const cases: [unknown, string, string[] | undefined][] = [
			[
				{ ids: [id], status: 'DELETED', subscriberIds: [id] },
				'subscriberIds is not supported by this endpoint. Pass User IDs only in the ids field.',
				undefined,
			],
			[
				{ ids: [], status: 'DELETED' },
				'Validation failed',
				['ids must be a non-empty array of user ids'],
			],
			[{ ids: [id] }, 'Validation failed', ['status must be a non-empty string']],
			[{ ids: [id, 'abc'], status: 'DELETED' }, OBJECT_ID_MESSAGE, undefined],
		];
		for (const [body, message, data] of cases) {
			const reply = await call(s, 'PUT', '/inbox/users/status-update', { body });
			expect(reply.status).toBe(400);
			expect(reply.body).toEqual({ success: false, message, data, code: 400 });
		}
		expect(s.state.contacts[0].status).not.toBe('DELETED');
	});
});

describe('PUT /inbox/direct/lead', () => {
	const sim = useSimulator();
	const leadBody = (s: Simulator, extra: Record<string, unknown>) => ({
		uuid: s.state.chats.find((c) => c.isLead)?.uuid,
		botId: s.botId,
		customerId: s.customerId,
		...extra,
	});

	it('updates a lead: fields replaced, tags merged, attributes upserted, notes appended', async () => {
		const s = sim();
		const lead = s.state.chats.find((c) => c.isLead);
		if (!lead) throw new Error('no lead');
		lead.profile.userDetails.tags = ['vip'];
		lead.profile.userDetails.attributes = [{ key: 'ID', value: 'BP001' }];
		const notesBefore = lead.profile.notes.length;
		const agent = 'bbbbbbbbbbbbbbbbbbbbbbbb';
		const reply = await call(s, 'PUT', '/inbox/direct/lead', {
			body: leadBody(s, {
				name: 'Jane Roe',
				email: 'jane@example.com',
				phone: '9876543210',
				dialCode: '+971',
				status: 'DEPENDANCY',
				agentId: agent,
				picture: 'https://example.com/jane.png',
				tags: ['vip', 'hot'],
				attributes: [
					{ key: 'ID', value: 'BP002' },
					{ key: 'plan', value: 'pro' },
				],
				notes: [{ title: 'Call', description: 'Tomorrow 10am' }],
			}),
		});
		expect(reply.status).toBe(200);
		expect(reply.body).toEqual({ success: true, message: 'ok', code: 200 });

		const listedLead = (await allPages((page) => chats(s, 'lead', page))).find(
			(c) => c.uuid === lead.uuid,
		);
		expect(listedLead).toMatchObject({
			status: 'DEPENDANCY',
			_agentAssigned: agent,
			profile: {
				userDetails: {
					name: 'Jane Roe',
					picture: 'https://example.com/jane.png',
					contact: { email: 'jane@example.com', phone: { number: '9876543210', prefix: '971' } },
					tags: ['vip', 'hot'],
					attributes: [
						{ key: 'ID', value: 'BP002' },
						{ key: 'plan', value: 'pro' },
					],
				},
			},
		});
		const notes = listedLead?.profile.notes ?? [];
		expect(notes).toHaveLength(notesBefore + 1);
		expect(notes[notes.length - 1]).toEqual({
			title: 'Call',
			description: 'Tomorrow 10am',
			_id: expect.stringMatching(HEX24),
		});
	});

	it('creates a new lead for an unknown uuid, listed first', async () => {
		const s = sim();
		const uuid = '7e88d192-9b20-4035-9b68-d4ac3d58a34f';
		const before = s.state.chats.length;
		const reply = await call(s, 'PUT', '/inbox/direct/lead', {
			body: leadBody(s, { uuid, name: 'New Visitor' }),
		});
		expect(reply.status).toBe(200);
		expect(s.state.chats).toHaveLength(before + 1);
		const first = (await chats(s, 'lead', 1)).body.data?.[0];
		expect(first).toMatchObject({
			uuid,
			status: 'OPEN',
			profile: { userDetails: { name: 'New Visitor' } },
		});
	});

	it('rejects unknown keys, missing required fields and invalid values without changing anything', async () => {
		const s = sim();
		const snapshot = JSON.stringify(s.state.chats);
		const cases: [Record<string, unknown>, string, string[] | undefined][] = [
			[
				leadBody(s, { firstName: 'x', tags: 'vip' }),
				'Validation failed',
				['"firstName" is not allowed', 'tags must be an array of strings'],
			],
			[{ botId: s.botId, customerId: s.customerId }, 'Validation failed', ['uuid is required']],
			[
				leadBody(s, { status: 'DONE' }),
				'Validation failed',
				['status must be one of [OPEN, INPROGRESS, REVIEW, ONHOLD, DEPENDANCY, CLOSED]'],
			],
			[
				leadBody(s, { dialCode: '91' }),
				'Validation failed',
				['dialCode must be a dial code like "+91"'],
			],
			[
				leadBody(s, { picture: 'ftp://example.com/a.png' }),
				'Validation failed',
				['picture must be an http(s) URL'],
			],
			[leadBody(s, { phone: '+91 98765' }), 'Validation failed', ['phone must be digits only']],
			[
				leadBody(s, { email: 'jane' }),
				'Validation failed',
				['email must be a valid email address'],
			],
			[
				leadBody(s, { notes: [{ title: 'no description' }] }),
				'Validation failed',
				['notes must be an array of { title, description } strings'],
			],
			[leadBody(s, { agentId: 'agent-7' }), OBJECT_ID_MESSAGE, undefined],
			[leadBody(s, { botId: 'my-bot' }), OBJECT_ID_MESSAGE, undefined],
			[leadBody(s, { botId: OTHER_ID }), 'No bot found for this botId and customerId', undefined],
		];
		for (const [body, message, data] of cases) {
			const reply = await call(s, 'PUT', '/inbox/direct/lead', { body });
			expect([body, reply.status]).toEqual([body, 400]);
			expect(reply.body).toEqual({ success: false, message, data, code: 400 });
		}
		expect(JSON.stringify(s.state.chats)).toBe(snapshot);
	});
});

describe('request recording and reset', () => {
	const sim = useSimulator();

	it('records method, path, query, lower-cased headers, parsed body and status', async () => {
		const s = sim();
		await call(s, 'GET', `${chatsPath(s, { type: 'lead', page: '2' })}&tag=a&tag=b`);
		await users(s, { page: 3 });
		await call(s, 'POST', '/inbox/users', { rawBody: 'not json' });
		await call(s, 'GET', '/inbox/segments', { headers: { AuthType: 'Key', authtype: undefined } });
		expect(s.requestCount).toBe(4);
		const [list, search, garbage, segments] = s.requests;
		expect(list).toEqual<RecordedRequest>({
			method: 'GET',
			path: '/inbox/direct/chats',
			query: { botId: s.botId, customerId: s.customerId, type: 'lead', page: '2', tag: ['a', 'b'] },
			headers: expect.objectContaining({
				authorization: `Bearer ${s.token}`,
				'x-bot-token': s.token,
			}) as Record<string, string>,
			body: undefined,
			status: 200,
		});
		expect(search).toMatchObject({
			method: 'POST',
			path: '/inbox/users',
			body: inboxBody({ page: 3 }),
			status: 200,
		});
		expect(garbage).toMatchObject({ body: 'not json', status: 400 });
		expect(segments.headers.authtype).toBe('Key');
		expect(segments.status).toBe(200);
	});

	it('clearRequests empties the log and the counter', async () => {
		const s = sim();
		await call(s, 'GET', '/inbox/segments');
		s.clearRequests();
		expect([s.requests, s.requestCount]).toEqual([[], 0]);
	});

	it('reset() restores the seed data and disarms faults', async () => {
		const s = sim();
		const pristine = JSON.stringify(s.state);
		await call(s, 'PUT', '/inbox/users/status-update', {
			body: { ids: [s.state.contacts[0]._id], status: 'DELETED' },
		});
		s.addFault({ kind: 'status', status: 500, times: Infinity });
		expect(JSON.stringify(s.state)).not.toBe(pristine);
		s.reset();
		expect(JSON.stringify(s.state)).toBe(pristine);
		expect([s.requests, s.requestCount]).toEqual([[], 0]);
		expect((await call(s, 'GET', '/inbox/segments')).status).toBe(200);
	});
});

describe('recording switched off, with an onRequest hook', () => {
	const seen: RecordedRequest[] = [];
	const sim = useSimulator({ record: false, onRequest: (r) => seen.push(r) });

	it('only counts requests, and still reports each answered one to onRequest', async () => {
		const s = sim();
		await call(s, 'GET', '/inbox/segments');
		await call(s, 'GET', '/inbox/segments', { headers: { authtype: undefined } });
		expect(s.requests).toEqual([]);
		expect(s.requestCount).toBe(2);
		expect(seen.map((r) => [r.path, r.status])).toEqual([
			['/inbox/segments', 200],
			['/inbox/segments', 401],
		]);
	});
});

describe('options', () => {
	const sim = useSimulator({
		token: 'custom-token',
		contacts: 12,
		chats: 3,
		leads: 4,
		pageSize: 5,
		badTokenStatus: 400,
	});

	it('uses the configured token, sizes, page size and bad-token status', async () => {
		const s = sim();
		expect(s.token).toBe('custom-token');
		expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect([s.state.contacts.length, s.state.chats.filter((c) => c.isLead).length]).toEqual([
			12, 4,
		]);
		expect((await users(s)).body.data).toHaveLength(5);
		const bad = await call(s, 'GET', '/inbox/segments', {
			headers: { authorization: 'Bearer bp-test-token-5f2c9a7e41d0b3c8' },
		});
		expect(bad.status).toBe(400);
	});

	it('setOptions changes the page size and latency at run time, and validates them', async () => {
		const s = sim();
		s.setOptions({ pageSize: 7, latencyMs: 150 });
		try {
			const t0 = Date.now();
			const reply = await users(s);
			expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
			expect(reply.body.data).toHaveLength(7);
		} finally {
			s.setOptions({ pageSize: 5, latencyMs: 0 });
		}
		expect(() => s.setOptions({ pageSize: 0 })).toThrow(RangeError);
		expect(() => s.setOptions({ latencyMs: -1 })).toThrow(RangeError);
		await expect(startSimulator({ contacts: -1 })).rejects.toThrow(RangeError);
	});

	it('order oldestFirst lists the same contacts and leads reversed, page by page', async () => {
		const s = sim();
		const ids = async () => ({
			contacts: (await allPages((n) => users(s, { page: n }))).map((c) => c._id),
			leads: (await allPages((n) => chats(s, 'lead', n))).map((c) => c.uuid),
		});
		const newestFirst = await ids();
		s.setOptions({ order: 'oldestFirst' });
		try {
			const oldestFirst = await ids();
			expect(newestFirst.contacts.length).toBeGreaterThan(1);
			expect(oldestFirst.contacts).toEqual([...newestFirst.contacts].reverse());
			expect(oldestFirst.leads).toEqual([...newestFirst.leads].reverse());
		} finally {
			s.setOptions({ order: 'newestFirst' });
		}
		expect(() => s.setOptions({ order: 'random' as 'newestFirst' })).toThrow(RangeError);
	});
});

describe('faults', () => {
	const sim = useSimulator({ pageSize: 10 });
	const segments = (s: Simulator) => fetch(`${s.url}/inbox/segments`, { headers: authHeaders(s) });

	it('status: answers the given status with an error envelope and Retry-After, once by default', async () => {
		const s = sim();
		s.addFault({ kind: 'status', status: 503, retryAfter: '7' });
		s.addFault({
			kind: 'status',
			status: 429,
			retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT',
			message: 'Slow down',
		});
		const first = await call(s, 'GET', '/inbox/segments');
		expect([first.status, first.headers.get('retry-after')]).toEqual([503, '7']);
		expect(first.body).toEqual({ success: false, message: 'Service Unavailable', code: 503 });
		const second = await call(s, 'GET', '/inbox/segments');
		expect([second.status, second.headers.get('retry-after')]).toEqual([
			429,
			'Wed, 21 Oct 2026 07:28:00 GMT',
		]);
		expect(second.body.message).toBe('Slow down');
		expect((await call(s, 'GET', '/inbox/segments')).status).toBe(200);
		expect(s.requests.map((r) => r.status)).toEqual([503, 429, 200]);
	});

	it('html: answers 502 with an HTML page', async () => {
		const s = sim();
		s.addFault({ kind: 'html' });
		const res = await segments(s);
		expect(res.status).toBe(502);
		expect(res.headers.get('content-type')).toMatch(/^text\/html/);
		const text = await res.text();
		expect(text).toContain('<h1>502 Bad Gateway</h1>');
		expect(() => JSON.parse(text) as unknown).toThrow();
	});

	it('invalidJson: answers 200 with a JSON content type and a truncated body', async () => {
		const s = sim();
		s.addFault({ kind: 'invalidJson', path: '/inbox/users' });
		const res = await fetch(`${s.url}/inbox/users`, {
			method: 'POST',
			headers: authHeaders(s),
			body: JSON.stringify(inboxBody()),
		});
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		// Matched by name: the body parser's SyntaxError comes from another realm than Jest's.
		await expect(res.json()).rejects.toMatchObject({ name: 'SyntaxError' });
	});

	it('missingData: drops the data key on list endpoints only', async () => {
		const s = sim();
		s.addFault({ kind: 'missingData', times: 2 });
		// The import is not a list endpoint: it neither triggers nor uses up the fault.
		const imported = await call(s, 'POST', '/inbox/users/import', {
			body: [{ profile: { userDetails: { contact: { phone: { number: '123', prefix: '1' } } } } }],
		});
		expect(imported.body).toHaveProperty('data', []);
		const list = await users(s);
		expect(list.status).toBe(200);
		expect(list.body).toEqual({ success: true, message: '', code: 200 });
		expect(list.text).not.toContain('"data"');
		expect((await chats(s, 'lead', 1)).body).toEqual({ success: true, message: '', code: 200 });
		expect((await chats(s, 'lead', 1)).body.data).toHaveLength(10);
	});

	it('successFalse: answers 200 with success false, default or given message', async () => {
		const s = sim();
		s.addFault({ kind: 'successFalse' });
		s.addFault({ kind: 'successFalse', message: 'Bot is paused' });
		expect((await call(s, 'GET', '/inbox/segments')).body).toEqual({
			success: false,
			message: 'Something went wrong on BotPenguin',
			data: ['detail one'],
			code: 200,
		});
		const custom = await call(s, 'GET', '/inbox/segments');
		expect([custom.status, custom.body.message]).toEqual([200, 'Bot is paused']);
	});

	it('slow: waits delayMs, then answers normally', async () => {
		const s = sim();
		s.addFault({ kind: 'slow', delayMs: 300 });
		const t0 = Date.now();
		const reply = await call(s, 'GET', '/inbox/segments');
		expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
		expect(reply.body.data).toEqual(s.state.segments);
	});

	it('reset: drops the connection without an answer, recorded with status 0', async () => {
		const s = sim();
		s.addFault({ kind: 'reset', method: 'get' });
		await expect(segments(s)).rejects.toThrow();
		expect((await segments(s)).status).toBe(200);
		expect(s.requests.map((r) => r.status)).toEqual([0, 200]);
	});

	it('ignorePage: every page answers page 1', async () => {
		const s = sim();
		const page1 = ids((await users(s)).body.data ?? []);
		s.addFault({ kind: 'ignorePage', times: Infinity });
		expect(ids((await users(s, { page: 3 })).body.data ?? [])).toEqual(page1);
		expect(ids((await users(s, { page: 400 })).body.data ?? [])).toEqual(page1);
		const leads1 = ids(s.state.chats.filter((c) => c.isLead).slice(0, 10));
		expect(ids((await chats(s, 'lead', 2)).body.data ?? [])).toEqual(leads1);
	});

	it('repeatPage: page N answers page N-1', async () => {
		const s = sim();
		const [p1, p2] = [
			ids((await users(s, { page: 1 })).body.data ?? []),
			ids((await users(s, { page: 2 })).body.data ?? []),
		];
		expect(p1).not.toEqual(p2);
		s.addFault({ kind: 'repeatPage', path: '/inbox/users', times: Infinity });
		expect(ids((await users(s, { page: 1 })).body.data ?? [])).toEqual(p1);
		expect(ids((await users(s, { page: 2 })).body.data ?? [])).toEqual(p1);
		expect(ids((await users(s, { page: 3 })).body.data ?? [])).toEqual(p2);
	});

	it('endless: every page is full of new records with unique ids, and state is untouched', async () => {
		const s = sim();
		const known = new Set([...s.state.contacts, ...s.state.chats].map((r) => r._id));
		const counts = [s.state.contacts.length, s.state.chats.length];
		s.addFault({ kind: 'endless', times: Infinity });
		const pages: Contact[][] = [];
		for (const page of [1, 2, 3, 999]) pages.push((await users(s, { page })).body.data ?? []);
		const leadPages = [
			(await chats(s, 'lead', 1)).body.data ?? [],
			(await chats(s, 'lead', 50)).body.data ?? [],
		];
		expect([...pages, ...leadPages].map((p) => p.length)).toEqual([10, 10, 10, 10, 10, 10]);
		const seen = [...pages.flat(), ...leadPages.flat()].map((r) => r._id);
		expect(new Set(seen).size).toBe(seen.length);
		expect(seen.some((id) => known.has(id))).toBe(false);
		expect(leadPages.flat().every((c) => UUID_V4.test(c.uuid) && !('isLead' in c))).toBe(true);
		expect([s.state.contacts.length, s.state.chats.length]).toEqual(counts);
	});

	it('paging faults do not match (or get used up by) endpoints without pages', async () => {
		const s = sim();
		s.addFault({ kind: 'endless' });
		expect((await call(s, 'GET', '/inbox/segments')).body.data).toEqual(s.state.segments);
		expect((await users(s, { page: 99 })).body.data).toHaveLength(10);
		expect((await users(s, { page: 99 })).body.data).toHaveLength(0);
	});

	it('matches on path and method, and skips afterRequests matching requests first', async () => {
		const s = sim();
		s.addFault({
			kind: 'status',
			status: 500,
			path: '/inbox/users',
			method: 'POST',
			afterRequests: 2,
		});
		const statuses: number[] = [];
		statuses.push((await call(s, 'GET', '/inbox/segments')).status);
		for (let i = 0; i < 4; i++) statuses.push((await users(s)).status);
		expect(statuses).toEqual([200, 200, 200, 500, 200]);
	});

	it('applies times faults in order: first added first, Infinity until cleared', async () => {
		const s = sim();
		s.addFault({ kind: 'status', status: 502, times: 2 });
		s.addFault({ kind: 'status', status: 504, times: Infinity });
		const statuses: number[] = [];
		for (let i = 0; i < 5; i++) statuses.push((await call(s, 'GET', '/inbox/segments')).status);
		expect(statuses).toEqual([502, 502, 504, 504, 504]);
		s.clearFaults();
		expect((await call(s, 'GET', '/inbox/segments')).status).toBe(200);
	});

	it('answers faults before authentication, like a gateway in front of the API', async () => {
		const s = sim();
		s.addFault({ kind: 'status', status: 503 });
		expect(
			(await call(s, 'GET', '/inbox/segments', { headers: { authorization: undefined } })).status,
		).toBe(503);
	});

	it('rejects malformed faults', () => {
		const s = sim();
		const bad: Fault[] = [
			{ kind: 'nope' as Fault['kind'] },
			{ kind: 'status', times: 0 },
			{ kind: 'status', afterRequests: -1 },
			{ kind: 'status', status: 1000 },
			{ kind: 'slow', delayMs: Number.NaN },
		];
		for (const f of bad) expect(() => s.addFault(f)).toThrow(TypeError);
	});
});

describe('closing', () => {
	it('close() ends pending slow answers at once and stops listening', async () => {
		const s = await startSimulator();
		s.addFault({ kind: 'slow', delayMs: 10_000 });
		const pending = fetch(`${s.url}/inbox/segments`, { headers: authHeaders(s) });
		await new Promise((resolve) => setTimeout(resolve, 100));
		// close() must not wait for the 10 s answer: the pending request is cut off (Jest's timeout bounds it).
		await s.close();
		await expect(pending).rejects.toThrow();
		await expect(fetch(`${s.url}/inbox/segments`)).rejects.toThrow();
		await expect(s.close()).resolves.toBeUndefined();
	});
});

describe('command-line runner', () => {
	const root = path.resolve(__dirname, '..', '..');
	const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
	const children: ChildProcess[] = [];

	function run(args: string[], env: Record<string, string> = {}) {
		const child = spawn(tsx, [path.join(__dirname, 'cli.ts'), ...args], {
			cwd: root,
			env: { ...process.env, ...env },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		children.push(child);
		let stdout = '';
		child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		const firstLine = new Promise<string>((resolve, reject) => {
			child.stdout?.on('data', () => {
				if (stdout.includes('\n')) resolve(stdout.split('\n')[0]);
			});
			child.once('exit', () => reject(new Error(`exited before printing: ${stdout}`)));
		});
		// Awaiting firstLine still rejects; this only keeps an unawaited rejection from being "unhandled".
		firstLine.catch(() => undefined);
		const exited = new Promise<number | null>((resolve) =>
			child.once('exit', (code) => resolve(code)),
		);
		return { child, firstLine, exited, stdout: () => stdout };
	}

	afterAll(() => {
		for (const child of children)
			if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
	});

	it('prints one JSON line, logs redacted requests to SIM_LOG and exits on SIGTERM', async () => {
		const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bp-sim-')), 'requests.jsonl');
		const cli = run(['--contacts', '7', '--page-size', '3', '--latency', '5'], { SIM_LOG: log });
		const info = JSON.parse(await cli.firstLine) as {
			url: string;
			token: string;
			botId: string;
			customerId: string;
		};
		expect(info).toEqual({
			url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
			token: 'bp-test-token-5f2c9a7e41d0b3c8',
			botId: expect.stringMatching(HEX24),
			customerId: expect.stringMatching(HEX24),
		});
		const headers = {
			authorization: `Bearer ${info.token}`,
			authtype: 'Key',
			'x-bot-token': info.token,
		};
		const page = await fetch(`${info.url}/inbox/users`, {
			method: 'POST',
			headers,
			body: JSON.stringify(inboxBody()),
		});
		expect(((await page.json()) as Envelope<unknown[]>).data).toHaveLength(3);
		const chatsUrl = `${info.url}/inbox/direct/chats?botId=${info.botId}&customerId=${info.customerId}&page=1&type=lead`;
		expect((await fetch(chatsUrl, { headers })).status).toBe(200);

		cli.child.kill('SIGTERM');
		expect(await cli.exited).toBe(0);
		const lines = fs
			.readFileSync(log, 'utf8')
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l) as RecordedRequest);
		expect(lines.map((l) => [l.method, l.path, l.status])).toEqual([
			['POST', '/inbox/users', 200],
			['GET', '/inbox/direct/chats', 200],
		]);
		expect(lines[1].headers).toMatchObject({
			authorization: '<redacted>',
			'x-bot-token': '<redacted>',
			authtype: 'Key',
		});
		expect(lines[0].body).toEqual(inboxBody());
		expect(fs.readFileSync(log, 'utf8')).not.toContain(info.token);
		expect(cli.stdout().trim().split('\n')).toHaveLength(1);
	}, 30_000);

	it('exits by itself after --max-seconds', async () => {
		const cli = run(['--max-seconds', '1']);
		await cli.firstLine;
		expect(await cli.exited).toBe(0);
	}, 30_000);

	it('rejects unknown or malformed arguments with exit code 2', async () => {
		expect(await run(['--contacts', 'many']).exited).toBe(2);
		expect(await run(['--verbose']).exited).toBe(2);
	}, 30_000);
});
