/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test infrastructure: these rules guard code that runs inside n8n, not tests */
/**
 * BotPenguin Inbox Trigger, one scenario per behaviour of issue #10. Every poll runs through n8n-core's
 * own PollTriggerExecutor and PollContext (test/helpers/poller.ts), the static data carried from poll
 * to poll as an n8n main process carries it, and the simulator's records and clock under the test's
 * control.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { IDataObject, INode } from 'n8n-workflow';

import {
	MAX_PAGES_PER_POLL,
	MAX_RECENT_IDS,
	OVERLAP_MS,
} from '../../nodes/BotPenguinInboxTrigger/poll';
import type { TriggerState } from '../../nodes/BotPenguinInboxTrigger/poll';
import { logs } from '../helpers/engine';
import { Poller, triggerType } from '../helpers/poller';
import type { PollOutcome, PollerOptions } from '../helpers/poller';
import { requestsTo, useSimulator, wrongCredentials } from '../helpers/scenario';

const scenario = useSimulator({ contacts: 45, leads: 25, chats: 30 });

/** A fixed moment for the simulator's clock, after all seed data. */
const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);
const MINUTE = 60_000;
/** Scenarios with hundreds of pages: a few seconds on an idle machine, far more on a busy one. */
const HEAVY = 120_000;

function poller(parameters: IDataObject, extra: Partial<PollerOptions> = {}) {
	return new Poller({
		parameters: parameters as PollerOptions['parameters'],
		credentials: scenario.credentials,
		...extra,
	});
}

const contactIds = (outcome: PollOutcome) => outcome.items.map((item) => item.id);
const uuids = (outcome: PollOutcome) => outcome.items.map((item) => item.uuid);
const stateOf = (data: IDataObject) => data.state as unknown as TriggerState;

/** Polls until a poll emits nothing (at most `max` polls); every id emitted, in order. */
async function drain(trigger: Poller, max: number): Promise<string[]> {
	const emitted: string[] = [];
	for (let i = 0; i < max; i++) {
		const outcome = await trigger.poll();
		if (outcome.error) throw outcome.error;
		if (outcome.items.length === 0 && !stateOf(trigger.memory).drain) return emitted;
		emitted.push(...outcome.items.map((item) => String(item.uuid ?? item.id)));
	}
	throw new Error(`Still emitting after ${max} polls`);
}

/**
 * Polls until a poll emits nothing after `between` has nothing more to add (at most `max` polls);
 * `between(i)` runs before poll i (0-based). Every id emitted, in order.
 */
async function drainWith(
	trigger: Poller,
	max: number,
	between: (poll: number) => void,
): Promise<string[]> {
	const emitted: string[] = [];
	for (let i = 0; i < max; i++) {
		between(i);
		const outcome = await trigger.poll();
		if (outcome.error) throw outcome.error;
		emitted.push(...outcome.items.map((item) => String(item.uuid ?? item.id)));
		// A drain poll may emit nothing (it re-read what it had emitted): done only once it ended.
		if (outcome.items.length === 0 && i > 0 && !stateOf(trigger.memory).drain) return emitted;
	}
	throw new Error(`Still emitting after ${max} polls`);
}

/** Each id once, and exactly the expected ones. */
function expectExactlyOnce(emittedIds: unknown[], expected: Iterable<string>) {
	const emitted = emittedIds.map(String);
	const duplicates = emitted.filter((id, i) => emitted.indexOf(id) !== i);
	expect(duplicates).toEqual([]);
	expect(new Set(emitted)).toEqual(new Set(expected));
}

beforeEach(() => scenario.sim.setClock(T0));

describe('first poll after activation', () => {
	test('records where the inbox stands and emits nothing, then emits only what came after', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact' });
		const activation = await trigger.activate();
		expect(activation.items).toEqual([]);
		expect(trigger.executions).toEqual([]);

		const added = sim.addContact();
		expect(contactIds(await trigger.poll())).toEqual([added._id]);
		expect(contactIds(await trigger.poll())).toEqual([]);
	});

	test('a contact created just before activation (inside the look-back) is never emitted later', async () => {
		const { sim } = scenario;
		sim.addContact({ createdAt: T0 - 3 * MINUTE });
		const justBefore = sim.addContact({ createdAt: T0 - MINUTE });
		const trigger = poller({ event: 'newContact' });
		await trigger.activate();

		sim.setClock(T0 + MINUTE);
		const after = sim.addContact();
		const next = await trigger.poll();
		expect(contactIds(next)).toEqual([after._id]);
		expect(contactIds(next)).not.toContain(justBefore._id);
		// The later poll's window did reach back over the contact made before activation.
		const body = requestsTo(sim, 'POST', '/inbox/users').at(-1)?.body as IDataObject;
		expect(Date.parse((body.createdAt as IDataObject).startAt as string)).toBeLessThanOrEqual(
			Date.parse(justBefore.createdAt),
		);
	});
});

