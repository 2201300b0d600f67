/**
 * The Segments filter's dropdown (methods.loadOptions.getSegments), called as the editor calls it:
 * names shown, segment IDs sent, sorted, authenticated, retried, behind the node's proxy setting.
 */
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => {}),
}));

import { loadOptions } from '../helpers/engine';
import { useSimulator, wrongCredentials } from '../helpers/scenario';

const s = useSimulator();

const parameters = { resource: 'contact', operation: 'getAll' };

describe('Get Many → Filters → Segments dropdown', () => {
	it('lists every segment by name, sorted, with its ID as the value', async () => {
		const options = await loadOptions('getSegments', {
			parameters,
			credentials: s.credentials,
			path: 'filters.segments',
		});
		const expected = s.sim.state.segments
			.map((segment) => ({ name: String(segment.segmentName), value: String(segment._id) }))
			.sort((a, b) => a.name.localeCompare(b.name));
		expect(options).toEqual(expected);
		expect(options.length).toBeGreaterThan(1);
		expect(s.sim.requests).toHaveLength(1);
		const [request] = s.sim.requests;
		expect(request).toMatchObject({ method: 'GET', path: '/inbox/segments', status: 200 });
		expect(request.headers.authorization).toBe(`Bearer ${s.sim.token}`);
		expect(request.headers.authtype).toBe('Key');
	});

	it('retries a 503 once and then lists the segments', async () => {
		s.sim.addFault({ kind: 'status', status: 503, path: '/inbox/segments' });
		const options = await loadOptions('getSegments', { parameters, credentials: s.credentials });
		expect(options).toHaveLength(s.sim.state.segments.length);
		expect(s.sim.requests.map((request) => request.status)).toEqual([503, 200]);
	});

	it('a rejected token is an error that says so and does not contain the token', async () => {
		const credentials = wrongCredentials(s.sim);
		await expect(loadOptions('getSegments', { parameters, credentials })).rejects.toThrow(
			/BotPenguin rejected the API token/,
		);
		const error = await loadOptions('getSegments', { parameters, credentials }).catch(
			(caught: Error) => caught,
		);
		expect(JSON.stringify(error)).not.toContain(credentials.apiToken);
		expect(String((error as Error).message)).not.toContain(credentials.apiToken);
	});
});
