import { jsonOf, useSimulator } from '../helpers/scenario';

const s = useSimulator();

describe('segment → Get Many', () => {
	it('Return All lists every segment of the account from one GET /inbox/segments', async () => {
		const { sim } = s;
		const result = await s.run({ resource: 'segment', operation: 'getAll', returnAll: true });
		expect(result.error).toBeUndefined();
		expect(sim.state.segments.length).toBeGreaterThanOrEqual(3);
		expect(jsonOf(result)).toEqual(sim.state.segments);
		expect(sim.requests).toHaveLength(1);
		expect(sim.requests[0]).toMatchObject({
			method: 'GET',
			path: '/inbox/segments',
			query: {},
			body: undefined,
		});
	});

	it('Limit 2 returns the first two segments, still from one request', async () => {
		const { sim } = s;
		const result = await s.run({
			resource: 'segment',
			operation: 'getAll',
			returnAll: false,
			limit: 2,
		});
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toEqual(sim.state.segments.slice(0, 2));
		expect(sim.requests).toHaveLength(1);
	});

	it('a Limit above the number of segments returns them all', async () => {
		const { sim } = s;
		const result = await s.run({ resource: 'segment', operation: 'getAll', limit: 500 });
		expect(jsonOf(result).map((segment) => segment.segmentName)).toEqual(
			sim.state.segments.map((segment) => segment.segmentName),
		);
	});
});
