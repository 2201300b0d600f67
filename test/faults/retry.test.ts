/**
 * The retry policy in detail, through the real engine: the waits asked of `sleep` (mocked), the
 * Retry-After cap, Max Retries, the page-by-page retry of Return All and the default timeout.
 */
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => {}),
}));

import { sleep } from 'n8n-workflow';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode } from '../helpers/engine';
import { startSimulator } from '../simulator/server';
import type { Fault, Simulator } from '../simulator/server';
import { MAX_RETRY_AFTER_MS } from '../../nodes/BotPenguinInbox/shared/retry';
import { DEFAULT_TIMEOUT_MS, effectiveTimeout } from '../../nodes/BotPenguinInbox/shared/transport';
import { OutputCapture } from './judge';

const sleepMock = sleep as unknown as jest.Mock;
let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator();
});

afterAll(async () => {
	await sim.close();
});

beforeEach(() => {
	sim.reset();
	sleepMock.mockClear();
});

async function run(parameters: INodeParameters, ...faults: Fault[]) {
	for (const fault of faults) sim.addFault(fault);
	const capture = new OutputCapture();
	capture.start();
	try {
		return await runNode({ parameters, credentials: { apiToken: sim.token, baseUrl: sim.url } });
	} finally {
		capture.stop();
	}
}

const waits = () => sleepMock.mock.calls.map((call) => call[0] as number);
const segments: INodeParameters = { resource: 'segment', operation: 'getAll', returnAll: true };
/** One page at a time: these scenarios follow the requests of one page in order. */
const contacts: INodeParameters = {
	resource: 'contact',
	operation: 'getAll',
	returnAll: true,
	options: { parallelRequests: 1 },
};

describe('Retry-After', () => {
	it('is honoured up to the cap of 60 s', async () => {
		const result = await run(segments, {
			kind: 'status',
			status: 429,
			retryAfter: String(MAX_RETRY_AFTER_MS / 1000),
		});
		expect(result.error).toBeUndefined();
		expect(waits()).toEqual([MAX_RETRY_AFTER_MS]);
	});

	it('past the cap, the node gives up at once and says why', async () => {
		const result = await run(segments, { kind: 'status', status: 429, retryAfter: '61' });
		expect(sim.requests).toHaveLength(1);
		expect(waits()).toEqual([]);
		expect(result.error?.message).toMatch(/limiting the request rate \(HTTP 429\)/);
		expect(result.error?.description).toMatch(/asked to wait 61 s .* did not retry/);
	});

	it('as an HTTP date: waits until then; a date in the past means at once', async () => {
		await run(segments, { kind: 'status', status: 429, retryAfterDateMs: 5000 });
		const [wait] = waits();
		expect(wait).toBeGreaterThan(3000);
		expect(wait).toBeLessThanOrEqual(5000);

		sim.reset();
		sleepMock.mockClear();
		const result = await run(segments, {
			kind: 'status',
			status: 429,
			retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT',
		});
		expect(result.error).toBeUndefined();
		expect(waits()).toEqual([0]);
	});

	it('a Retry-After that is not a number or date falls back to the backoff', async () => {
		const result = await run(segments, { kind: 'status', status: 503, retryAfter: 'soon' });
		expect(result.error).toBeUndefined();
		const [wait] = waits();
		expect(wait).toBeGreaterThanOrEqual(250);
		expect(wait).toBeLessThanOrEqual(500);
	});
});

describe('backoff', () => {
	it('grows exponentially with jitter, for as many retries as Max Retries allows', async () => {
		const result = await run(
			{ ...segments, options: { maxRetries: 6 } },
			{ kind: 'status', status: 503, times: Infinity },
		);
		expect(sim.requests).toHaveLength(7);
		expect(result.error?.description).toMatch(/Gave up after 7 attempts/);
		const ceilings = [500, 1000, 2000, 4000, 8000, 15_000];
		expect(waits()).toHaveLength(ceilings.length);
		waits().forEach((wait, index) => {
			expect(wait).toBeGreaterThanOrEqual(ceilings[index] / 2);
			expect(wait).toBeLessThanOrEqual(ceilings[index]);
		});
	});

	it('the jitter spreads the waits (not the same value every run)', async () => {
		const seen = new Set<number>();
		for (let n = 0; n < 5; n++) {
			sim.reset();
			sleepMock.mockClear();
			await run(segments, { kind: 'status', status: 502 });
			seen.add(waits()[0]);
		}
		expect(seen.size).toBeGreaterThan(1);
	});

	it('Max Retries 0 turns retries off', async () => {
		const result = await run(
			{ ...segments, options: { maxRetries: 0 } },
			{ kind: 'status', status: 503 },
		);
		expect(sim.requests).toHaveLength(1);
		expect(waits()).toEqual([]);
		expect(result.error?.message).toMatch(/HTTP 503/);
	});
});