describe('exactly once', () => {
	test('contacts sharing one createdAt, to the millisecond, across two polls', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact' });
		await trigger.activate();

		const at = T0 + 30_000;
		const first = [sim.addContact({ createdAt: at }), sim.addContact({ createdAt: at })];
		const one = await trigger.poll();
		const second = [sim.addContact({ createdAt: at }), sim.addContact({ createdAt: at })];
		const two = await trigger.poll();
		const three = await trigger.poll();

		expect(contactIds(one).sort()).toEqual(first.map((c) => c._id).sort());
		expect(contactIds(two).sort()).toEqual(second.map((c) => c._id).sort());
		expect(three.items).toEqual([]);
	});

	test('more contacts between two polls than fit on one page: all of them, oldest first, once', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact' });
		await trigger.activate();
		const added = Array.from({ length: 65 }, (_, i) =>
			sim.addContact({ createdAt: T0 + i * 1000 }),
		);

		const outcome = await trigger.poll();
		expect(contactIds(outcome)).toEqual(added.map((c) => c._id));
		// 65 records, page size 20: pages 1–4 and no more.
		expect(
			requestsTo(sim, 'POST', '/inbox/users')
				.slice(-4)
				.map((r) => (r.body as IDataObject).page),
		).toEqual([1, 2, 3, 4]);
		expect((await trigger.poll()).items).toEqual([]);
	});

	test('a contact BotPenguin lists 2 minutes after its createdAt is emitted once, when it appears', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact' });
		await trigger.activate();

		const late = sim.addContact({ createdAt: T0 + 10_000, visibleAt: T0 + 10_000 + 2 * MINUTE });
		sim.setClock(T0 + MINUTE);
		const onTime = sim.addContact({ createdAt: T0 + 50_000 });
		expect(contactIds(await trigger.poll())).toEqual([onTime._id]);
		// The watermark is now past the late contact's createdAt.
		expect(stateOf(trigger.memory).watermark).toBe(Date.parse(onTime.createdAt));

		sim.setClock(T0 + 10_000 + 2 * MINUTE);
		expect(contactIds(await trigger.poll())).toEqual([late._id]);
		sim.setClock(T0 + 5 * MINUTE);
		expect(contactIds(await trigger.poll())).toEqual([]);
	});
});

describe('the watermark comes from the data', () => {
	test.each([
		['3 hours fast', 3 * 3_600_000],
		['3 hours slow', -3 * 3_600_000],
	])('a local clock %s loses and repeats nothing', async (_label, skew) => {
		const { sim } = scenario;
		const realNow = Date.now.bind(Date);
		const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + skew);
		try {
			const trigger = poller({ event: 'newContact' });
			await trigger.activate();
			const a = sim.addContact({ createdAt: T0 + 1000 });
			expect(contactIds(await trigger.poll())).toEqual([a._id]);
			const b = sim.addContact({ createdAt: T0 + 2000 });
			const c = sim.addContact({ createdAt: T0 + 2000 });
			expect(contactIds(await trigger.poll()).sort()).toEqual([b._id, c._id].sort());
			expect((await trigger.poll()).items).toEqual([]);
			expect(stateOf(trigger.memory).watermark).toBe(T0 + 2000);
		} finally {
			clock.mockRestore();
		}
	});
});

describe('a failed poll loses nothing', () => {
	test('page 2 fails: n8n records the error, the state does not move, the next poll emits everything', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact' });
		await trigger.activate();
		const added = Array.from({ length: 30 }, (_, i) =>
			sim.addContact({ createdAt: T0 + i * 1000 }),
		);
		const before = JSON.stringify(trigger.memory);

		sim.addFault({ kind: 'status', status: 400, path: '/inbox/users', afterRequests: 1 });
		const failed = await trigger.poll();
		expect(failed.error?.message).toMatch(/HTTP 400/);
		expect(trigger.errors).toHaveLength(1);
		expect(trigger.executions).toEqual([]);
		expect(JSON.stringify(trigger.memory)).toBe(before);

		expect(contactIds(await trigger.poll())).toEqual(added.map((c) => c._id));
	});

	test('a 503 is retried within the poll, as for Get Many', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact' });
		await trigger.activate();
		const added = sim.addContact();
		sim.addFault({ kind: 'status', status: 503, path: '/inbox/users', retryAfter: '0' });
		const outcome = await trigger.poll();
		expect(outcome.error).toBeUndefined();
		expect(contactIds(outcome)).toEqual([added._id]);
	});

	test('an error in the activation poll fails the activation', async () => {
		const { sim } = scenario;
		const trigger = new Poller({
			parameters: { event: 'newContact' },
			credentials: wrongCredentials(sim),
		});
		await expect(trigger.activate()).rejects.toThrow(/rejected the API token/);
	});
});

