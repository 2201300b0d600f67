import type { INodeParameters } from 'n8n-workflow';

import { errorOf, jsonOf, requestsTo, useSimulator } from '../helpers/scenario';

const s = useSimulator();

const STATUS_UPDATE = '/inbox/users/status-update';

function contactIds(count: number): string[] {
	return s.sim.state.contacts.slice(0, count).map((contact) => contact._id);
}

function statusOf(id: string): string | undefined {
	return s.sim.state.contacts.find((contact) => contact._id === id)?.status;
}

const updateStatus = (parameters: INodeParameters): INodeParameters => ({
	resource: 'contact',
	operation: 'updateStatus',
	...parameters,
});
const remove = (parameters: INodeParameters): INodeParameters => ({
	resource: 'contact',
	operation: 'delete',
	...parameters,
});

describe('contact → Update Status', () => {
	it('one ID: PUT with ids and status only, and the contact gets the status', async () => {
		const [id] = contactIds(1);
		const result = await s.run(updateStatus({ contactIds: id, status: 'ONHOLD' }));
		expect(result.error).toBeUndefined();
		expect(s.sim.requests).toHaveLength(1);
		expect(s.sim.requests[0]).toMatchObject({ method: 'PUT', path: STATUS_UPDATE, status: 200 });
		expect(s.sim.requests[0].body).toEqual({ ids: [id], status: 'ONHOLD' });
		expect(jsonOf(result)).toEqual([{ success: true, message: '', ids: [id], status: 'ONHOLD' }]);
		expect(statusOf(id)).toBe('ONHOLD');
	});

	it('a comma-separated list with spaces goes out as one request with every ID, in order', async () => {
		const ids = contactIds(3);
		const result = await s.run(
			updateStatus({ contactIds: ` ${ids[0]} ,${ids[1]},  ${ids[2]} , `, status: 'CLOSED' }),
		);
		expect(result.error).toBeUndefined();
		expect(requestsTo(s.sim, 'PUT', STATUS_UPDATE).map((request) => request.body)).toEqual([
			{ ids, status: 'CLOSED' },
		]);
		expect(ids.map(statusOf)).toEqual(['CLOSED', 'CLOSED', 'CLOSED']);
	});

	it('an array from an expression goes out as one request', async () => {
		const ids = contactIds(2);
		const result = await s.run(
			updateStatus({ contactIds: `={{ ${JSON.stringify(ids)} }}`, status: 'REVIEW' }),
		);
		expect(result.error).toBeUndefined();
		expect(s.sim.requests.map((request) => request.body)).toEqual([{ ids, status: 'REVIEW' }]);
	});

	it('a status typed as an expression is sent as given', async () => {
		const [id] = contactIds(1);
		await s.run(updateStatus({ contactIds: id, status: '={{ "INPROGRESS" }}' }));
		expect(s.sim.requests[0].body).toEqual({ ids: [id], status: 'INPROGRESS' });
	});

	it('each input item is its own request with its own IDs', async () => {
		const ids = contactIds(3);
		const result = await s.run(updateStatus({ contactIds: '={{ $json.ids }}', status: 'OPEN' }), {
			items: [{ ids: [ids[0], ids[1]] }, { ids: ids[2] }],
		});
		expect(result.error).toBeUndefined();
		const sent = s.sim.requests.map((request) => request.body);
		expect(sent).toHaveLength(2);
		expect(sent).toEqual(
			expect.arrayContaining([
				{ ids: [ids[0], ids[1]], status: 'OPEN' },
				{ ids: [ids[2]], status: 'OPEN' },
			]),
		);
		expect(jsonOf(result).map((json) => json.ids)).toEqual([[ids[0], ids[1]], [ids[2]]]);
	});

	it('an empty status from an expression fails naming Status before any request', async () => {
		const result = await s.run(updateStatus({ contactIds: contactIds(1)[0], status: '={{ "" }}' }));
		expect(errorOf(result).message).toBe('Invalid Status: is empty');
		expect(s.sim.requests).toEqual([]);
	});
});

