/**
 * Options → Parallel Requests: Get Many asks for pages ahead, the import sends batches side by side,
 * and both back off by themselves when BotPenguin says "too many requests". `sleep` of n8n-workflow is
 * mocked so retries do not wait; the waits the node asked for are checked instead.
 */
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => {}),
}));

import { sleep } from 'n8n-workflow';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { addContact, bodyOf, errorOf, jsonOf, requestsTo, useSimulator } from '../helpers/scenario';
import type { RunResult } from '../helpers/engine';
import type { RecordedRequest } from '../simulator/server';

const sleepMock = sleep as unknown as jest.Mock;
/** Called after each answer the simulator sent, while a test sets it. */
let onAnswered: ((request: RecordedRequest) => void) | undefined;
// A little latency, so requests sent side by side really are in flight together.
const s = useSimulator({
	pageSize: 20,
	contacts: 45,
	latencyMs: 15,
	onRequest: (request) => onAnswered?.(request),
});

const USERS = '/inbox/users';
const IMPORT = '/inbox/users/import';

beforeEach(() => {
	sleepMock.mockClear();
	onAnswered = undefined;
});

function getAll(parameters: INodeParameters): INodeParameters {
	return { resource: 'contact', operation: 'getAll', ...parameters };
}

/** Page numbers of the listing requests, in the order they reached the simulator. */
function pagesAsked(): number[] {
	return requestsTo(s.sim, 'POST', USERS).map((request) => bodyOf<{ page: number }>(request).page);
}

const listedIds = () =>
	s.sim.state.contacts.filter((contact) => contact.status !== 'DELETED').map((c) => c._id);

const sorted = (numbers: number[]) => [...numbers].sort((a, b) => a - b);
const range = (from: number, to: number) =>
	Array.from({ length: to - from + 1 }, (_, index) => from + index);

function expectEveryRecordInOrder(result: RunResult) {
	expect(result.error).toBeUndefined();
	expect(jsonOf(result).map((json) => json.id)).toEqual(listedIds());
}

