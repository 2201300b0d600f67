/**
 * Token hygiene beyond the matrix: the scan itself is checked (it finds a token where one is), and the
 * ways a token can come back are tried one by one: echoed in an error message, with the credential
 * pasted as "Bearer …" with spaces, in n8n's error items (Continue On Fail), in the import summary.
 */
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => {}),
}));

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { logs, runNode } from '../helpers/engine';
import type { RunResult } from '../helpers/engine';
import { startSimulator } from '../simulator/server';
import type { Fault, Simulator } from '../simulator/server';
import { makeToken, OPERATIONS } from './rows';
import { dump, findToken, OutputCapture, producedTexts } from './judge';

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ token: makeToken('scan') });
});

afterAll(async () => {
	await sim.close();
});

beforeEach(() => {
	sim.reset();
});

interface Scanned {
	result: RunResult;
	/** Every place the token was found. */
	leaks: string[];
	/** What n8n logged during the run (captured by the test logger, not printed). */
	n8nLogs: string;
}

async function scanRun(options: {
	parameters: INodeParameters;
	fault?: Fault;
	apiToken?: string;
	items?: IDataObject[];
	continueOnFail?: boolean;
}): Promise<Scanned> {
	if (options.fault) sim.addFault(options.fault);
	const logStart = logs.length;
	const capture = new OutputCapture();
	capture.start();
	let result: RunResult;
	try {
		result = await runNode({
			parameters: options.parameters,
			credentials: { apiToken: options.apiToken ?? sim.token, baseUrl: sim.url },
			items: options.items,
			continueOnFail: options.continueOnFail,
		});
	} finally {
		capture.stop();
	}
	const texts = {
		...producedTexts(result),
		'n8n logs': logs.slice(logStart).join('\n'),
		'stdout/stderr/console': capture.text,
	};
	return { result, leaks: findToken(sim.token, texts), n8nLogs: texts['n8n logs'] };
}

const segments: INodeParameters = { resource: 'segment', operation: 'getAll', returnAll: true };

describe('the scan', () => {
	it('finds the token where it is (the requests carry it) and only there', async () => {
		const scanned = await scanRun({ parameters: segments });
		expect(scanned.result.error).toBeUndefined();
		expect(findToken(sim.token, { requests: dump(sim.requests) })).toEqual(['requests']);
		expect(findToken(sim.token, { planted: `x${sim.token}y`, clean: 'nothing' })).toEqual([
			'planted',
		]);
		expect(scanned.leaks).toEqual([]);
	});

	it("reads what n8n's error reporter logs (captured by the test logger, not printed), so that channel is really scanned", async () => {
		const scanned = await scanRun({ parameters: segments, fault: { kind: 'status', status: 500 } });
		expect(scanned.result.error?.message).toMatch(/HTTP 500/);
		expect(scanned.n8nLogs).toContain('BotPenguin had a server error (HTTP 500)');
		expect(scanned.leaks).toEqual([]);
	});

	it('dump() copes with cycles and errors', () => {
		const a: Record<string, unknown> = { name: 'a' };
		a.self = a;
		const error = new Error('boom');
		(error as Error & { extra?: unknown }).extra = a;
		expect(dump({ a, error })).toContain('boom');
	});
});