describe('contact → Delete', () => {
	it('sends status DELETED for every ID in one request and never subscriberIds', async () => {
		const ids = contactIds(2);
		const result = await s.run(remove({ contactIds: ids.join(',') }));
		expect(result.error).toBeUndefined();
		const [request] = s.sim.requests;
		expect(s.sim.requests).toHaveLength(1);
		expect(request).toMatchObject({ method: 'PUT', path: STATUS_UPDATE, status: 200 });
		expect(request.body).toEqual({ ids, status: 'DELETED' });
		expect(Object.keys(request.body as object)).not.toContain('subscriberIds');
		expect(jsonOf(result)).toEqual([{ success: true, message: '', ids, status: 'DELETED' }]);
		expect(ids.map(statusOf)).toEqual(['DELETED', 'DELETED']);
	});

	it('takes an array of IDs from an expression', async () => {
		const ids = contactIds(3);
		const result = await s.run(remove({ contactIds: `={{ ${JSON.stringify(ids)} }}` }));
		expect(result.error).toBeUndefined();
		expect(s.sim.requests.map((request) => request.body)).toEqual([{ ids, status: 'DELETED' }]);
	});
});

describe('contact → Update Status / Delete with bad Contact IDs', () => {
	it.each([
		['updateStatus', '   ', 'Invalid Contact IDs: is empty'],
		['delete', ' , ,', 'Invalid Contact IDs: is empty'],
		['delete', '={{ [] }}', 'Invalid Contact IDs: is empty'],
		['delete', 'Jane Doe', 'Invalid Contact IDs: "Jane Doe" is not a BotPenguin ID'],
		[
			'updateStatus',
			'640f472d173951357f08edee, 640f472d17395135',
			'Invalid Contact IDs: "640f472d17395135" is not a BotPenguin ID',
		],
		[
			'delete',
			'={{ ["640f472d173951357f08edee", "+919876543210"] }}',
			'Invalid Contact IDs: "+919876543210" is not a BotPenguin ID',
		],
	])('%s with %j fails before any request: %s', async (operation, ids, message) => {
		const result = await s.run({
			resource: 'contact',
			operation,
			contactIds: ids,
			status: 'CLOSED',
		});
		const error = errorOf(result);
		expect(error.message).toBe(message);
		expect(error.description).toMatch(/ID/);
		expect(s.sim.requests).toEqual([]);
	});

	it('an empty Contact IDs field is already refused by n8n, naming the field', async () => {
		await expect(s.run(remove({ contactIds: '' }))).rejects.toThrow(
			'Parameter "Contact IDs" is required',
		);
		expect(s.sim.requests).toEqual([]);
	});
});

describe('contact → Delete with several input items, one of them invalid', () => {
	const items = () => {
		const [first, second] = contactIds(2);
		return [{ id: first }, { id: second }, { id: 'not-an-id' }];
	};

	it('sends nothing at all, and the error names the field and the item', async () => {
		const input = items();
		const result = await s.run(remove({ contactIds: '={{ $json.id }}' }), { items: input });
		const error = errorOf(result);
		expect(error.message).toContain('Invalid Contact IDs');
		expect(error.message).toContain('not-an-id');
		expect(error.description).toContain(
			'Item 3 has this problem, so the other items were not sent',
		);
		// The error is the invalid item's own, with its index (not the first item's).
		expect((error as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(2);
		expect(s.sim.requests).toEqual([]);
		expect(statusOf(input[0].id)).not.toBe('DELETED');
	});

	it('with Continue On Fail the valid items are sent and the invalid one is an error item', async () => {
		const input = items();
		const result = await s.run(remove({ contactIds: '={{ $json.id }}' }), {
			items: input,
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(requestsTo(s.sim, 'PUT', STATUS_UPDATE)).toHaveLength(2);
		expect(statusOf(input[0].id)).toBe('DELETED');
		expect(statusOf(input[1].id)).toBe('DELETED');
		const out = jsonOf(result);
		expect(out).toHaveLength(3);
		expect(String(out[2].error)).toContain('Invalid Contact IDs');
	});
});

describe('several input items: Options checked with every item before anything is sent', () => {
	it('an invalid Max Retries from an expression in item 2 stops item 1 from being sent', async () => {
		const [first, second] = contactIds(2);
		const result = await s.run(
			remove({ contactIds: '={{ $json.id }}', options: { maxRetries: '={{ $json.retries }}' } }),
			{
				items: [
					{ id: first, retries: 1 },
					{ id: second, retries: 99 },
				],
			},
		);
		expect(errorOf(result).message).toBe(
			'Invalid Options → Max Retries: "99" is not a whole number from 0 to 10',
		);
		expect(s.sim.requests).toEqual([]);
		expect(statusOf(first)).not.toBe('DELETED');
	});
});
