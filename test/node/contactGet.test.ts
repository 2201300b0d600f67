/**
 * Contact → Get: one search request (`searchText`), then only exact matches, paired with their item.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { BotPenguinInbox } from '../../nodes/BotPenguinInbox/BotPenguinInbox.node.ts';
import { addContact, bodyOf, errorOf, jsonOf, requestsTo, useSimulator } from '../helpers/scenario';

const s = useSimulator({ pageSize: 20, contacts: 45 });

const USERS = '/inbox/users';
const NATIONAL = '7000012345';

function get(parameters: INodeParameters): INodeParameters {
	return { resource: 'contact', operation: 'get', ...parameters };
}

const byEmail = (email: string, extra: INodeParameters = {}) =>
	get({ lookupBy: 'email', email, ...extra });
const byPhone = (phone: string, extra: INodeParameters = {}) =>
	get({ lookupBy: 'phone', phone, ...extra });

function bodies(): IDataObject[] {
	return requestsTo(s.sim, 'POST', USERS).map((request) => bodyOf(request));
}

function idsOf(result: Awaited<ReturnType<typeof s.run>>): unknown[] {
	return jsonOf(result).map((json) => json.id);
}

beforeEach(() => {
	// The test numbers and addresses must not be in the seed data, or a match could be a seed contact.
	const taken = s.sim.state.contacts.some(
		(contact) =>
			contact.profile.userDetails.contact.phone.number.includes(NATIONAL) ||
			contact.profile.userDetails.contact.email.endsWith('@lookup.test'),
	);
	expect(taken).toBe(false);
});

describe('contact → Get by email', () => {
	it('finds the contact whatever the case and the spaces around the address', async () => {
		const jane = addContact(s.sim, { name: 'Jane Doe', email: 'Jane.Doe@Lookup.test' }, 7);
		const result = await s.run(byEmail('  jane.doe@LOOKUP.TEST '));
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toEqual([
			expect.objectContaining({ id: jane._id, name: 'Jane Doe', email: 'Jane.Doe@Lookup.test' }),
		]);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		const [first] = bodies();
		expect(first).toMatchObject({
			searchText: 'jane.doe@LOOKUP.TEST',
			applicableFilters: ['searchText'],
			page: 1,
		});
		// One short page, then the empty page that ends the search.
		expect(bodies().map((body) => body.page)).toEqual([1, 2]);
	});

	it('returns every contact with exactly that address, and none that only resemble it', async () => {
		const exact = [
			addContact(s.sim, { name: 'Jane Doe', email: 'jane@lookup.test' }),
			addContact(s.sim, { name: 'Jane D. (second account)', email: 'JANE@lookup.test' }, 5),
		];
		// BotPenguin's search finds all of these; none of them has the address.
		const resembling = [
			addContact(s.sim, { name: 'Other', email: 'jane@lookup.test.au' }, 2),
			addContact(s.sim, { name: 'Other', email: 'mary.jane@lookup.test' }, 3),
			addContact(s.sim, { name: 'jane@lookup.test', email: 'someone@else.test' }, 4),
		];
		const search = await s.run({
			resource: 'contact',
			operation: 'getAll',
			returnAll: true,
			filters: { searchText: 'jane@lookup.test' },
		});
		expect([...idsOf(search)].sort()).toEqual(
			[...exact, ...resembling].map((contact) => contact._id).sort(),
		);

		const result = await s.run(byEmail('jane@lookup.test'));
		expect(result.error).toBeUndefined();
		expect(idsOf(result)).toEqual(exact.map((contact) => contact._id));
	});

	it('also matches an address kept only as an "email" attribute (imported contacts)', async () => {
		const imported = addContact(s.sim, { name: 'Imported' });
		imported.profile.userDetails.attributes = [{ key: 'email', value: 'imported@lookup.test' }];
		// The simulator's search does not look into attributes: the address is also in the name here.
		imported.profile.userDetails.userProvidedName = 'Imported imported@lookup.test';
		const result = await s.run(byEmail('Imported@Lookup.test'));
		expect(idsOf(result)).toEqual([imported._id]);
	});

	it('a match on page 3 of the search results is found, and the search ends at the empty page', async () => {
		for (let n = 0; n < 44; n++) {
			addContact(s.sim, { name: `Near miss ${n}`, email: `${n}.jane@lookup.test` });
		}
		const jane = addContact(s.sim, { name: 'Jane', email: 'jane@lookup.test' }, 44);
		const result = await s.run(byEmail('jane@lookup.test'));
		expect(result.error).toBeUndefined();
		expect(idsOf(result)).toEqual([jane._id]);
		// Page 3 is short (5 of 20); Stop at Short Page is off by default, so page 4 (empty) ends it.
		expect(bodies().map((body) => body.page)).toEqual([1, 2, 3, 4]);
		expect(bodies().every((body) => body.searchText === 'jane@lookup.test')).toBe(true);
	});

	it('with Stop at Short Page on, the search ends at the short page without asking for the empty one', async () => {
		for (let n = 0; n < 44; n++) {
			addContact(s.sim, { name: `Near miss ${n}`, email: `${n}.jane@lookup.test` });
		}
		const jane = addContact(s.sim, { name: 'Jane', email: 'jane@lookup.test' }, 44);
		const result = await s.run(byEmail('jane@lookup.test', { options: { stopAtShortPage: true } }));
		expect(result.error).toBeUndefined();
		expect(idsOf(result)).toEqual([jane._id]);
		expect(bodies().map((body) => body.page)).toEqual([1, 2, 3]);
	});

	it('reads one page at a time: Parallel Requests is not an option of Get, and is ignored if set', async () => {
		for (let n = 0; n < 44; n++) {
			addContact(s.sim, { name: `Near miss ${n}`, email: `${n}.jane@lookup.test` });
		}
		const result = await s.run(byEmail('jane@lookup.test', { options: { parallelRequests: 8 } }));
		expect(result.error).toBeUndefined();
		expect(bodies().map((body) => body.page)).toEqual([1, 2, 3, 4]);
		expect(s.sim.peakInFlight).toBe(1);
		const getOptions = new BotPenguinInbox().description.properties.find(
			(property) =>
				property.name === 'options' &&
				property.displayOptions?.show?.operation?.includes('get') === true &&
				property.displayOptions.show.resource?.includes('contact') === true,
		);
		const names = (getOptions?.options ?? []).map((option) => (option as { name: string }).name);
		expect(names).toEqual(expect.arrayContaining(['maxPages', 'maxRetries', 'stopAtShortPage']));
		expect(names).not.toContain('parallelRequests');
	});

	it('Simplify off returns the contact as BotPenguin sent it', async () => {
		const jane = addContact(s.sim, { email: 'jane@lookup.test' });
		const result = await s.run(byEmail('jane@lookup.test', { simplify: false }));
		expect(jsonOf(result)).toEqual([JSON.parse(JSON.stringify(jane))]);
	});
});

describe('contact → Get by phone', () => {
	it.each([
		['prefix and number', { phone: { prefix: '91', number: NATIONAL } }],
		['a prefix stored with "+"', { phone: { prefix: '+91', number: NATIONAL } }],
		['the whole number with "+" in number', { phone: { prefix: '', number: `+91${NATIONAL}` } }],
		['the whole number without "+" in number', { phone: { prefix: '', number: `91${NATIONAL}` } }],
		['a national number with its trunk 0', { phone: { prefix: '91', number: `0${NATIONAL}` } }],
		['only whatsAppNumber, "+" and a space', { whatsAppNumber: `+91 ${NATIONAL}` }],
		['only whatsAppNumber, digits', { whatsAppNumber: `91${NATIONAL}` }],
	])('finds a contact whose phone is stored as %s', async (_form, details) => {
		const contact = addContact(s.sim, { name: 'Phone Contact', ...details }, 9);
		const result = await s.run(byPhone('+91 70000-12345'));
		expect(result.error).toBeUndefined();
		expect(idsOf(result)).toEqual([contact._id]);
		// The national number digits: what BotPenguin keeps in `number`.
		expect(bodies()[0]).toMatchObject({ searchText: NATIONAL, applicableFilters: ['searchText'] });
	});

	it('the same national number in another country is not the contact', async () => {
		const india = addContact(s.sim, { phone: { prefix: '91', number: NATIONAL } });
		addContact(s.sim, { phone: { prefix: '44', number: NATIONAL } });
		addContact(s.sim, { phone: { prefix: '91', number: `${NATIONAL}9` } });
		const result = await s.run(byPhone(`+91${NATIONAL}`));
		expect(idsOf(result)).toEqual([india._id]);
	});

	it('a number without "+" uses Country Code, as Create or Update does', async () => {
		const contact = addContact(s.sim, { phone: { prefix: '91', number: NATIONAL } });
		const result = await s.run(
			byPhone(`0${NATIONAL.slice(0, 5)} ${NATIONAL.slice(5)}`, { countryCode: '+91' }),
		);
		expect(idsOf(result)).toEqual([contact._id]);
	});
});

describe('contact → Get: not found', () => {
	it('gives no item and no error by default', async () => {
		addContact(s.sim, { email: 'jane@lookup.test.au' });
		const result = await s.run(byEmail('jane@lookup.test'));
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([]);
	});

	it('with Error If Not Found the item fails with a message naming the value', async () => {
		addContact(s.sim, { email: 'jane@lookup.test.au' });
		const result = await s.run(byEmail('jane@lookup.test', { options: { errorIfNotFound: true } }));
		const error = errorOf(result);
		expect(error.message).toBe('No contact with the email "jane@lookup.test"');
		expect(error.description).toContain('found 1 contact(s)');
		expect(error.description).toContain('Error If Not Found');
	});

	it('with Error If Not Found and Continue On Fail, only the missing one is an error item', async () => {
		const jane = addContact(s.sim, { email: 'jane@lookup.test' });
		const result = await s.run(
			byEmail('={{ $json.email }}', { options: { errorIfNotFound: true } }),
			{
				continueOnFail: true,
				items: [{ email: 'nobody@lookup.test' }, { email: 'jane@lookup.test' }],
			},
		);
		expect(result.error).toBeUndefined();
		const byItem = (index: number) =>
			result.items.filter((item) => (item.pairedItem as { item: number }).item === index);
		expect(byItem(0).map((item) => item.json)).toEqual([
			{ error: 'No contact with the email "nobody@lookup.test"' },
		]);
		expect(byItem(1).map((item) => item.json.id)).toEqual([jane._id]);
	});
});

describe('contact → Get: bad input fails before any request', () => {
	it.each([
		[byEmail('jane@'), 'Invalid Email: "jane@" is not an email address'],
		[byEmail('={{ " " }}'), 'Invalid Email: "" is not an email address'],
		[byPhone('call me maybe'), 'Invalid Phone: "call me maybe" contains characters'],
		[byPhone('+999 1234 5678'), 'Invalid Phone: "+999 1234 5678" does not start with a known'],
		[byPhone('98765 43210'), 'Invalid Phone: "98765 43210" has no country code'],
		[byPhone('98765 43210', { countryCode: '999' }), 'Invalid Country Code: "999"'],
	])('%j → %s', async (parameters, message) => {
		const result = await s.run(parameters);
		expect(errorOf(result).message).toContain(message);
		expect(s.sim.requests).toEqual([]);
	});

	it('a phone without country code says to set Country Code (a field of this operation)', async () => {
		const error = errorOf(await s.run(byPhone('98765 43210')));
		expect(error.description).toContain('set Country Code');
		expect(error.description).not.toContain('Additional Fields');
	});

	it('one bad item among several: nothing is sent at all', async () => {
		addContact(s.sim, { email: 'jane@lookup.test' });
		const result = await s.run(byEmail('={{ $json.email }}'), {
			items: [{ email: 'jane@lookup.test' }, { email: 'not an email' }],
		});
		expect(errorOf(result).message).toBe('Invalid Email: "not an email" is not an email address');
		expect(s.sim.requests).toEqual([]);
	});
});

describe('contact → Get: several input items', () => {
	it('each item gets its own results, paired with it', async () => {
		const jane = addContact(s.sim, { email: 'jane@lookup.test' });
		const twins = [
			addContact(s.sim, { email: 'twin@lookup.test' }, 3),
			addContact(s.sim, { email: 'Twin@lookup.test' }, 12),
		];
		const phone = addContact(s.sim, { phone: { prefix: '91', number: NATIONAL } }, 20);
		const result = await s.run(
			get({
				lookupBy: '={{ $json.by }}',
				email: '={{ $json.email }}',
				phone: '={{ $json.phone }}',
			}),
			{
				items: [
					{ by: 'email', email: 'twin@lookup.test' },
					{ by: 'email', email: 'nobody@lookup.test' },
					{ by: 'phone', phone: `+91 ${NATIONAL}` },
					{ by: 'email', email: 'jane@lookup.test' },
				],
			},
		);
		expect(result.error).toBeUndefined();
		const pairs = result.items.map((item) => [
			(item.pairedItem as { item: number }).item,
			item.json.id,
		]);
		expect(pairs.sort()).toEqual(
			[
				[0, twins[0]._id],
				[0, twins[1]._id],
				[2, phone._id],
				[3, jane._id],
			].sort(),
		);
	});
});