describe('Get Many with parallel requests', () => {
	it('Return All at the default (4) hands on every record once, in page order, and asks for at most 3 pages past the empty one', async () => {
		s.sim.setOptions({ pageSize: 5 });
		const result = await s.run(getAll({ returnAll: true }));
		expectEveryRecordInOrder(result);
		// 45 contacts: pages 1–9 hold data, page 10 is the empty one that ends the listing.
		const pages = pagesAsked();
		expect(new Set(pages).size).toBe(pages.length);
		expect(sorted(pages).slice(0, 10)).toEqual(range(1, 10));
		expect(pages.length - 10).toBeLessThanOrEqual(3);
		expect(pages[0]).toBe(1);
		expect(s.sim.peakInFlight).toBeGreaterThan(1);
		expect(s.sim.peakInFlight).toBeLessThanOrEqual(4);
	});

	it('the end of the listing reached while pages are in flight: the pages asked for past it are at most Parallel Requests − 1', async () => {
		for (const parallelRequests of [2, 4, 10]) {
			s.sim.clearRequests();
			const result = await s.run(getAll({ returnAll: true, options: { parallelRequests } }));
			expectEveryRecordInOrder(result);
			// Pages 1–3 hold data (20, 20, 5), page 4 is empty.
			const pages = sorted(pagesAsked());
			expect(pages.slice(0, 4)).toEqual([1, 2, 3, 4]);
			expect(pages.length - 4).toBeLessThanOrEqual(parallelRequests - 1);
			expect(new Set(pages).size).toBe(pages.length);
			expect(s.sim.peakInFlight).toBeLessThanOrEqual(parallelRequests);
		}
	});

	it('Stop at Short Page on ends at the short page; what was already in flight is not handed on', async () => {
		const result = await s.run(getAll({ returnAll: true, options: { stopAtShortPage: true } }));
		expectEveryRecordInOrder(result);
		expect(sorted(pagesAsked()).slice(0, 3)).toEqual([1, 2, 3]);
		expect(pagesAsked().length).toBeLessThanOrEqual(3 + 3);
	});

	it.each([
		[95, 5],
		[21, 2],
		[60, 3],
		[45, 3],
	])(
		'Limit %i with pages of 20 takes exactly %i requests, asked for side by side',
		async (limit, requests) => {
			// A listing that never ends: only the Limit stops the run.
			s.sim.addFault({ kind: 'endless', times: Infinity });
			const result = await s.run(getAll({ limit }));
			expect(result.error).toBeUndefined();
			const ids = jsonOf(result).map((json) => json.id);
			expect(ids).toHaveLength(limit);
			expect(new Set(ids).size).toBe(limit);
			expect(sorted(pagesAsked())).toEqual(range(1, requests));
		},
	);

	it('a contact created during the run shifts the pages in flight: the record seen twice is handed on once', async () => {
		s.sim.setOptions({ pageSize: 5 });
		const before = listedIds();
		// Right after page 1 was answered (it goes alone), a new contact lands at the top of the
		// listing: every later page starts one record earlier, so each repeats the one before it.
		onAnswered = (request) => {
			if (request.path !== USERS || bodyOf<{ page: number }>(request).page !== 1) return;
			onAnswered = undefined;
			addContact(s.sim, { name: 'Created during the run' }, 0);
		};
		const result = await s.run(getAll({ returnAll: true }));
		expect(result.error).toBeUndefined();
		expect(s.sim.state.contacts).toHaveLength(before.length + 1);
		// The old records, each once and in order; the new one sits on page 1, which was already read.
		expect(jsonOf(result).map((json) => json.id)).toEqual(before);
		// 46 records in pages of 5: pages 1–10 hold data, page 11 is the empty one.
		expect(sorted(pagesAsked()).slice(0, 11)).toEqual(range(1, 11));
	});

	it('a page that fails once is retried on its own while the other pages succeed', async () => {
		s.sim.setOptions({ pageSize: 5 });
		// The third listing request fails once with a 502, whichever page it asks for.
		s.sim.addFault({ kind: 'status', status: 502, path: USERS, afterRequests: 2 });
		const result = await s.run(getAll({ returnAll: true }));
		expectEveryRecordInOrder(result);
		const failed = requestsTo(s.sim, 'POST', USERS).filter((request) => request.status === 502);
		expect(failed).toHaveLength(1);
		const retriedPage = bodyOf<{ page: number }>(failed[0]).page;
		// That page was asked for twice, every other page once.
		const pages = pagesAsked();
		expect(pages.filter((page) => page === retriedPage)).toHaveLength(2);
		expect(new Set(pages).size).toBe(pages.length - 1);
		expect(sleepMock).toHaveBeenCalledTimes(1);
	});

	it('a page that fails for good fails the run with that page’s error, after its own retries', async () => {
		s.sim.setOptions({ pageSize: 5 });
		s.sim.addFault({ kind: 'status', status: 500, path: USERS, afterRequests: 3 });
		const result = await s.run(getAll({ returnAll: true }));
		expect(errorOf(result).message).toMatch(/server error \(HTTP 500\)/);
		expect(result.items).toEqual([]);
	});

	it('Parallel Requests 1 is one request after another, in page order', async () => {
		s.sim.setOptions({ pageSize: 5 });
		const result = await s.run(getAll({ returnAll: true, options: { parallelRequests: 1 } }));
		expectEveryRecordInOrder(result);
		expect(pagesAsked()).toEqual(range(1, 10));
		expect(s.sim.peakInFlight).toBe(1);
	});

	it('Max Pages holds: no page past it is asked for, even ahead', async () => {
		s.sim.addFault({ kind: 'endless', times: Infinity });
		const result = await s.run(getAll({ returnAll: true, options: { maxPages: 6 } }));
		expect(errorOf(result).message).toBe(
			'Stopped after 6 pages: BotPenguin kept sending full pages',
		);
		expect(sorted(pagesAsked())).toEqual(range(1, 6));
	});

	it('Max Pages reached at a short page says that only an empty page would prove the end', async () => {
		const result = await s.run(getAll({ returnAll: true, options: { maxPages: 3 } }));
		const error = errorOf(result);
		expect(error.message).toBe(
			'Stopped after 3 pages (Max Pages) before BotPenguin sent an empty page',
		);
		expect(error.description).toContain('Stop at Short Page');
		expect(error.description).toContain('45 records were received');
	});

	it('a server that ignores the page number still stops with the loop guard', async () => {
		s.sim.addFault({ kind: 'ignorePage', times: Infinity });
		const result = await s.run(getAll({ returnAll: true }));
		expect(errorOf(result).message).toBe(
			'BotPenguin sent page 2 with only records it had already sent',
		);
		expect(pagesAsked().length).toBeLessThanOrEqual(1 + 4);
	});
});