describe('leads and chats', () => {
	test('new leads only (not chats), reading pages until one holds only older leads', async () => {
		const { sim } = scenario;
		sim.setOptions({ pageSize: 10 });
		const trigger = poller({ event: 'newLead', botId: sim.botId, customerId: sim.customerId });
		await trigger.activate();
		sim.clearRequests();

		const leads = [
			sim.addChat(true, { createdAt: T0 + 1000 }),
			sim.addChat(true, { createdAt: T0 + 2000 }),
		];
		sim.addChat(false, { createdAt: T0 + 1500 });
		const outcome = await trigger.poll();
		expect(uuids(outcome)).toEqual(leads.map((l) => l.uuid));
		expect(outcome.items.every((item) => typeof item.uuid === 'string')).toBe(true);
		// 27 leads at 10 a page: page 1 holds the new ones and older ones, page 2 only older ones.
		const pages = requestsTo(sim, 'GET', '/inbox/direct/chats').map((r) => r.query.page);
		expect(pages).toEqual(['1', '2']);
		expect(
			requestsTo(sim, 'GET', '/inbox/direct/chats').every((r) => r.query.type === 'lead'),
		).toBe(true);
		expect((await trigger.poll()).items).toEqual([]);
	});

	test('new chats are the non-lead conversations of the bot', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newChat', botId: sim.botId, customerId: sim.customerId });
		await trigger.activate();
		sim.addChat(true, { createdAt: T0 + 1000 });
		const chat = sim.addChat(false, { createdAt: T0 + 2000 });
		expect(uuids(await trigger.poll())).toEqual([chat.uuid]);
	});

	test('a bot with no leads at activation: every later lead is new', async () => {
		const { sim } = scenario;
		sim.state.chats.splice(0, sim.state.chats.length);
		const trigger = poller({ event: 'newLead', botId: sim.botId, customerId: sim.customerId });
		await trigger.activate();
		const lead = sim.addChat(true);
		expect(uuids(await trigger.poll())).toEqual([lead.uuid]);
	});

	test('a wrong Bot ID is refused before any request', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newLead', botId: 'not-an-id', customerId: sim.customerId });
		await expect(trigger.activate()).rejects.toThrow(/Bot ID/);
		expect(sim.requests).toEqual([]);
	});
});

describe('changing the event, the bot or the filters starts afresh', () => {
	test('new filters: no flood of contacts that match them, then new matching contacts only', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact', filters: { tags: 'vip' } });
		await trigger.activate();
		const tagged = (at: number) => {
			const contact = sim.addContact({ createdAt: at });
			contact.profile.userDetails.tags = ['vip', 'newsletter'];
			return contact;
		};
		const vip = tagged(T0 + 1000);
		expect(contactIds(await trigger.poll())).toEqual([vip._id]);

		// Contacts tagged "newsletter" since activation exist, but the new filter starts afresh.
		const beforeChange = tagged(T0 + 2000);
		const outcome = await trigger.update({ event: 'newContact', filters: { tags: 'newsletter' } });
		expect(outcome.items).toEqual([]);
		expect(contactIds(await trigger.poll())).not.toContain(beforeChange._id);
		const afterChange = tagged(T0 + 3000);
		expect(contactIds(await trigger.poll())).toEqual([afterChange._id]);
	});

	test('from contacts to leads: no flood of existing leads, no contact watermark', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact' });
		await trigger.activate();
		sim.addContact();
		await trigger.poll();

		const outcome = await trigger.update({
			event: 'newLead',
			botId: sim.botId,
			customerId: sim.customerId,
		});
		expect(outcome.items).toEqual([]);
		const lead = sim.addChat(true);
		expect(uuids(await trigger.poll())).toEqual([lead.uuid]);
	});

	test('another Bot ID: no stale watermark, no flood when coming back', async () => {
		const { sim } = scenario;
		const params = { event: 'newLead', botId: sim.botId, customerId: sim.customerId };
		const trigger = poller(params);
		await trigger.activate();
		const key = stateOf(trigger.memory).key;
		const other = 'aaaaaaaaaaaaaaaaaaaaaaaa';
		expect((await trigger.update({ ...params, botId: other })).items).toEqual([]);
		expect(stateOf(trigger.memory).key).not.toBe(key);
		expect(stateOf(trigger.memory).watermark).toBeUndefined();
		sim.addChat(true);
		expect((await trigger.poll()).items).toEqual([]);
		expect((await trigger.update(params)).items).toEqual([]);
		const lead = sim.addChat(true);
		expect(uuids(await trigger.poll())).toEqual([lead.uuid]);
	});
});

