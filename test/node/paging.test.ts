import { pick } from '../helpers/operations';
import type { OperationName } from '../helpers/operations';
import { errorOf, jsonOf, someEmail, useSimulator } from '../helpers/scenario';

const s = useSimulator({ pageSize: 20 });

/** The two paged listings: contacts (page in the POST body) and leads (page in the query). */
const listings = pick<{ pageOf: (index: number) => unknown }>({
	'contact → Get Many': {
		pageOf: (index) => (s.sim.requests[index].body as { page: number }).page,
	},
	'lead → Get Many': { pageOf: (index) => Number(s.sim.requests[index].query.page) },
});
const NAMES = listings.names;
const listing = (name: OperationName) =>
	[name, listings.parameters(name, s.sim), listings.extra(name).pageOf] as const;

describe.each(NAMES)('%s against a server that misbehaves with pages', (name) => {
	it('a server that ignores the page number stops Return All with a clear error after 2 requests', async () => {
		const [, parameters, pageOf] = listing(name);
		s.sim.addFault({ kind: 'ignorePage', times: Infinity });
		const result = await s.run({
			...parameters,
			returnAll: true,
			options: { parallelRequests: 1 },
		});
		const error = errorOf(result);
		expect(error.message).toBe('BotPenguin sent page 2 with only records it had already sent');
		expect(error.description).toContain('The server seems to ignore the page number');
		expect(error.description).toContain('20 distinct records were received');
		expect(s.sim.requests).toHaveLength(2);
		expect([pageOf(0), pageOf(1)]).toEqual([1, 2]);
	});

	it('a server that repeats the previous page stops the run the same way, without looping', async () => {
		const [, parameters] = listing(name);
		s.sim.addFault({ kind: 'repeatPage', times: Infinity });
		const result = await s.run({
			...parameters,
			returnAll: true,
			options: { parallelRequests: 1 },
		});
		expect(errorOf(result).message).toBe(
			'BotPenguin sent page 2 with only records it had already sent',
		);
		expect(s.sim.requests).toHaveLength(2);
	});

	it('a Limit within the first page is not affected by a server that ignores pages', async () => {
		const [, parameters] = listing(name);
		s.sim.addFault({ kind: 'ignorePage', times: Infinity });
		const result = await s.run({ ...parameters, limit: 15 });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toHaveLength(15);
		expect(s.sim.requests).toHaveLength(1);
	});

	it('an endless listing stops with a clear error after exactly Max Pages requests', async () => {
		const [, parameters, pageOf] = listing(name);
		s.sim.addFault({ kind: 'endless', times: Infinity });
		const result = await s.run({
			...parameters,
			returnAll: true,
			options: { maxPages: 3, parallelRequests: 1 },
		});
		const error = errorOf(result);
		expect(error.message).toBe('Stopped after 3 pages: BotPenguin kept sending full pages');
		expect(error.description).toContain('60 records were received');
		expect(error.description).toContain('Max Pages');
		expect(s.sim.requests).toHaveLength(3);
		expect([0, 1, 2].map(pageOf)).toEqual([1, 2, 3]);
		expect(result.items).toEqual([]);
	});

	it('an endless listing with a Limit ends as soon as the Limit is reached', async () => {
		const [, parameters] = listing(name);
		s.sim.addFault({ kind: 'endless', times: Infinity });
		const result = await s.run({ ...parameters, limit: 50, options: { maxPages: 5 } });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toHaveLength(50);
		expect(new Set(jsonOf(result).map((json) => json.id)).size).toBe(50);
		expect(s.sim.requests).toHaveLength(3);
	});

	it('Max Pages that the listing fits into is no error', async () => {
		const [, parameters] = listing(name);
		// 45 contacts or 25 leads: at most 3 pages of 20, the last one short.
		const result = await s.run({
			...parameters,
			returnAll: true,
			options: { maxPages: 3, stopAtShortPage: true, parallelRequests: 1 },
		});
		expect(result.error).toBeUndefined();
		const total = name.startsWith('contact') ? s.sim.state.contacts.length : 25;
		expect(jsonOf(result)).toHaveLength(total);
		expect(s.sim.requests).toHaveLength(Math.ceil(total / 20));
	});
});

describe('Return All past what n8n can hand on', () => {
	it('stops with a clear error after 100,000 records instead of crashing once every page is fetched', async () => {
		s.sim.setOptions({ pageSize: 10_000 });
		s.sim.addFault({ kind: 'endless', times: Infinity });
		const result = await s.run({
			resource: 'contact',
			operation: 'getAll',
			returnAll: true,
			simplify: false,
		});
		const error = errorOf(result);
		expect(error.message).toBe('More than 100,000 records: too many for one run of the node');
		expect(error.description).toContain('Created After / Created Before');
		// 10 full pages hold exactly 100,000; the 11th brings the record that crosses the line.
		expect(s.sim.requests).toHaveLength(11);
	}, 120_000);
});

describe('contact → Get against a server that misbehaves with pages', () => {
	const lookup = () => ({
		resource: 'contact',
		operation: 'get',
		lookupBy: 'email',
		email: someEmail(s.sim),
	});

	it.each(['ignorePage', 'repeatPage'] as const)(
		'a server that answers %s stops the search with a clear error after 2 requests',
		async (kind) => {
			s.sim.addFault({ kind, times: Infinity });
			const result = await s.run(lookup());
			expect(errorOf(result).message).toBe(
				'BotPenguin sent page 2 with only records it had already sent',
			);
			expect(s.sim.requests).toHaveLength(2);
		},
	);

	it('an endless search stops with a clear error after exactly Max Pages requests', async () => {
		s.sim.addFault({ kind: 'endless', times: Infinity });
		const result = await s.run({ ...lookup(), options: { maxPages: 3 } });
		expect(errorOf(result).message).toMatch(/^Stopped after 3 pages of search results for Email/);
		expect(errorOf(result).description).toContain('Max Pages');
		expect(s.sim.requests).toHaveLength(3);
	});
});
