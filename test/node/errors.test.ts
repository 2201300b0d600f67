import { logs } from '../helpers/engine';
import type { RunOptions } from '../helpers/engine';
import { pick } from '../helpers/operations';
import type { Entry, OperationName } from '../helpers/operations';
import {
	errorOf,
	errorText,
	jsonOf,
	requestsTo,
	useSimulator,
	wrongCredentials,
} from '../helpers/scenario';

const s = useSimulator();

const TOKEN_HELP = /More → API Tokens/;

const returnAll: Entry = { parameters: { returnAll: true } };

/** One operation per kind of code path: declarative list, declarative write, custom import, lead update. */
const operations = pick({
	'segment → Get Many': returnAll,
	'contact → Get Many': returnAll,
	'contact → Get': {},
	'contact → Delete': {},
	'contact → Create or Update': {},
	'lead → Get Many': {},
	'lead → Update': {},
});
const NAMES = operations.names;
const parametersOf = (name: OperationName) => operations.parameters(name, s.sim);

describe('BotPenguin answers HTTP 200 with success:false', () => {
	it.each(NAMES)('%s fails with BotPenguin’s message and the strings in data', async (name) => {
		s.sim.addFault({ kind: 'successFalse', message: 'Plan limit reached', times: Infinity });
		const result = await s.run(parametersOf(name));
		const error = errorOf(result);
		expect(error.message).toContain(
			'BotPenguin reported a failure: Plan limit reached — detail one',
		);
		// Not a passing failure: sent once, not retried.
		expect(s.sim.requests).toHaveLength(1);
		expect(result.items).toEqual([]);
	});
});

describe('a rejected API token', () => {
	it.each(NAMES)('%s: HTTP 401 says the token was rejected and where to get one', async (name) => {
		const result = await s.run(parametersOf(name), { credentials: wrongCredentials(s.sim) });
		const error = errorOf(result);
		expect(error.message).toContain(
			'BotPenguin rejected the API token (HTTP 401): The token being used is incorrect.',
		);
		expect(error.description).toMatch(TOKEN_HELP);
		expect(s.sim.requests).toHaveLength(1);
		expect(s.sim.requests[0].status).toBe(401);
	});

	it.each(NAMES)(
		'%s: HTTP 400 with a message about the token is read as a rejected token',
		async (name) => {
			s.sim.setOptions({ badTokenStatus: 400 });
			const result = await s.run(parametersOf(name), { credentials: wrongCredentials(s.sim) });
			const error = errorOf(result);
			expect(error.message).toContain('BotPenguin rejected the API token (HTTP 400)');
			expect(error.description).toMatch(TOKEN_HELP);
			expect(s.sim.requests.map((request) => request.status)).toEqual([400]);
		},
	);

	it('a plain HTTP 400 is not mistaken for a token problem', async () => {
		s.sim.addFault({ kind: 'status', status: 400, message: 'ids must be a non-empty array' });
		const error = errorOf(await s.run(parametersOf('contact → Delete')));
		expect(error.message).toBe(
			'BotPenguin rejected the request (HTTP 400): ids must be a non-empty array',
		);
		expect(error.description).not.toMatch(TOKEN_HELP);
	});
});

describe('the API token never shows up in an error', () => {
	it.each(NAMES)('%s: a token echoed by BotPenguin is redacted from the message', async (name) => {
		const { sim } = s;
		sim.addFault({
			kind: 'status',
			status: 400,
			message: `Token ${sim.token} is not allowed here`,
			times: Infinity,
		});
		logs.length = 0;
		// Pasted with "Bearer " and spaces: every form of the token must be hidden.
		const result = await s.run(parametersOf(name), {
			credentials: { apiToken: `  Bearer ${sim.token} `, baseUrl: sim.url },
		});
		const text = errorText(result);
		expect(text).toContain('***');
		expect(text).not.toContain(sim.token);
		expect(JSON.stringify(result.run)).not.toContain(sim.token);
		// n8n's own logger is captured too (it logs the failed node's error), so this check sees it.
		expect(logs.join('\n')).toContain('is not allowed here');
		expect(logs.join('\n')).not.toContain(sim.token);
	});

	it('success:false echoing the token is redacted as well', async () => {
		const { sim } = s;
		sim.addFault({ kind: 'successFalse', message: `Unknown key ${sim.token}` });
		const result = await s.run(parametersOf('segment → Get Many'));
		expect(errorOf(result).message).toBe(
			'BotPenguin reported a failure: Unknown key *** — detail one',
		);
		expect(JSON.stringify(result.run)).not.toContain(sim.token);
	});

	it('a wrong token is not repeated in the error either', async () => {
		const credentials = wrongCredentials(s.sim);
		const result = await s.run(parametersOf('contact → Create or Update'), { credentials });
		expect(errorOf(result).message).toContain('rejected the API token');
		expect(JSON.stringify(result.run)).not.toContain(credentials.apiToken);
	});
});