describe('Fetch Test Event (manual mode)', () => {
	test('returns the newest matching contact even before the first activation', async () => {
		const { sim } = scenario;
		const newest = sim.state.contacts[0];
		const trigger = poller({ event: 'newContact' });
		await trigger.activate();
		const state = JSON.stringify(trigger.memory);
		const saved = JSON.stringify(trigger.saved);

		const [item, ...rest] = await trigger.fetchTestEvent();
		expect(rest).toEqual([]);
		expect(item.id).toBe(newest._id);
		expect(item).toHaveProperty('phone');
		expect(JSON.stringify(trigger.memory)).toBe(state);
		expect(JSON.stringify(trigger.saved)).toBe(saved);

		// Never activated: the editor's Fetch Test Event still returns a record, and stores nothing.
		const fresh = poller({
			event: 'newLead',
			botId: sim.botId,
			customerId: sim.customerId,
			simplify: false,
		});
		const [lead] = await fresh.fetchTestEvent();
		expect(lead.uuid).toBe(sim.state.chats.find((c) => c.isLead)?.uuid);
		expect(lead).toHaveProperty('profile');
		expect(fresh.memory).toEqual({});
		expect(fresh.saved).toEqual({});
		// The first activation afterwards is a real first poll: it emits nothing.
		expect((await fresh.activate()).items).toEqual([]);
	});

	test('applies the filters', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact', filters: { tags: 'rare-tag' } });
		const tagged = sim.state.contacts[7];
		tagged.profile.userDetails.tags = ['rare-tag'];
		await trigger.activate();
		expect((await trigger.fetchTestEvent()).map((item) => item.id)).toEqual([tagged._id]);
	});
});

describe('bounded', () => {
	test('10,000 new contacts: each emitted once over several polls, the state stays small', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact' });
		await trigger.activate();
		const added = new Set<string>();
		for (let i = 0; i < 10_000; i++) added.add(sim.addContact({ createdAt: T0 + i * 1000 })._id);

		const emitted: string[] = [];
		let largest = { json: 0, ids: 0 };
		for (let i = 0; i < 40; i++) {
			const outcome = await trigger.poll();
			if (outcome.error) throw outcome.error;
			emitted.push(...contactIds(outcome).map(String));
			// Also while the drain is under way, the state stays bounded.
			const now = stateOf(trigger.memory);
			const ids =
				Object.keys(now.recent).length +
				Object.keys(now.drain?.top ?? {}).length +
				(now.drain?.tie.length ?? 0);
			const json = JSON.stringify(trigger.memory).length;
			largest = { json: Math.max(largest.json, json), ids: Math.max(largest.ids, ids) };
			if (!outcome.items.length && !now.drain) break;
		}
		expectExactlyOnce(emitted, added);
		expect(largest.ids).toBeLessThanOrEqual(2 * MAX_RECENT_IDS + 1);
		expect(largest.json).toBeLessThan(128 * 1024);
		// 500 pages at 50 a poll: the polls stopped at the page cap and went on where they stopped.
		expect(trigger.executions.length).toBeGreaterThan(1);
		const state = stateOf(trigger.savedNode);
		expect(Object.keys(state.recent).length).toBeLessThanOrEqual(MAX_RECENT_IDS);
		expect(JSON.stringify(trigger.saved).length).toBeLessThan(64 * 1024);
		expect(state.watermark).toBe(T0 + 9_999 * 1000);
		expect(state.drain).toBeUndefined();
	}, 180_000);

	test('a poll out of time reads one page; the next poll continues without losing records', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact' }, { pollBudgetMs: 0 });
		await trigger.activate();
		const added = Array.from({ length: 50 }, (_, i) =>
			sim.addContact({ createdAt: T0 + i * 1000 }),
		);
		sim.clearRequests();
		const first = await trigger.poll();
		expect(requestsTo(sim, 'POST', '/inbox/users')).toHaveLength(1);
		expect(first.items).toHaveLength(20);
		const rest = await drain(trigger, 10);
		expect(new Set([...contactIds(first), ...rest])).toEqual(new Set(added.map((c) => c._id)));
		expect(contactIds(first).length + rest.length).toBe(50);
	});

	test('an n8n without getPollBudgetMs (1.x) polls as usual', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact' }, { pollBudgetMs: null });
		await trigger.activate();
		const added = sim.addContact();
		expect(contactIds(await trigger.poll())).toEqual([added._id]);
	});

	test('the remembered IDs are those inside the look-back window only', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact' });
		await trigger.activate();
		sim.addContact({ createdAt: T0 + 1000 });
		await trigger.poll();
		const last = sim.addContact({ createdAt: T0 + 1000 + OVERLAP_MS + 1 });
		await trigger.poll();
		expect(Object.keys(stateOf(trigger.memory).recent)).toEqual([last._id]);
	});
});

