import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { bodyOf, errorOf, jsonOf, requestsTo, useSimulator } from '../helpers/scenario';

const s = useSimulator();

const IMPORT = '/inbox/users/import';

interface ImportElement {
	profile: {
		userDetails: {
			userProvidedName?: string;
			contact: { email?: string; phone: { prefix: string; number: string } };
			tags?: string[];
			attributes?: { key: string; value: string }[];
		};
	};
}

function imports() {
	return requestsTo(s.sim, 'POST', IMPORT).map((request) => bodyOf<ImportElement[]>(request));
}

function upsert(parameters: INodeParameters): INodeParameters {
	return { resource: 'contact', operation: 'upsert', ...parameters };
}

/** The live contact the simulator holds for a phone number, if any. */
function storedContact(prefix: string, number: string) {
	return s.sim.state.contacts.find(
		(contact) =>
			contact.profile.userDetails.contact.phone.number === number &&
			contact.profile.userDetails.contact.phone.prefix.replace('+', '') === prefix,
	);
}

describe('contact → Create or Update, one contact per item (Fields Below)', () => {
	it('sends the documented import body and reports the contact as sent', async () => {
		const result = await s.run(
			upsert({
				phone: '+91 98765-43210',
				name: 'Jane Doe',
				additionalFields: {
					email: 'jane@example.com',
					tags: 'vip, newsletter',
					attributes: { attribute: [{ key: 'plan', value: 'pro' }] },
				},
			}),
		);
		expect(result.error).toBeUndefined();
		const [request] = s.sim.requests;
		expect(s.sim.requests).toHaveLength(1);
		expect(request).toMatchObject({ method: 'POST', path: IMPORT, status: 200 });
		expect(request.body).toEqual([
			{
				profile: {
					userDetails: {
						userProvidedName: 'Jane Doe',
						contact: { email: 'jane@example.com', phone: { prefix: '91', number: '9876543210' } },
						tags: ['vip', 'newsletter'],
						attributes: [{ key: 'plan', value: 'pro' }],
					},
				},
			},
		]);
		expect(jsonOf(result)).toEqual([
			{
				status: 'sent',
				batch: 1,
				batches: 1,
				batchContacts: 1,
				contact: {
					phone: '+919876543210',
					name: 'Jane Doe',
					email: 'jane@example.com',
					tags: ['vip', 'newsletter'],
					attributes: { plan: 'pro' },
				},
				result: { message: 'User profiles imported successfully.' },
			},
		]);
		const stored = storedContact('91', '9876543210');
		expect(stored?.profile.userDetails.userProvidedName).toBe('Jane Doe');
		expect(stored?.profile.userDetails.tags).toEqual(expect.arrayContaining(['vip', 'newsletter']));
	});

	it('leaves empty fields out of the body instead of sending empty strings or lists', async () => {
		await s.run(
			upsert({
				phone: '+91 98765 43210',
				name: '   ',
				additionalFields: { email: '', tags: ' , ', attributes: {}, countryCode: '' },
			}),
		);
		expect(imports()).toEqual([
			[
				{
					profile: { userDetails: { contact: { phone: { prefix: '91', number: '9876543210' } } } },
				},
			],
		]);
		const body = JSON.stringify(imports());
		expect(body).not.toContain('""');
		expect(body).not.toContain('[]');
	});

	it.each([
		['+91 98765-43210', '', '91', '9876543210'],
		['0044 20 7946 0958', '', '44', '2079460958'],
		['+44 (0)20 7946 0958', '', '44', '2079460958'],
		['+1 (415) 555-0100', '', '1', '4155550100'],
		['98765 43210', '91', '91', '9876543210'],
		['098765 43210', '+91', '91', '9876543210'],
		['(415) 555-0100', '001', '1', '4155550100'],
		['+971 50 123 4567', '91', '971', '501234567'],
	])(
		'phone %j with Country Code %j goes out as prefix %s, number %s',
		async (phone, countryCode, prefix, number) => {
			const result = await s.run(
				upsert({ phone, additionalFields: countryCode ? { countryCode } : {} }),
			);
			expect(result.error).toBeUndefined();
			expect(imports()).toEqual([
				[{ profile: { userDetails: { contact: { phone: { prefix, number } } } } }],
			]);
			expect(jsonOf(result)[0].contact).toMatchObject({ phone: `+${prefix}${number}` });
			expect(storedContact(prefix, number)).toBeDefined();
		},
	);

	it.each([
		['98765 43210', {}, /^Invalid Phone: "98765 43210" has no country code/],
		[
			'+91 98765 4321O',
			{},
			/^Invalid Phone: .*contains characters that are not part of a phone number/,
		],
		['+91 123', {}, /^Invalid Phone: "\+91 123" is too short/],
		['+91 98765 43210 98765', {}, /^Invalid Phone: .*is too long/],
		['+999 1234 5678', {}, /^Invalid Phone: .*does not start with a known country calling code/],
		['', {}, /^Invalid Phone: is empty/],
		[
			'98765 43210',
			{ countryCode: '999' },
			/^Invalid Country Code: "999" is not a country calling code/,
		],
		[
			'+91 98765 43210',
			{ countryCode: 'abc' },
			/^Invalid Country Code: "abc" is not a country calling code/,
		],
	])(
		'phone %j %j fails the run naming the field, and nothing is sent',
		async (phone, additionalFields, message) => {
			const result = await s.run(upsert({ phone: '={{ $json.phone }}', additionalFields }), {
				items: [{ phone: '+91 98765 43210' }, { phone }],
			});
			const error = errorOf(result);
			expect(error.message).toMatch(message);
			expect(error.description).toContain('Nothing was sent.');
			expect(s.sim.requests).toEqual([]);
		},
	);

	it('a malformed email fails naming Email before any request', async () => {
		const result = await s.run(
			upsert({ phone: '+91 98765 43210', additionalFields: { email: 'jane@example' } }),
		);
		expect(errorOf(result).message).toBe('Invalid Email: "jane@example" is not an email address');
		expect(s.sim.requests).toEqual([]);
	});

	it.each([
		[
			'an empty key',
			[
				{ key: 'plan', value: 'pro' },
				{ key: ' ', value: 'x' },
			],
			'Invalid Attributes: entry 2 has an empty key',
		],
		[
			'a duplicated key',
			[
				{ key: 'plan', value: 'pro' },
				{ key: 'plan', value: 'free' },
			],
			'Invalid Attributes: the key "plan" appears more than once',
		],
	])(
		'an attribute with %s fails naming Attributes before any request',
		async (_label, attribute, message) => {
			const result = await s.run(
				upsert({ phone: '+91 98765 43210', additionalFields: { attributes: { attribute } } }),
			);
			expect(errorOf(result).message).toBe(message);
			expect(s.sim.requests).toEqual([]);
		},
	);

	it('pools the contacts of many input items into one request, in item order', async () => {
		const phones = ['+91 98765 00001', '+44 7700 900123', '+1 415 555 0100'];
		const result = await s.run(upsert({ phone: '={{ $json.phone }}', name: '={{ $json.name }}' }), {
			items: phones.map((phone, index) => ({ phone, name: `Person ${index + 1}` })),
		});
		expect(result.error).toBeUndefined();
		expect(imports()).toHaveLength(1);
		expect(imports()[0].map((element) => element.profile.userDetails.userProvidedName)).toEqual([
			'Person 1',
			'Person 2',
			'Person 3',
		]);
		expect(imports()[0].map((element) => element.profile.userDetails.contact.phone)).toEqual([
			{ prefix: '91', number: '9876500001' },
			{ prefix: '44', number: '7700900123' },
			{ prefix: '1', number: '4155550100' },
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(
			jsonOf(result).map((json) => [json.status, json.batch, json.batches, json.batchContacts]),
		).toEqual([
			['sent', 1, 1, 3],
			['sent', 1, 1, 3],
			['sent', 1, 1, 3],
		]);
	});
});

describe('contact → Create or Update, many contacts per item (A List in Each Item)', () => {
	it('takes the contacts array from an expression and pools every item’s list into one request', async () => {
		const items = [
			{
				contacts: [
					{
						phone: '+91 98765 00001',
						name: 'A',
						tags: ['vip', 'trial'],
						attributes: { plan: 'pro', seats: 3 },
					},
					{ phone: '98765 00002', countryCode: '91', email: 'b@example.com' },
				],
			},
			{ contacts: [{ phone: '+44 7700 900123', attributes: [{ key: 'source', value: 'ad' }] }] },
		];
		const result = await s.run(upsert({ source: 'list', contacts: '={{ $json.contacts }}' }), {
			items,
		});
		expect(result.error).toBeUndefined();
		expect(imports()).toEqual([
			[
				{
					profile: {
						userDetails: {
							userProvidedName: 'A',
							contact: { phone: { prefix: '91', number: '9876500001' } },
							tags: ['vip', 'trial'],
							attributes: [
								{ key: 'plan', value: 'pro' },
								{ key: 'seats', value: '3' },
							],
						},
					},
				},
				{
					profile: {
						userDetails: {
							contact: { email: 'b@example.com', phone: { prefix: '91', number: '9876500002' } },
						},
					},
				},
				{
					profile: {
						userDetails: {
							contact: { phone: { prefix: '44', number: '7700900123' } },
							attributes: [{ key: 'source', value: 'ad' }],
						},
					},
				},
			],
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 1 },
		]);
		expect(jsonOf(result).map((json) => (json.contact as IDataObject).phone)).toEqual([
			'+919876500001',
			'+919876500002',
			'+447700900123',
		]);
	});

	it('takes a single contact object (not in an array) as one contact', async () => {
		const result = await s.run(upsert({ source: 'list', contacts: '={{ $json.contact }}' }), {
			items: [{ contact: { phone: '+91 98765 43210', name: 'Single' } }],
		});
		expect(result.error).toBeUndefined();
		expect(imports()).toHaveLength(1);
		expect(imports()[0]).toHaveLength(1);
		expect(imports()[0][0].profile.userDetails.userProvidedName).toBe('Single');
	});

	it('takes a JSON array typed into the Contacts field', async () => {
		const result = await s.run(
			upsert({ source: 'list', contacts: '[{"phone": "+91 98765 43210", "name": "Typed"}]' }),
		);
		expect(result.error).toBeUndefined();
		expect(imports()[0][0].profile.userDetails).toEqual({
			userProvidedName: 'Typed',
			contact: { phone: { prefix: '91', number: '9876543210' } },
		});
	});

	it('names the item and the position of an invalid contact in the list', async () => {
		const result = await s.run(upsert({ source: 'list', contacts: '={{ $json.contacts }}' }), {
			items: [{ contacts: [{ phone: '+91 98765 43210' }, { phone: '12345' }] }],
		});
		expect(errorOf(result).message).toBe(
			'Invalid Phone: "12345" has no country code (item 1, contact 2)',
		);
		expect(s.sim.requests).toEqual([]);
	});

	it('rejects unknown fields in a listed contact instead of dropping them', async () => {
		const result = await s.run(upsert({ source: 'list', contacts: '={{ $json.contacts }}' }), {
			items: [{ contacts: [{ phone: '+91 98765 43210', mail: 'x@example.com' }] }],
		});
		expect(errorOf(result).message).toMatch(/^Invalid Contacts: unknown field "mail"/);
		expect(s.sim.requests).toEqual([]);
	});

	it('rejects a Contacts value that is not JSON', async () => {
		const result = await s.run(upsert({ source: 'list', contacts: '[{"phone": ' }));
		expect(errorOf(result).message).toBe('Invalid Contacts: is not valid JSON');
		expect(s.sim.requests).toEqual([]);
	});
});

describe('contact → Create or Update in batches', () => {
	const contacts = (count: number) =>
		Array.from({ length: count }, (_, index) => ({
			phone: `+91 9${String(index).padStart(9, '0')}`,
		}));

	it('250 contacts with the default Batch Size go out as 3 requests of 100, 100 and 50, in order', async () => {
		const result = await s.run(upsert({ source: 'list', contacts: '={{ $json.contacts }}' }), {
			items: [{ contacts: contacts(250) }],
		});
		expect(result.error).toBeUndefined();
		const batches = imports();
		expect(batches.map((batch) => batch.length)).toEqual([100, 100, 50]);
		const sentNumbers = batches
			.flat()
			.map((element) => element.profile.userDetails.contact.phone.number);
		expect(sentNumbers).toEqual(
			contacts(250).map((_, index) => `9${String(index).padStart(9, '0')}`),
		);
		const out = jsonOf(result);
		expect(out).toHaveLength(250);
		expect(out.map((json) => json.batch)).toEqual([
			...Array<number>(100).fill(1),
			...Array<number>(100).fill(2),
			...Array<number>(50).fill(3),
		]);
		expect(new Set(out.map((json) => json.batches))).toEqual(new Set([3]));
		expect([out[0].batchContacts, out[100].batchContacts, out[249].batchContacts]).toEqual([
			100, 100, 50,
		]);
		expect(out.every((json) => json.status === 'sent')).toBe(true);
	});

	it('Batch Size 40 splits 100 contacts of several items into 40, 40 and 20', async () => {
		const all = contacts(100);
		const result = await s.run(
			upsert({ source: 'list', contacts: '={{ $json.contacts }}', options: { batchSize: 40 } }),
			{
				items: [
					{ contacts: all.slice(0, 30) },
					{ contacts: all.slice(30, 55) },
					{ contacts: all.slice(55) },
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(imports().map((batch) => batch.length)).toEqual([40, 40, 20]);
		expect(jsonOf(result).map((json) => json.batch)).toEqual([
			...Array<number>(40).fill(1),
			...Array<number>(40).fill(2),
			...Array<number>(20).fill(3),
		]);
	});
});

describe('contact → Create or Update: what BotPenguin answers', () => {
	it('passes on whatever else the answer holds (e.g. problems listed in data), with the batch’s first contact', async () => {
		s.sim.addFault({
			kind: 'successWithProblems',
			path: IMPORT,
			message: 'Imported 1 of 2 contacts',
			data: ['[2] phone already belongs to another contact'],
		});
		const result = await s.run(upsert({ phone: '={{ $json.phone }}' }), {
			items: [{ phone: '+91 98765 00001' }, { phone: '+91 98765 00002' }],
		});
		expect(result.error).toBeUndefined();
		const out = jsonOf(result);
		expect(out.map((json) => json.status)).toEqual(['sent', 'sent']);
		// The batch's answer goes with its first contact, not copied to each one.
		expect(out[0].result).toEqual({
			message: 'Imported 1 of 2 contacts',
			batchAnswer: { data: ['[2] phone already belongs to another contact'] },
		});
		expect(out[1].result).toEqual({ message: 'Imported 1 of 2 contacts' });
	});

	it('redacts the API token if the answer repeats it', async () => {
		const { token } = s.sim;
		s.sim.addFault({
			kind: 'successWithProblems',
			path: IMPORT,
			message: `done for ${token}`,
			data: [`token ${token} used`],
		});
		const result = await s.run(upsert({ phone: '+91 98765 00001' }));
		expect(result.error).toBeUndefined();
		const text = JSON.stringify(jsonOf(result));
		expect(text).not.toContain(token);
		expect(text).toContain('token *** used');
	});
});

describe('contact → Create or Update: Options checked before anything is sent', () => {
	it.each([
		[{ batchSize: 0 }, 'Invalid Options → Batch Size: "0" is not a whole number from 1 to 1000'],
		[{ batchSize: -3 }, 'Invalid Options → Batch Size: "-3" is not a whole number from 1 to 1000'],
		[
			{ batchSize: 1.5 },
			'Invalid Options → Batch Size: "1.5" is not a whole number from 1 to 1000',
		],
		[
			{ batchSize: '={{ "ten" }}' },
			'Invalid Options → Batch Size: "ten" is not a whole number from 1 to 1000',
		],
		[{ maxRetries: 11 }, 'Invalid Options → Max Retries: "11" is not a whole number from 0 to 10'],
	])('%j fails naming the option', async (options, message) => {
		const result = await s.run(upsert({ phone: '+91 98765 43210', options }));
		expect(errorOf(result).message).toBe(message);
		expect(s.sim.requests).toEqual([]);
	});

	it('a Batch Size from an expression that gives a number text is used', async () => {
		const result = await s.run(
			upsert({
				source: 'list',
				contacts: '={{ $json.contacts }}',
				options: { batchSize: '={{ "2" }}' },
			}),
			{
				items: [
					{
						contacts: [
							{ phone: '+91 98765 00001' },
							{ phone: '+91 98765 00002' },
							{ phone: '+91 98765 00003' },
						],
					},
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(imports().map((batch) => batch.length)).toEqual([2, 1]);
	});
});

describe('contact → Create or Update with Continue On Fail', () => {
	it('invalid contacts come out as rejected with the reason, the valid ones are sent', async () => {
		const result = await s.run(
			upsert({ phone: '={{ $json.phone }}', additionalFields: { email: '={{ $json.email }}' } }),
			{
				continueOnFail: true,
				items: [
					{ phone: '+91 98765 00001', email: 'a@example.com' },
					{ phone: '98765 00002', email: 'b@example.com' },
					{ phone: '+91 98765 00003', email: 'not-an-email' },
					{ phone: '+91 98765 00004', email: '' },
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(imports()).toHaveLength(1);
		expect(imports()[0].map((element) => element.profile.userDetails.contact.phone.number)).toEqual(
			['9876500001', '9876500004'],
		);
		const out = jsonOf(result);
		expect(out.map((json) => json.status)).toEqual(['sent', 'rejected', 'rejected', 'sent']);
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(out[1]).toMatchObject({
			error: 'Invalid Phone: "98765 00002" has no country code',
			errorDescription: expect.stringContaining('Country Code'),
			input: { phone: '98765 00002', email: 'b@example.com' },
		});
		expect(out[2]).toMatchObject({
			error: 'Invalid Email: "not-an-email" is not an email address',
		});
		expect([out[0].batch, out[3].batch, out[0].batchContacts]).toEqual([1, 1, 2]);
		expect(storedContact('91', '9876500001')).toBeDefined();
		expect(storedContact('91', '9876500003')).toBeUndefined();
	});

	it('without Continue On Fail one invalid contact stops the run and nothing is sent', async () => {
		const result = await s.run(upsert({ phone: '={{ $json.phone }}' }), {
			items: [{ phone: '+91 98765 00001' }, { phone: 'call me' }, { phone: '12' }],
		});
		const error = errorOf(result);
		expect(error.message).toMatch(/^Invalid Phone: "call me"/);
		expect(error.description).toContain('1 more contact is invalid. Nothing was sent.');
		expect(s.sim.requests).toEqual([]);
		expect(storedContact('91', '9876500001')).toBeUndefined();
	});

	it('when every contact is invalid no request is made at all', async () => {
		const result = await s.run(upsert({ phone: '={{ $json.phone }}' }), {
			continueOnFail: true,
			items: [{ phone: '1' }, { phone: '2' }],
		});
		expect(jsonOf(result).map((json) => json.status)).toEqual(['rejected', 'rejected']);
		expect(s.sim.requests).toEqual([]);
	});
});