describe('Return All', () => {
	it('retries the failing page on its own, not the run from page 1', async () => {
		const baseline = await run(contacts);
		const total = baseline.items.length;
		const pagesBefore = sim.requests.map((request) => (request.body as IDataObject).page);
		sim.reset();

		const result = await run(contacts, {
			kind: 'status',
			status: 502,
			path: '/inbox/users',
			afterRequests: 1,
			times: 2,
		});
		expect(result.error).toBeUndefined();
		const pages = sim.requests.map((request) => (request.body as IDataObject).page);
		expect(pages).toEqual([1, 2, 2, 2, ...pagesBefore.slice(2)]);
		expect(result.items).toHaveLength(total);
		const ids = result.items.map((item) => item.json.id);
		expect(new Set(ids).size).toBe(total);
	});

	it('every page repeats the filters of the first', async () => {
		const every = ['OPEN', 'INPROGRESS', 'REVIEW', 'ONHOLD', 'DEPENDANCY', 'CLOSED'];
		const result = await run(
			{ ...contacts, filters: { status: every } },
			{
				kind: 'reset',
				path: '/inbox/users',
				afterRequests: 1,
			},
		);
		expect(result.error).toBeUndefined();
		expect(sim.requests.length).toBeGreaterThanOrEqual(4);
		expect(sim.requests[1].status).toBe(0);
		for (const request of sim.requests) {
			expect((request.body as IDataObject).applicableFilters).toEqual(['status']);
			expect((request.body as IDataObject).status).toEqual(every);
		}
	});
});

describe('timeout', () => {
	it('defaults to 30 s: a 1 s answer is no timeout', async () => {
		const result = await run(segments, { kind: 'slow', delayMs: 1000 });
		expect(result.error).toBeUndefined();
		expect(sim.requests).toHaveLength(1);
	});

	it("follows n8n's Settings → Request Options → Timeout, also for the import", async () => {
		const result = await run(
			{ ...segments, requestOptions: { timeout: 200 }, options: { maxRetries: 0 } },
			{ kind: 'slow', delayMs: 1000 },
		);
		expect(result.error?.message).toBe('BotPenguin did not answer within 200 ms');

		sim.reset();
		const upsert = await run(
			{
				resource: 'contact',
				operation: 'upsert',
				phone: '+91 98765 43210',
				requestOptions: { timeout: 200 },
				options: { maxRetries: 0 },
			},
			{ kind: 'slow', delayMs: 1000 },
		);
		expect(upsert.error?.message).toBe(
			'1 of 1 import batches failed: BotPenguin did not answer within 200 ms',
		);
	});
});

describe('connection refused (nothing listens on the Base URL)', () => {
	// Port 1 on this machine: nothing listens there, and the simulators use ephemeral ports.
	const refused = { apiToken: 'bp-test-token-refused', baseUrl: 'http://127.0.0.1:1' };
	const runRefused = (parameters: INodeParameters) => runNode({ parameters, credentials: refused });

	it('a read is retried Max Retries times, then says BotPenguin could not be reached', async () => {
		const result = await runRefused({ ...segments, options: { maxRetries: 2 } });
		expect(result.error?.message).toMatch(/Could not reach BotPenguin \(ECONNREFUSED\)/);
		expect(result.error?.description).toMatch(/Gave up after 3 attempts/);
		expect(waits()).toHaveLength(2);
	});

	it('a lead update is retried too: a refused connection means nothing was sent', async () => {
		const result = await runRefused({
			resource: 'lead',
			operation: 'update',
			uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f',
			botId: '6435d9911ce70e8101e47b14',
			customerId: '629754c0d338024ecae47b13',
			updateFields: { name: 'Jane' },
			options: { maxRetries: 1 },
		});
		expect(result.error?.message).toMatch(/Could not reach BotPenguin \(ECONNREFUSED\)/);
		expect(waits()).toHaveLength(1);
	});
});

describe('Max Retries on the pages of Get Many', () => {
	it.each([0, 1, 2])('%i retries of a page that keeps failing', async (maxRetries) => {
		const result = await run(
			{ ...contacts, options: { maxRetries, parallelRequests: 1 } },
			{ kind: 'status', status: 503, path: '/inbox/users', afterRequests: 1, times: Infinity },
		);
		expect(result.error?.message).toMatch(/HTTP 503/);
		// Page 1, then page 2 once plus its retries; never page 3.
		const pages = sim.requests.map((request) => (request.body as IDataObject).page);
		expect(pages).toEqual([1, ...Array<number>(maxRetries + 1).fill(2)]);
		expect(waits()).toHaveLength(maxRetries);
	});
});

describe('default timeout', () => {
	it('is 30 s when Settings → Request Options → Timeout is empty, else that value', () => {
		expect(DEFAULT_TIMEOUT_MS).toBe(30_000);
		expect(effectiveTimeout(undefined)).toBe(30_000);
		expect(effectiveTimeout(0)).toBe(30_000);
		expect(effectiveTimeout(5_000)).toBe(5_000);
	});
});