describe('the token', () => {
	test('never appears in output, errors or stored state', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact', simplify: false });
		await trigger.activate();
		sim.addContact();
		const outcome = await trigger.poll();
		sim.addFault({
			kind: 'status',
			status: 500,
			path: '/inbox/users',
			message: `upstream said ${sim.token}`,
			times: 10,
		});
		sim.addContact();
		const failed = await trigger.poll();
		expect(failed.error).toBeDefined();
		const everything = JSON.stringify([
			outcome.items,
			trigger.memory,
			trigger.saved,
			trigger.errors.map((e) => [e.message, (e as { description?: string }).description]),
		]);
		expect(everything).not.toContain(sim.token);
	});
});

describe('restart of n8n (static data reaches the database after an activation and after a poll that emits)', () => {
	test('after an emitting poll: contacts added while n8n was down are emitted by the activation poll', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact' });
		await trigger.activate();
		sim.addContact({ createdAt: T0 + 1000 });
		await trigger.poll();
		const whileDown = sim.addContact({ createdAt: T0 + 2000 });
		expect(contactIds(await trigger.restart())).toEqual([whileDown._id]);
		expect((await trigger.poll()).items).toEqual([]);
	});

	test('before any poll emitted: the activation saved its state, so what came while n8n was down is emitted once', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact' });
		await trigger.activate();
		expect(stateOf(trigger.savedNode)).toEqual(stateOf(trigger.memory));
		const whileDown = sim.addContact({ createdAt: T0 + 1000 });
		expect(contactIds(await trigger.restart())).toEqual([whileDown._id]);
		expect((await trigger.poll()).items).toEqual([]);
	});

	test('a failed activation saves nothing', async () => {
		const trigger = poller(
			{ event: 'newContact' },
			{ credentials: wrongCredentials(scenario.sim) },
		);
		await expect(trigger.activate()).rejects.toThrow(/rejected the API token/);
		expect(trigger.saved).toEqual({});
	});

	test('polls that emitted nothing since the last save repeat nothing after a restart', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact' });
		await trigger.activate();
		const a = sim.addContact({ createdAt: T0 + 1000 });
		expect(contactIds(await trigger.poll())).toEqual([a._id]);
		await trigger.poll();
		await trigger.poll();
		expect((await trigger.restart()).items).toEqual([]);
	});
});