describe('Continue On Fail with several items', () => {
	const update = (agentId: string, botId?: string) => ({ agentId, botId });

	it('lead → Update: the failing items become error items, the others are updated', async () => {
		const { sim } = s;
		const uuid = sim.state.chats[0].uuid;
		// Items 0 and 4 both succeed; n8n sends them at once, so they must not touch the same lead.
		const other = sim.state.chats[1].uuid;
		const result = await s.run(
			{
				resource: 'lead',
				operation: 'update',
				uuid: '={{ $json.uuid }}',
				botId: '={{ $json.botId }}',
				customerId: sim.customerId,
				updateFields: { agentId: '={{ $json.agentId }}' },
			},
			{
				continueOnFail: true,
				items: [
					{ uuid, ...update('640f472d173951357f08edee', sim.botId) },
					{ uuid, ...update('not-an-agent', sim.botId) },
					{ uuid: ' ', ...update('640f472d173951357f08edee', sim.botId) },
					// Well-formed, but not a bot of this account: BotPenguin answers 400.
					{ uuid, ...update('640f479fa79ef02edfb33dfc', '640f479fa79ef02edfb33dff') },
					{ uuid: other, ...update('640f479fa79ef02edfb33dfc', sim.botId) },
				],
			},
		);
		expect(result.error).toBeUndefined();
		const out = jsonOf(result);
		expect(out).toHaveLength(5);
		expect(out[0]).toMatchObject({ success: true, agentId: '640f472d173951357f08edee' });
		expect(out[1]).toEqual({ error: 'Invalid Agent ID: "not-an-agent" is not a BotPenguin ID' });
		expect(out[2]).toEqual({ error: 'Invalid UUID: is empty' });
		expect(out[3]).toEqual({
			error:
				'BotPenguin rejected the request (HTTP 400): No bot found for this botId and customerId',
		});
		expect(out[4]).toMatchObject({ success: true, agentId: '640f479fa79ef02edfb33dfc' });
		// Only the items that passed validation were sent.
		expect(requestsTo(sim, 'PUT', '/inbox/direct/lead')).toHaveLength(3);
		expect(sim.state.chats.find((chat) => chat.uuid === uuid)?._agentAssigned).toBe(
			'640f472d173951357f08edee',
		);
		expect(sim.state.chats.find((chat) => chat.uuid === other)?._agentAssigned).toBe(
			'640f479fa79ef02edfb33dfc',
		);
	});

	it('lead → Update without Continue On Fail: the run fails with the first bad item', async () => {
		const { sim } = s;
		const result = await s.run(
			{
				resource: 'lead',
				operation: 'update',
				uuid: sim.state.chats[0].uuid,
				botId: sim.botId,
				customerId: sim.customerId,
				updateFields: { agentId: '={{ $json.agentId }}' },
			},
			{ items: [{ agentId: '640f472d173951357f08edee' }, { agentId: 'nope' }] },
		);
		expect(errorOf(result).message).toBe('Invalid Agent ID: "nope" is not a BotPenguin ID');
		expect(result.items).toEqual([]);
	});

	it('contact → Get Many: an item with a bad filter becomes an error item, the other lists its contacts', async () => {
		const result = await s.run(
			{
				resource: 'contact',
				operation: 'getAll',
				limit: 3,
				filters: { agentIds: '={{ $json.agent }}' },
			},
			{
				continueOnFail: true,
				items: [
					{ agent: 'x' },
					{ agent: s.sim.state.contacts.flatMap((contact) => contact._agentAssigned)[0] },
				],
			},
		);
		const out = jsonOf(result);
		expect(out[0]).toEqual({ error: 'Invalid Filters → Agent IDs: "x" is not a BotPenguin ID' });
		expect(out.length).toBeGreaterThan(1);
		expect(out.slice(1).every((json) => typeof json.id === 'string')).toBe(true);
		expect(s.sim.requests).toHaveLength(1);
	});

	it('contact → Create or Update: a batch BotPenguin rejects is reported per contact, the other batches are sent', async () => {
		const { sim } = s;
		sim.addFault({
			kind: 'status',
			status: 400,
			message: 'Validation failed',
			path: '/inbox/users/import',
			afterRequests: 1,
		});
		const phones = [
			'+91 98765 00001',
			'+91 98765 00002',
			'+91 98765 00003',
			'+91 98765 00004',
			'+91 98765 00005',
		];
		const result = await s.run(
			{
				resource: 'contact',
				operation: 'upsert',
				phone: '={{ $json.phone }}',
				options: { batchSize: 2 },
			},
			{ continueOnFail: true, items: phones.map((phone) => ({ phone })) },
		);
		expect(result.error).toBeUndefined();
		expect(requestsTo(sim, 'POST', '/inbox/users/import').map((request) => request.status)).toEqual(
			[200, 400, 200],
		);
		const out = jsonOf(result);
		expect(out.map((json) => [json.status, json.batch])).toEqual([
			['sent', 1],
			['sent', 1],
			['failed', 2],
			['failed', 2],
			['sent', 3],
		]);
		expect(out[2].error).toBe('BotPenguin rejected the request (HTTP 400): Validation failed');
	});

	it('contact → Create or Update without Continue On Fail: the run fails and says what was imported', async () => {
		const { sim } = s;
		sim.addFault({
			kind: 'status',
			status: 400,
			message: 'Validation failed',
			path: '/inbox/users/import',
			afterRequests: 1,
		});
		const result = await s.run(
			{
				resource: 'contact',
				operation: 'upsert',
				phone: '={{ $json.phone }}',
				options: { batchSize: 2 },
			},
			{
				items: ['+91 98765 00001', '+91 98765 00002', '+91 98765 00003'].map((phone) => ({
					phone,
				})),
			},
		);
		const error = errorOf(result);
		expect(error.message).toBe(
			'1 of 2 import batches failed: BotPenguin rejected the request (HTTP 400): Validation failed',
		);
		expect(error.description).toContain('Batches 2 (1 contacts) failed; 2 contacts were imported.');
		expect(requestsTo(sim, 'POST', '/inbox/users/import')).toHaveLength(2);
	});

	/** `count` contacts, one per item and one per batch, with Continue On Fail on. */
	const importOneByOne = (count: number, extra: Partial<RunOptions> = {}) =>
		s.run(
			{
				resource: 'contact',
				operation: 'upsert',
				phone: '={{ $json.phone }}',
				options: { batchSize: 1 },
			},
			{
				continueOnFail: true,
				items: Array.from({ length: count }, (_, index) => ({
					phone: `+91 98765 0000${index + 1}`,
				})),
				...extra,
			},
		);

	it.each([
		[403, /^BotPenguin rejected the request \(HTTP 403\)/],
		[404, /^BotPenguin rejected the request \(HTTP 404\)/],
	] as const)(
		'contact → Create or Update: after HTTP %s (affects every batch) no further batch is sent',
		async (status, message) => {
			s.sim.addFault({ kind: 'status', status, path: '/inbox/users/import', times: Infinity });
			const result = await importOneByOne(2);
			expect(s.sim.requests).toHaveLength(1);
			const out = jsonOf(result);
			expect(out.map((json) => json.status)).toEqual(['failed', 'failed']);
			expect(out[0].error).toMatch(message);
			expect(out[1].error).toMatch(/^Not sent: an earlier batch failed/);
			if (status === 404)
				expect(out[0].errorDescription).toContain("Check the credential's Base URL");
		},
	);

	it.each([401, 400] as const)(
		'contact → Create or Update: after a token rejected with HTTP %s no further batch is sent',
		async (status) => {
			s.sim.setOptions({ badTokenStatus: status });
			const result = await importOneByOne(3, { credentials: wrongCredentials(s.sim) });
			expect(s.sim.requests).toHaveLength(1);
			const out = jsonOf(result);
			expect(out.map((json) => json.status)).toEqual(['failed', 'failed', 'failed']);
			expect(out[0].error).toMatch(
				new RegExp(`^BotPenguin rejected the API token \\(HTTP ${status}\\)`),
			);
			expect(out[1].error).toMatch(
				/^Not sent: an earlier batch failed with "BotPenguin rejected the API token/,
			);
		},
	);
});