describe('backing off when BotPenguin takes only 2 requests at a time', () => {
	beforeEach(() => s.sim.setOptions({ maxInFlight: 2 }));

	it('Return All at the default ends with every record, a bounded number of 429s and no failure', async () => {
		s.sim.setOptions({ pageSize: 2 });
		const result = await s.run(getAll({ returnAll: true }));
		expectEveryRecordInOrder(result);
		// 23 pages + the empty one + at most 3 ahead; each 429 is one extra request.
		const rejected = s.sim.rejectedInFlight;
		expect(rejected).toBeGreaterThan(0);
		expect(rejected).toBeLessThanOrEqual(8);
		expect(s.sim.requests.length).toBeLessThanOrEqual(24 + 3 + rejected);
		// Every wait was the Retry-After the server asked for.
		const waits = sleepMock.mock.calls.map((call) => call[0] as number);
		expect(waits).toHaveLength(rejected);
		expect(new Set(waits)).toEqual(new Set([1000]));
	});

	it('the import ends with every contact sent, batch numbers in input order', async () => {
		const contacts = Array.from({ length: 40 }, (_, index) => ({
			phone: `+91 98760 ${String(10000 + index)}`,
			name: `Parallel ${index + 1}`,
		}));
		const result = await s.run(
			{
				resource: 'contact',
				operation: 'upsert',
				source: 'list',
				contacts: '={{ $json.contacts }}',
				options: { batchSize: 2, parallelRequests: 6 },
			},
			{ items: [{ contacts }] },
		);
		expect(result.error).toBeUndefined();
		const out = jsonOf(result);
		expect(out.map((json) => json.status)).toEqual(contacts.map(() => 'sent'));
		expect(out.map((json) => json.batch)).toEqual(contacts.map((_, index) => 1 + (index >> 1)));
		expect(out.map((json) => (json.contact as IDataObject).name)).toEqual(
			contacts.map((contact) => contact.name),
		);
		const rejected = s.sim.rejectedInFlight;
		expect(rejected).toBeGreaterThan(0);
		expect(rejected).toBeLessThanOrEqual(8);
		expect(requestsTo(s.sim, 'POST', IMPORT).filter((r) => r.status === 200)).toHaveLength(20);
	});
});