describe('draining a backlog over several polls (page cap)', () => {
	// 5 a page: one poll reads at most MAX_PAGES_PER_POLL × 5 records. The backlogs span far more than
	// the 5-minute look-back, so the poll after the drain cannot mend what the drain itself got wrong.
	const perPoll = MAX_PAGES_PER_POLL * 5;

	/** An activated New Contact trigger at 5 a page, then `count` new contacts. */
	async function backlog(
		count: number,
		createdAt: (i: number) => number,
		extra: Partial<PollerOptions> = {},
	) {
		const { sim } = scenario;
		sim.setOptions({ pageSize: 5 });
		const trigger = poller({ event: 'newContact' }, extra);
		await trigger.activate();
		const added = Array.from({ length: count }, (_, i) =>
			sim.addContact({ createdAt: createdAt(i) }),
		);
		return { trigger, added, ids: added.map((c) => c._id) };
	}

	test(
		'new contacts and a late one arrive while the drain goes on: each emitted once',
		async () => {
			const { sim } = scenario;
			sim.setOptions({ pageSize: 5 });
			const trigger = poller({ event: 'newContact' });
			await trigger.activate();
			const expected: string[] = [];
			for (let i = 0; i < 3 * perPoll + 7; i++)
				expected.push(sim.addContact({ createdAt: T0 + i * 2000 })._id);
			const hi = T0 + (3 * perPoll + 6) * 2000;
			sim.setClock(hi + 10_000);

			const emitted = await drainWith(trigger, 20, (poll) => {
				if (poll === 0) return;
				if (poll <= 3) {
					// More than two pages at the top between two drain polls, and one listed late, inside
					// the drain's top range.
					for (let i = 0; i < 12; i++)
						expected.push(sim.addContact({ createdAt: sim.now() + i })._id);
					const late = sim.addContact({
						createdAt: hi - 60_000 + poll,
						visibleAt: sim.now() + 1,
					});
					expected.push(late._id);
				}
				sim.setClock(sim.now() + 30_000);
			});
			expectExactlyOnce(emitted, expected);
			expect(trigger.executions.length).toBeGreaterThan(3);
			expect(stateOf(trigger.memory).drain).toBeUndefined();
		},
		HEAVY,
	);

	test(
		'contacts deleted above the cursor during a drain (the pages move up) lose nothing',
		async () => {
			const { sim } = scenario;
			const { trigger, added, ids } = await backlog(2 * perPoll + 3, (i) => T0 + i * 2000);
			sim.setClock(T0 + 3_600_000);
			const first = await trigger.poll();
			expect(first.items).toHaveLength(perPoll);
			// 3 pages' worth of the contacts already emitted disappear from the listing.
			const gone = new Set(contactIds(first).slice(0, 15));
			for (const contact of added) if (gone.has(contact._id)) contact.status = 'DELETED';
			const rest = await drain(trigger, 10);
			expectExactlyOnce([...contactIds(first), ...rest], ids);
		},
		HEAVY,
	);

	test(
		'equal createdAt across page boundaries and across the page cap: each once',
		async () => {
			// Groups of 7 equal timestamps (pages of 5): every page boundary and the page cap cut a group.
			const { trigger, ids } = await backlog(perPoll + 60, (i) => T0 + Math.floor(i / 7) * 20_000);
			scenario.sim.setClock(T0 + 3_600_000);
			const emitted = await drain(trigger, 10);
			expect(trigger.executions.length).toBeGreaterThan(1);
			expectExactlyOnce(emitted, ids);
		},
		HEAVY,
	);

	test(
		'out of time at every poll (one page a poll), ties across polls: each once, oldest first per poll',
		async () => {
			const { trigger, ids } = await backlog(23, (i) => T0 + Math.floor(i / 4) * 120_000, {
				pollBudgetMs: 0,
			});
			const polls: PollOutcome[] = [];
			for (let i = 0; i < 20; i++) {
				const outcome = await trigger.poll();
				polls.push(outcome);
				if (!outcome.items.length) break;
			}
			expectExactlyOnce(polls.flatMap(contactIds), ids);
			for (const outcome of polls) {
				const times = outcome.items.map((item) => Date.parse(String(item.createdAt)));
				expect(times).toEqual([...times].sort((a, b) => a - b));
			}
		},
		HEAVY,
	);

	test(
		'a drain poll that fails changes nothing; the next poll goes on without loss or repeat',
		async () => {
			const { sim } = scenario;
			const { trigger, ids } = await backlog(2 * perPoll + 3, (i) => T0 + i * 2000);
			const first = await trigger.poll();
			const before = JSON.stringify(trigger.memory);
			sim.addFault({ kind: 'status', status: 400, path: '/inbox/users', afterRequests: 3 });
			expect((await trigger.poll()).error?.message).toMatch(/HTTP 400/);
			expect(JSON.stringify(trigger.memory)).toBe(before);
			const rest = await drain(trigger, 10);
			expectExactlyOnce([...contactIds(first), ...rest], ids);
		},
		HEAVY,
	);

	test(
		'n8n restarts in the middle of a drain: it goes on from the saved state',
		async () => {
			const { trigger, ids } = await backlog(2 * perPoll + 3, (i) => T0 + i * 2000);
			const first = await trigger.poll();
			expect(stateOf(trigger.savedNode).drain).toBeDefined();
			const atRestart = await trigger.restart();
			const rest = await drain(trigger, 10);
			expectExactlyOnce([...contactIds(first), ...contactIds(atRestart), ...rest], ids);
		},
		HEAVY,
	);

	test(
		'new leads beyond the page cap (no date filter): each once, while more arrive',
		async () => {
			const { sim } = scenario;
			sim.setOptions({ pageSize: 5 });
			const trigger = poller({ event: 'newLead', botId: sim.botId, customerId: sim.customerId });
			await trigger.activate();
			const expected: string[] = [];
			for (let i = 0; i < perPoll + 40; i++)
				expected.push(sim.addChat(true, { createdAt: T0 + i * 2000 }).uuid);
			sim.setClock(T0 + 3_600_000);
			const emitted = await drainWith(trigger, 10, (poll) => {
				if (poll === 1) for (let i = 0; i < 8; i++) expected.push(sim.addChat(true).uuid);
			});
			expectExactlyOnce(emitted, expected);
		},
		HEAVY,
	);
});

