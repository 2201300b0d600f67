import type { INodeParameters } from 'n8n-workflow';

import { BotPenguinInboxApi } from '../../credentials/BotPenguinInboxApi.credentials';
import { testCredential } from '../helpers/credentialTest';
import { errorOf, jsonOf, requestsTo, useSimulator, wrongCredentials } from '../helpers/scenario';

const s = useSimulator();

const CONTACT_A = '640f472d173951357f08edee';
const CONTACT_B = '640f479fa79ef02edfb33dfc';

/** One run of every operation, so every endpoint is called once. */
function everyOperation(): INodeParameters[] {
	const { sim } = s;
	return [
		{ resource: 'segment', operation: 'getAll', returnAll: true },
		{ resource: 'contact', operation: 'getAll', limit: 1 },
		{ resource: 'contact', operation: 'upsert', phone: '+91 98765 43210', name: 'Jane' },
		{ resource: 'contact', operation: 'updateStatus', contactIds: CONTACT_A, status: 'CLOSED' },
		{ resource: 'contact', operation: 'delete', contactIds: CONTACT_B },
		{
			resource: 'chat',
			operation: 'getAll',
			botId: sim.botId,
			customerId: sim.customerId,
			limit: 1,
		},
		{
			resource: 'lead',
			operation: 'getAll',
			botId: sim.botId,
			customerId: sim.customerId,
			limit: 1,
		},
		{
			resource: 'lead',
			operation: 'update',
			uuid: sim.state.chats[0].uuid,
			botId: sim.botId,
			customerId: sim.customerId,
			updateFields: { name: 'Jane' },
		},
	];
}

describe('the credential on the wire', () => {
	it('every request carries the bearer token and authtype Key; x-bot-token and x-bp-token only where documented', async () => {
		for (const parameters of everyOperation()) {
			const result = await s.run(parameters);
			expect(result.error).toBeUndefined();
		}
		const { sim } = s;
		expect(sim.requests.map((request) => `${request.method} ${request.path}`).sort()).toEqual(
			[
				'GET /inbox/direct/chats',
				'GET /inbox/direct/chats',
				'GET /inbox/segments',
				'POST /inbox/users',
				'POST /inbox/users/import',
				'PUT /inbox/direct/lead',
				'PUT /inbox/users/status-update',
				'PUT /inbox/users/status-update',
			].sort(),
		);
		for (const request of sim.requests) {
			const where = `${request.method} ${request.path}`;
			expect({ where, authorization: request.headers.authorization }).toEqual({
				where,
				authorization: `Bearer ${sim.token}`,
			});
			expect({ where, authtype: request.headers.authtype }).toEqual({ where, authtype: 'Key' });
			expect({ where, 'x-bot-token': request.headers['x-bot-token'] }).toEqual({
				where,
				'x-bot-token': request.path === '/inbox/direct/chats' ? sim.token : undefined,
			});
			expect({ where, 'x-bp-token': request.headers['x-bp-token'] }).toEqual({
				where,
				'x-bp-token': request.path === '/inbox/direct/lead' ? sim.token : undefined,
			});
			if (request.method !== 'GET') {
				expect({ where, type: request.headers['content-type'] }).toEqual({
					where,
					type: expect.stringMatching(/^application\/json/),
				});
			}
		}
	});

	it.each([
		['a pasted "Bearer " prefix', (token: string) => `Bearer ${token}`],
		['a lower-case "bearer" prefix and a tab', (token: string) => `bearer\t${token}`],
		['surrounding spaces and a line break', (token: string) => `  ${token} \n`],
	])('%s in the API Token is tolerated on every header', async (_label, paste) => {
		const { sim } = s;
		const credentials = { apiToken: paste(sim.token), baseUrl: sim.url };
		for (const parameters of everyOperation()) {
			const result = await s.run(parameters, { credentials });
			expect(result.error).toBeUndefined();
		}
		expect(sim.requests).toHaveLength(8);
		for (const request of sim.requests) {
			expect(request.status).toBe(200);
			expect(request.headers.authorization).toBe(`Bearer ${sim.token}`);
		}
		expect(requestsTo(sim, 'GET', '/inbox/direct/chats')[0].headers['x-bot-token']).toBe(sim.token);
		expect(requestsTo(sim, 'PUT', '/inbox/direct/lead')[0].headers['x-bp-token']).toBe(sim.token);
	});
});