describe('contact → Create or Update with parallel batches', () => {
	const contacts = Array.from({ length: 11 }, (_, index) => ({
		phone: `+91 98761 ${String(20000 + index)}`,
		name: `Batch ${index + 1}`,
	}));
	const upsert = (options: IDataObject, continueOnFail = true) =>
		s.run(
			{
				resource: 'contact',
				operation: 'upsert',
				source: 'list',
				contacts: '={{ $json.contacts }}',
				options: { batchSize: 2, ...options },
			},
			{ items: [{ contacts }], continueOnFail },
		);

	it('reports every contact’s fate as one after another would, batch numbers in input order', async () => {
		// One batch after the first fails for good (500 is not retried); the others are sent.
		s.sim.addFault({ kind: 'status', status: 500, path: IMPORT, afterRequests: 2 });
		const result = await upsert({ parallelRequests: 4 });
		expect(result.error).toBeUndefined();
		const out = jsonOf(result);
		expect(out).toHaveLength(11);
		expect(out.map((json) => json.batch)).toEqual(contacts.map((_, index) => 1 + (index >> 1)));
		expect(out.every((json) => json.batches === 6)).toBe(true);
		const failedBatches = new Set(
			out.filter((json) => json.status === 'failed').map((json) => json.batch),
		);
		expect(failedBatches.size).toBe(1);
		expect(out.filter((json) => json.status === 'sent')).toHaveLength(
			11 - (failedBatches.has(6) ? 1 : 2),
		);
		for (const json of out.filter((item) => item.status === 'failed'))
			expect(json.error).toMatch(/server error \(HTTP 500\)/);
		expect(requestsTo(s.sim, 'POST', IMPORT)).toHaveLength(6);
		expect(s.sim.peakInFlight).toBeGreaterThan(1);
		expect(s.sim.peakInFlight).toBeLessThanOrEqual(4);
	});

	it('a rejected token costs one request: the first batch goes alone', async () => {
		const result = await s.run(
			{
				resource: 'contact',
				operation: 'upsert',
				source: 'list',
				contacts: '={{ $json.contacts }}',
				options: { batchSize: 2 },
			},
			{
				items: [{ contacts }],
				continueOnFail: true,
				credentials: { apiToken: 'not-the-token', baseUrl: s.sim.url },
			},
		);
		expect(s.sim.requests).toHaveLength(1);
		const out = jsonOf(result);
		expect(out.map((json) => json.status)).toEqual(contacts.map(() => 'failed'));
		expect(out[2].error).toMatch(/^Not sent: an earlier batch failed/);
	});

	it('Parallel Requests 1 sends the batches one after another, in input order', async () => {
		const result = await upsert({ parallelRequests: 1 });
		expect(jsonOf(result).map((json) => json.status)).toEqual(contacts.map(() => 'sent'));
		expect(s.sim.peakInFlight).toBe(1);
		const firstPhones = requestsTo(s.sim, 'POST', IMPORT).map(
			(request) =>
				bodyOf<{ profile: { userDetails: { userProvidedName: string } } }[]>(request)[0].profile
					.userDetails.userProvidedName,
		);
		expect(firstPhones).toEqual([
			'Batch 1',
			'Batch 3',
			'Batch 5',
			'Batch 7',
			'Batch 9',
			'Batch 11',
		]);
	});
});

describe('an invalid Parallel Requests fails before any request, naming the field', () => {
	it.each([0, 11, 2.5, 'four', -1])('Get Many with %p', async (parallelRequests) => {
		const result = await s.run(getAll({ returnAll: true, options: { parallelRequests } }));
		const error = errorOf(result);
		expect(error.message).toContain('Options → Parallel Requests');
		expect(error.description).toContain('whole number from 1 to 10');
		expect(s.sim.requests).toHaveLength(0);
	});

	it.each(['lead', 'chat'])('%s → Get Many', async (resource) => {
		const result = await s.run({
			resource,
			operation: 'getAll',
			botId: s.sim.botId,
			customerId: s.sim.customerId,
			returnAll: true,
			options: { parallelRequests: 0 },
		});
		expect(errorOf(result).message).toContain('Options → Parallel Requests');
		expect(s.sim.requests).toHaveLength(0);
	});

	it('contact → Create or Update', async () => {
		const result = await s.run(
			{
				resource: 'contact',
				operation: 'upsert',
				phone: '+91 98765 43210',
				options: { parallelRequests: 20 },
			},
			{ continueOnFail: true },
		);
		expect(errorOf(result).message).toContain('Options → Parallel Requests');
		expect(s.sim.requests).toHaveLength(0);
	});
});