describe('records BotPenguin lists without a createdAt', () => {
	test('are never emitted, and the others are emitted as usual', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newLead', botId: sim.botId, customerId: sim.customerId });
		await trigger.activate();
		const undated = sim.addChat(true, { createdAt: T0 + 1000 });
		delete (undated as Partial<typeof undated>).createdAt;
		const lead = sim.addChat(true, { createdAt: T0 + 2000 });
		const logged = logs.length;
		expect(uuids(await trigger.poll())).toEqual([lead.uuid]);
		// Left out, but not silently: n8n's log says so.
		expect(logs.slice(logged).join('\n')).toMatch(
			/warn BotPenguin Inbox Trigger .*1 lead\(s\) on page 1 without uuid or a valid createdAt were left out/,
		);
		// After the look-back has moved past where it was listed, it is still not taken for a new one.
		sim.setClock(T0 + 2 * OVERLAP_MS);
		const later = sim.addChat(true, { createdAt: T0 + 2 * OVERLAP_MS });
		expect(uuids(await trigger.poll())).toEqual([later.uuid]);
	});
});

describe('overlapping polls', () => {
	test('a poll that starts while the last one still runs (n8n does not wait) adds nothing', async () => {
		const { sim } = scenario;
		const trigger = poller({ event: 'newContact' });
		await trigger.activate();
		const added = [sim.addContact(), sim.addContact(), sim.addContact()];
		sim.setOptions({ latencyMs: 20 });
		await Promise.all([trigger.poll(), trigger.poll()]);
		expect(trigger.executions).toHaveLength(1);
		expectExactlyOnce(
			trigger.executions.flat().map((item) => item.id),
			added.map((c) => c._id),
		);
		expect((await trigger.poll()).items).toEqual([]);
	});
});

describe('more records inside the look-back than the ID cap', () => {
	test(
		'whole createdAt groups are kept up to the cap, the rest below a floor; nothing repeats',
		async () => {
			const { sim } = scenario;
			const trigger = poller({ event: 'newContact' });
			await trigger.activate();
			// 1,200 contacts within 2 minutes, 3 to a millisecond: the cap falls inside a group.
			const added = Array.from({ length: 1200 }, (_, i) =>
				sim.addContact({ createdAt: T0 + Math.floor(i / 3) * 300 }),
			);
			sim.setClock(T0 + 200_000);
			const emitted = await drain(trigger, 10);
			expectExactlyOnce(
				emitted,
				added.map((c) => c._id),
			);
			const state = stateOf(trigger.memory);
			const kept = Object.values(state.recent);
			expect(kept.length).toBeLessThanOrEqual(MAX_RECENT_IDS);
			expect(kept.length % 3).toBe(0);
			expect(state.floor).toBe(Math.min(...kept));
			// Documented consequence: a contact listed late with createdAt below the floor is not emitted;
			// one above it is.
			const below = sim.addContact({ createdAt: (state.floor as number) - 1 });
			const above = sim.addContact({ createdAt: (state.floor as number) + 1 });
			expect(contactIds(await trigger.poll())).toEqual([above._id]);
			expect(emitted).not.toContain(below._id);
			expect((await trigger.poll()).items).toEqual([]);
		},
		HEAVY,
	);
});