describe('an echoed token is redacted', () => {
	const echoes: [string, Fault][] = [
		['success:false', { kind: 'successFalse', message: `Token TOKEN is not valid for this bot` }],
		['HTTP 401', { kind: 'status', status: 401, message: `Invalid token: Bearer TOKEN` }],
		[
			'HTTP 400 about the token',
			{ kind: 'status', status: 400, message: `authtype Key with TOKEN failed` },
		],
		['HTTP 500', { kind: 'status', status: 500, message: `Internal error while checking TOKEN` }],
		['HTTP 422', { kind: 'status', status: 422, message: `Cannot process request of TOKEN` }],
		[
			'429 persistent',
			{
				kind: 'status',
				status: 429,
				retryAfter: '1',
				times: Infinity,
				message: `Slow down, TOKEN`,
			},
		],
	];

	it.each(echoes)('%s, for every operation', async (_name, template) => {
		const fault = { ...template, message: template.message?.replace('TOKEN', sim.token) };
		for (const op of OPERATIONS) {
			sim.reset();
			const scanned = await scanRun({
				parameters: op.parameters(sim),
				items: op.items,
				continueOnFail: op.continueOnFail,
				fault: { ...fault, path: op.path, method: op.method },
			});
			expect({ op: op.id, leaks: scanned.leaks }).toEqual({ op: op.id, leaks: [] });
			const said =
				scanned.result.error?.message ?? String(scanned.result.items[0]?.json.error ?? '');
			expect({ op: op.id, said }).toEqual({ op: op.id, said: expect.stringContaining('***') });
		}
	});

	it('also when the credential was pasted as "Bearer <token>" with spaces around it', async () => {
		const scanned = await scanRun({
			parameters: segments,
			apiToken: `  Bearer ${sim.token}  `,
			fault: { kind: 'successFalse', message: `Token ${sim.token} is not valid` },
		});
		expect(scanned.result.error?.message).toBe(
			'BotPenguin reported a failure: Token *** is not valid — detail one',
		);
		expect(scanned.leaks).toEqual([]);
	});

	it("in n8n's error items when Continue On Fail is on", async () => {
		const scanned = await scanRun({
			parameters: {
				resource: 'contact',
				operation: 'delete',
				contactIds: sim.state.contacts[0]._id,
			},
			continueOnFail: true,
			fault: { kind: 'status', status: 401, message: `Invalid token: Bearer ${sim.token}` },
		});
		expect(scanned.result.error).toBeUndefined();
		expect(scanned.result.items).toHaveLength(1);
		expect(String(scanned.result.items[0].json.error)).toContain('Bearer ***');
		expect(scanned.leaks).toEqual([]);
	});
});

describe('the import stops nothing silently', () => {
	const contacts = Array.from({ length: 5 }, (_, n) => ({
		phone: `+44 20 7946 09${n}0`,
		name: `Contact ${n + 1}`,
	}));
	const upsert: INodeParameters = {
		resource: 'contact',
		operation: 'upsert',
		source: 'fields',
		phone: '={{ $json.phone }}',
		name: '={{ $json.name }}',
		// One batch after another: these scenarios follow the batches in order.
		options: { batchSize: 2, parallelRequests: 1 },
	};

	it('a batch failing in the middle fails the node (Continue On Fail off) with the counts, without the token', async () => {
		const scanned = await scanRun({
			parameters: upsert,
			items: contacts,
			fault: {
				kind: 'status',
				status: 500,
				path: '/inbox/users/import',
				afterRequests: 1,
				message: `db error for ${sim.token}`,
			},
		});
		expect(sim.requests.map((request) => request.status)).toEqual([200, 500, 200]);
		expect(scanned.result.error?.message).toBe(
			'1 of 3 import batches failed: BotPenguin had a server error (HTTP 500): db error for ***',
		);
		expect(scanned.result.error?.description).toMatch(
			/Batches 2 \(2 contacts\) failed; 3 contacts were imported/,
		);
		expect(scanned.leaks).toEqual([]);
	});

	it("the summary keeps the node's message when the batch failed without a response", async () => {
		const scanned = await scanRun({
			parameters: upsert,
			items: contacts,
			fault: { kind: 'reset', path: '/inbox/users/import', afterRequests: 1, times: Infinity },
		});
		expect(scanned.result.error?.message).toBe(
			'2 of 3 import batches failed: The connection to BotPenguin was closed before an answer arrived (ECONNRESET)',
		);
		expect(scanned.result.error?.description).toMatch(/Gave up after 4 attempts/);
		expect(scanned.result.error?.description).toMatch(
			/Batches 2, 3 \(3 contacts\) failed; 2 contacts were imported/,
		);
		expect(scanned.leaks).toEqual([]);
	});

	it('with Continue On Fail every contact is an item: sent, failed with the batch error, or not sent after a fatal error', async () => {
		const scanned = await scanRun({
			parameters: upsert,
			items: contacts,
			continueOnFail: true,
			fault: { kind: 'status', status: 401, path: '/inbox/users/import', afterRequests: 1 },
		});
		const out = scanned.result.items.map((item) => item.json);
		expect(out.map((json) => json.status)).toEqual(['sent', 'sent', 'failed', 'failed', 'failed']);
		expect(out.map((json) => json.batch)).toEqual([1, 1, 2, 2, 3]);
		expect(out[2].error).toMatch(/rejected the API token \(HTTP 401\)/);
		expect(out[4].error).toMatch(
			/^Not sent: an earlier batch failed with "BotPenguin rejected the API token/,
		);
		expect(out.map((json) => (json.contact as IDataObject).phone)).toEqual(
			contacts.map((contact) => contact.phone.replace(/\s/g, '')),
		);
		// Batch 3 was never sent: the token is wrong for every request.
		expect(sim.requests).toHaveLength(2);
		expect(scanned.leaks).toEqual([]);
	});
});
