/* eslint-disable @n8n/community-nodes/no-restricted-imports -- a test proxy server */
/**
 * Settings → Request Options → Proxy: RoutingNode applies it to the declarative operations; the
 * import and the Segments dropdown make their requests from code and must apply it themselves.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { connectionOptions } from '../../nodes/BotPenguinInbox/shared/transport';
import { loadOptions } from '../helpers/engine';
import { errorOf, jsonOf, useSimulator } from '../helpers/scenario';

const s = useSimulator({ contacts: 5 });

/** A forwarding HTTP proxy on 127.0.0.1 that records the absolute URLs it was asked for. */
let proxy: http.Server;
let proxyUrl: string;
const seen: string[] = [];

beforeAll(async () => {
	proxy = http.createServer((req, res) => {
		seen.push(`${req.method} ${req.url}`);
		if (req.headers['proxy-authorization']) seen.push(`auth ${req.headers['proxy-authorization']}`);
		const target = new URL(req.url ?? '');
		const upstream = http.request(
			target,
			{ method: req.method, headers: { ...req.headers, host: target.host } },
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', () => {
			res.writeHead(502);
			res.end();
		});
		req.pipe(upstream);
	});
	await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
	proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
	proxy.closeAllConnections();
	await new Promise((resolve) => proxy.close(resolve));
});

beforeEach(() => {
	seen.length = 0;
});

describe('Settings → Request Options → Proxy', () => {
	it('Get Many goes through the proxy (RoutingNode applies it)', async () => {
		const result = await s.run({
			resource: 'contact',
			operation: 'getAll',
			limit: 2,
			requestOptions: { proxy: proxyUrl },
		});
		expect(result.error).toBeUndefined();
		expect(seen).toEqual([`POST ${s.sim.url}/inbox/users`]);
	});

	it('the import goes through the proxy too', async () => {
		const result = await s.run({
			resource: 'contact',
			operation: 'upsert',
			phone: '+91 98765 43210',
			requestOptions: { proxy: proxyUrl },
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)[0].status).toBe('sent');
		expect(seen).toEqual([`POST ${s.sim.url}/inbox/users/import`]);
		expect(s.sim.requests).toHaveLength(1);
	});

	it('the Segments dropdown goes through the proxy of the node it belongs to', async () => {
		const options = await loadOptions('getSegments', {
			parameters: { resource: 'contact', operation: 'getAll', requestOptions: { proxy: proxyUrl } },
			credentials: s.credentials,
		});
		expect(options.length).toBeGreaterThan(0);
		expect(seen).toEqual([`GET ${s.sim.url}/inbox/segments`]);
	});

	it('a proxy with a user name and password logs in to the proxy', async () => {
		const withLogin = proxyUrl.replace('http://', 'http://proxy%20user:p%40ss@');
		const result = await s.run({
			resource: 'contact',
			operation: 'upsert',
			phone: '+91 98765 43210',
			requestOptions: { proxy: withLogin },
		});
		expect(result.error).toBeUndefined();
		const login = Buffer.from('proxy user:p@ss').toString('base64');
		expect(seen).toEqual([`POST ${s.sim.url}/inbox/users/import`, `auth Basic ${login}`]);
	});

	it('a proxy that is not a URL fails the import before anything is sent, without its password', async () => {
		const result = await s.run({
			resource: 'contact',
			operation: 'upsert',
			phone: '+91 98765 43210',
			requestOptions: { proxy: 'http://me:s3cret@not a host:3128' },
		});
		const error = errorOf(result);
		expect(error.message).toBe(
			'Invalid Settings → Request Options → Proxy: "http://***@not a host:3128"',
		);
		// (The run data holds the node's parameters as typed; the error itself must not repeat them.)
		expect(`${error.message} ${error.description ?? ''}`).not.toContain('s3cret');
		expect(seen).toEqual([]);
		expect(s.sim.requests).toEqual([]);
	});
});

describe('connectionOptions', () => {
	const node = { name: 'BotPenguin Inbox' } as Parameters<typeof connectionOptions>[0];

	it('Ignore SSL Issues turns off certificate checks, and only when it is on', () => {
		expect(connectionOptions(node, { allowUnauthorizedCerts: true })).toEqual({
			skipSslCertificateValidation: true,
		});
		expect(connectionOptions(node, { allowUnauthorizedCerts: false })).toEqual({});
		expect(connectionOptions(node, {})).toEqual({});
	});

	it("a proxy without a port uses its scheme's default port, as n8n does for the other operations", () => {
		expect(connectionOptions(node, { proxy: 'http://proxy.example.com' }).proxy).toMatchObject({
			port: 80,
		});
		expect(connectionOptions(node, { proxy: 'http://proxy.example.com:80' }).proxy).toMatchObject({
			port: 80,
		});
		expect(connectionOptions(node, { proxy: 'https://proxy.example.com' }).proxy).toMatchObject({
			port: 443,
			protocol: 'https',
		});
	});

	it('a proxy without a scheme is taken as http', () => {
		expect(connectionOptions(node, { proxy: 'proxy.example.com:3128' })).toEqual({
			proxy: { host: 'proxy.example.com', port: 3128, protocol: 'http' },
		});
	});
});