describe('a listing in the other order (oldest first)', () => {
	beforeEach(() => scenario.sim.setOptions({ order: 'oldestFirst' }));

	test(
		'contacts: first poll, ties, many pages and a late one, each once',
		async () => {
			const { sim } = scenario;
			sim.setOptions({ pageSize: 5 });
			const trigger = poller({ event: 'newContact' });
			expect((await trigger.activate()).items).toEqual([]);
			expect(stateOf(trigger.memory).order).toBe('oldestFirst');
			const expected: string[] = [];
			for (let i = 0; i < MAX_PAGES_PER_POLL * 5 + 60; i++)
				expected.push(sim.addContact({ createdAt: T0 + Math.floor(i / 3) * 100 })._id);
			sim.setClock(T0 + 3_600_000);
			const emitted = await drainWith(trigger, 10, (poll) => {
				if (poll !== 1) return;
				expected.push(sim.addContact({ createdAt: sim.now() - 60_000, visibleAt: sim.now() })._id);
				expected.push(sim.addContact()._id);
			});
			expect(trigger.executions.length).toBeGreaterThan(1);
			expectExactlyOnce(emitted, expected);
		},
		HEAVY,
	);

	test(
		'leads: activation finds the end of a long listing in a few pages; then new leads once',
		async () => {
			const { sim } = scenario;
			sim.setOptions({ pageSize: 2 });
			for (let i = 0; i < 300; i++)
				sim.addChat(true, { createdAt: T0 - 6 * 3_600_000 + i * 60_000 });
			const trigger = poller({ event: 'newLead', botId: sim.botId, customerId: sim.customerId });
			sim.clearRequests();
			expect((await trigger.activate()).items).toEqual([]);
			// 163 pages of leads: found by galloping and bisecting, not read one by one.
			expect(requestsTo(sim, 'GET', '/inbox/direct/chats').length).toBeLessThan(40);

			const expected: string[] = [];
			for (let i = 0; i < 150; i++)
				expected.push(sim.addChat(true, { createdAt: T0 + i * 100 }).uuid);
			sim.setClock(T0 + 3_600_000);
			const emitted = await drainWith(trigger, 10, (poll) => {
				if (poll === 1) expected.push(sim.addChat(true).uuid);
			});
			expectExactlyOnce(emitted, expected);
		},
		HEAVY,
	);

	test(
		'Fetch Test Event returns the newest contact, from the last page',
		async () => {
			const { sim } = scenario;
			const trigger = poller({ event: 'newContact' });
			const [item] = await trigger.fetchTestEvent();
			expect(item.id).toBe(sim.state.contacts[0]._id);
		},
		HEAVY,
	);
});

describe('a listing in no createdAt order', () => {
	test(
		'read to its end when it fits in one poll; beyond the page cap the poll fails and says why',
		async () => {
			const { sim } = scenario;
			const trigger = poller({ event: 'newContact' });
			// Swap pairs, so no page is sorted either way.
			const shuffle = () => {
				const list = sim.state.contacts;
				for (let i = 0; i + 1 < list.length; i += 2)
					[list[i], list[i + 1]] = [list[i + 1], list[i]];
			};
			shuffle();
			await trigger.activate();
			const a = sim.addContact({ createdAt: T0 + 1000 });
			const b = sim.addContact({ createdAt: T0 + 2000 });
			shuffle();
			expect(contactIds(await trigger.poll()).sort()).toEqual([a._id, b._id].sort());
			expect((await trigger.poll()).items).toEqual([]);

			for (let i = 0; i < MAX_PAGES_PER_POLL * 20 + 40; i++)
				sim.addContact({ createdAt: T0 + 3000 + i });
			shuffle();
			const before = JSON.stringify(trigger.memory);
			const failed = await trigger.poll();
			expect(failed.error?.message).toMatch(/no createdAt order/);
			expect(JSON.stringify(trigger.memory)).toBe(before);
		},
		HEAVY,
	);
});

describe('examples/06-new-lead-to-crm-row.json', () => {
	test('its trigger node, as saved, has only known parameters and emits each new lead once', async () => {
		const { sim } = scenario;
		const file = path.join(__dirname, '..', '..', 'examples', '06-new-lead-to-crm-row.json');
		// What users (and the e2e run) do: put their bot's IDs in place of the placeholders.
		const workflow = JSON.parse(
			fs
				.readFileSync(file, 'utf8')
				.replace(/YOUR_BOT_ID/g, sim.botId)
				.replace(/YOUR_CUSTOMER_ID/g, sim.customerId),
		) as { nodes: INode[] };
		const [node, ...others] = workflow.nodes.filter(
			(n) => n.type === 'n8n-nodes-botpenguin-inbox.botPenguinInboxTrigger',
		);
		expect(others).toEqual([]);
		const known = new Set(triggerType.description.properties.map((p) => p.name));
		expect(Object.keys(node.parameters).filter((name) => !known.has(name))).toEqual([]);
		expect(node.parameters.event).toBe('newLead');

		const trigger = poller(node.parameters as IDataObject);
		expect((await trigger.activate()).items).toEqual([]);
		const lead = sim.addChat(true);
		sim.addChat(false);
		const outcome = await trigger.poll();
		expect(uuids(outcome)).toEqual([lead.uuid]);
		expect((await trigger.poll()).items).toEqual([]);
	});
});