describe('the Base URL', () => {
	it.each([
		['a trailing slash', (url: string) => `${url}/`],
		['surrounding spaces and a trailing slash', (url: string) => `  ${url}/ `],
	])('with %s works for declarative and custom operations alike', async (_label, write) => {
		const { sim } = s;
		const credentials = { apiToken: sim.token, baseUrl: write(sim.url) };
		const segments = await s.run(
			{ resource: 'segment', operation: 'getAll', returnAll: true },
			{ credentials },
		);
		const imported = await s.run(
			{ resource: 'contact', operation: 'upsert', phone: '+91 98765 43210' },
			{ credentials },
		);
		expect(segments.error).toBeUndefined();
		expect(imported.error).toBeUndefined();
		expect(jsonOf(segments)).toHaveLength(sim.state.segments.length);
		expect(jsonOf(imported)[0].status).toBe('sent');
		expect(sim.requests.map((request) => request.path)).toEqual([
			'/inbox/segments',
			'/inbox/users/import',
		]);
	});

	const port = () => new URL(s.sim.url).port;
	it.each([
		['http:// to a remote host', () => 'http://api.v7.botpenguin.com', /https:\/\//],
		['a path', () => `${s.sim.url}/inbox`, /path \(\/inbox\)/],
		['a query string', () => `${s.sim.url}/?region=eu`, /query string/],
		[
			'a user name and password',
			() => `http://user:secret@127.0.0.1:${port()}`,
			/user name or password/,
		],
		['no URL at all', () => 'api.v7.botpenguin.com', /is not a URL/],
	])('with %s fails before any request, naming the Base URL', async (_label, baseUrl, problem) => {
		const { sim } = s;
		const credentials = { apiToken: sim.token, baseUrl: baseUrl() };
		const runs = [
			await s.run({ resource: 'segment', operation: 'getAll', returnAll: true }, { credentials }),
			await s.run(
				{
					resource: 'chat',
					operation: 'getAll',
					botId: sim.botId,
					customerId: sim.customerId,
					returnAll: true,
				},
				{ credentials },
			),
			await s.run(
				{ resource: 'contact', operation: 'upsert', phone: '+91 98765 43210' },
				{ credentials },
			),
		];
		for (const result of runs) {
			const error = errorOf(result);
			expect(error.message).toMatch(/^Invalid Base URL in the BotPenguin Inbox credential: /);
			expect(error.message).toMatch(problem);
			expect(error.message).not.toContain(sim.token);
		}
		expect(sim.requests).toEqual([]);
	});
});

describe("the credential's test request", () => {
	it('is GET /inbox/segments, authenticated like every other request', () => {
		const { request } = new BotPenguinInboxApi().test;
		expect(request.method).toBe('GET');
		expect(request.url).toBe('/inbox/segments');
	});

	it('succeeds with the right token', async () => {
		const { sim } = s;
		const outcome = await testCredential({ apiToken: sim.token, baseUrl: sim.url });
		expect(outcome.status).toBe('OK');
		expect(sim.requests).toHaveLength(1);
		const [request] = sim.requests;
		expect(request).toMatchObject({ method: 'GET', path: '/inbox/segments', status: 200 });
		expect(request.headers.authorization).toBe(`Bearer ${sim.token}`);
		expect(request.headers.authtype).toBe('Key');
	});

	it('succeeds with a pasted "Bearer " prefix and a base URL with a trailing slash', async () => {
		const { sim } = s;
		const outcome = await testCredential({
			apiToken: ` Bearer ${sim.token} `,
			baseUrl: `${sim.url}/`,
		});
		expect(outcome.status).toBe('OK');
		expect(sim.requests.map((request) => [request.path, request.status])).toEqual([
			['/inbox/segments', 200],
		]);
		expect(sim.requests[0].headers.authorization).toBe(`Bearer ${sim.token}`);
	});

	it.each([401, 400] as const)(
		'fails when BotPenguin rejects the token with HTTP %s',
		async (status) => {
			const { sim } = s;
			sim.setOptions({ badTokenStatus: status });
			const credentials = wrongCredentials(sim);
			const outcome = await testCredential(credentials);
			expect(outcome.status).toBe('Error');
			// n8n's httpRequestWithAuthentication repeats a 401 once after pre-authentication.
			expect(sim.requests.length).toBeGreaterThanOrEqual(1);
			expect(new Set(sim.requests.map((request) => request.status))).toEqual(new Set([status]));
			expect(outcome.message).not.toContain(credentials.apiToken);
			// The credential's own rule for the status, not n8n's generic text.
			expect(outcome.message).toMatch(
				status === 401 ? /^BotPenguin rejected the API token/ : /^BotPenguin answered HTTP 400/,
			);
			expect(outcome.message).toContain('More → API Tokens');
		},
	);

	it.each([
		['a path', (url: string) => `${url}/api/v2`, 'it contains a path (/api/v2)'],
		[
			'plain http to a host that is not this machine',
			// An IPv4-mapped IPv6 address: reaches the simulator on 127.0.0.1 if the guard let it through.
			(url: string) => url.replace('127.0.0.1', '[::ffff:127.0.0.1]'),
			'it must start with https://',
		],
	])('fails before sending the token when the Base URL has %s', async (_case, change, problem) => {
		const { sim } = s;
		const outcome = await testCredential({ apiToken: sim.token, baseUrl: change(sim.url) });
		expect(outcome.status).toBe('Error');
		expect(outcome.message).toContain('Invalid Base URL in the BotPenguin Inbox credential');
		expect(outcome.message).toContain(problem);
		expect(outcome.message).not.toContain(sim.token);
		expect(sim.requests).toEqual([]);
	});

	it('fails through its rule when BotPenguin answers HTTP 200 with success:false', async () => {
		const { sim } = s;
		sim.addFault({ kind: 'successFalse', path: '/inbox/segments' });
		const outcome = await testCredential({ apiToken: sim.token, baseUrl: sim.url });
		expect(outcome).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('BotPenguin rejected the API token'),
		});
		expect(outcome.message).toContain('More → API Tokens');
		expect(sim.requests.map((request) => request.status)).toEqual([200]);
	});
});

describe("the credential's authenticate: where the token may go", () => {
	const credential = new BotPenguinInboxApi();
	const secrets = { apiToken: 'bp-secret-token', baseUrl: 'https://api.v7.botpenguin.com' };

	it('adds the token for a request to an https base URL', async () => {
		const options = await credential.authenticate(secrets, {
			baseURL: 'https://api.v7.botpenguin.com',
			url: '/inbox/segments',
		});
		expect(options.headers).toMatchObject({ Authorization: 'Bearer bp-secret-token' });
	});

	it.each([
		[{ baseURL: 'https://api.v7.botpenguin.com', url: 'http://example.com/inbox/segments' }],
		[{ url: 'http://example.com/inbox/segments' }],
		[{ uri: 'http://example.com/inbox/segments' }],
		[{ baseURL: 'https://api.v7.botpenguin.com/v2', url: '/inbox/segments' }],
	])('refuses %j without adding the token', async (request) => {
		const attempt = credential.authenticate(secrets, request as never);
		await expect(attempt).rejects.toThrow(/^Invalid Base URL in the BotPenguin Inbox credential/);
		await expect(attempt).rejects.not.toThrow(/bp-secret-token/);
	});
});
