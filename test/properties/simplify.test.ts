/**
 * Properties of simplifyRecord / attributesToObject: any JSON BotPenguin may send is flattened without
 * an exception; the phone is "+<digits>" (or bare digits when no calling code is known) or null, and
 * attributes always become a plain object keeping every key.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { attributesToObject, simplifyRecord } from '../../nodes/BotPenguinInbox/shared/simplify';

const SIMPLE_KEYS = [
	'id',
	'name',
	'email',
	'phone',
	'tags',
	'attributes',
	'status',
	'createdAt',
	'updatedAt',
	'lastSeenAt',
];

/** Random values where BotPenguin's contact / chat shape puts them, so the deep paths are exercised. */
const shaped = fc.record(
	{
		_id: fc.oneof(fc.string(), fc.jsonValue()),
		uuid: fc.uuid(),
		status: fc.jsonValue(),
		createdAt: fc.jsonValue(),
		profile: fc.oneof(
			fc.jsonValue(),
			fc.record(
				{
					userDetails: fc.oneof(
						fc.jsonValue(),
						fc.record(
							{
								userProvidedName: fc.jsonValue(),
								name: fc.jsonValue(),
								whatsAppNumber: fc.oneof(
									fc.string(),
									fc.stringMatching(/^\+?[0-9 ]{0,16}$/),
									fc.jsonValue(),
								),
								tags: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
								attributes: fc.oneof(
									fc.array(
										fc.record(
											{ key: fc.oneof(fc.string(), fc.jsonValue()), value: fc.jsonValue() },
											{ requiredKeys: [] },
										),
									),
									fc.dictionary(fc.string(), fc.jsonValue()),
									fc.jsonValue(),
								),
								contact: fc.oneof(
									fc.jsonValue(),
									fc.record(
										{
											email: fc.jsonValue(),
											phone: fc.oneof(
												fc.jsonValue(),
												fc.record(
													{
														prefix: fc.oneof(fc.stringMatching(/^\+?[0-9]{0,4}$/), fc.jsonValue()),
														number: fc.oneof(fc.stringMatching(/^[0-9 -]{0,14}$/), fc.jsonValue()),
													},
													{ requiredKeys: [] },
												),
											),
										},
										{ requiredKeys: [] },
									),
								),
							},
							{ requiredKeys: [] },
						),
					),
				},
				{ requiredKeys: [] },
			),
		),
	},
	{ requiredKeys: [] },
);

/** Keys that trip naive code: String() of {"toString": 0} throws, "__proto__" sets a prototype. */
const trickyJson = fc.dictionary(
	fc.constantFrom('toString', 'valueOf', '__proto__', 'constructor', 'number', 'prefix'),
	fc.jsonValue(),
);

const anyRecord = fc.oneof(
	shaped,
	fc.dictionary(fc.string(), fc.jsonValue()),
	fc.object(),
	trickyJson.map((tricky) => ({
		_id: 'x',
		profile: {
			userDetails: {
				contact: { phone: { number: tricky, prefix: tricky } },
				whatsAppNumber: tricky,
			},
		},
	})),
);

function isPlainObject(value: unknown): boolean {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

describe('simplifyRecord', () => {
	it('never throws, and gives the documented flat shape', () => {
		fc.assert(
			fc.property(anyRecord, (raw) => {
				const flat = simplifyRecord(raw as IDataObject);
				for (const key of SIMPLE_KEYS) expect(flat).toHaveProperty(key);
				expect(flat.id).toEqual((raw as IDataObject)._id ?? null);
				expect(Array.isArray(flat.tags)).toBe(true);
				expect(isPlainObject(flat.attributes)).toBe(true);
				expect(
					flat.name === null || (typeof flat.name === 'string' && flat.name.trim() !== ''),
				).toBe(true);
				expect(
					flat.email === null || (typeof flat.email === 'string' && flat.email.trim() !== ''),
				).toBe(true);
				// The result is plain JSON, as an n8n item must be.
				expect(() => JSON.stringify(flat)).not.toThrow();
			}),
			{ numRuns: 2000 },
		);
	});

	it('gives a phone of "+<digits>", bare digits (no calling code stored) or null', () => {
		fc.assert(
			fc.property(anyRecord, (raw) => {
				const { phone } = simplifyRecord(raw as IDataObject);
				if (phone !== null) expect(phone).toMatch(/^\+?\d+$/);
			}),
			{ numRuns: 2000 },
		);
	});

	it('a stored prefix and number become "+<prefix><number>", however the prefix was stored', () => {
		fc.assert(
			fc.property(
				fc.stringMatching(/^[1-9][0-9]{0,2}$/),
				fc.stringMatching(/^[0-9]{4,12}$/),
				fc.constantFrom('', '+'),
				(prefix, number, plus) => {
					const raw = {
						_id: 'x',
						profile: {
							userDetails: { contact: { phone: { prefix: `${plus}${prefix}`, number } } },
						},
					};
					expect(simplifyRecord(raw).phone).toBe(`+${prefix}${number}`);
				},
			),
		);
	});
});

describe('attributesToObject', () => {
	const key = fc.oneof(
		fc.string({ minLength: 1 }),
		fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'),
	);

	it('keeps every key of a [{key, value}] list as an own property, the last value winning', () => {
		fc.assert(
			fc.property(fc.array(fc.record({ key, value: fc.jsonValue() })), (pairs) => {
				const result = attributesToObject(pairs);
				expect(isPlainObject(result)).toBe(true);
				const expected = new Map(pairs.map((pair) => [pair.key, pair.value]));
				expect(Object.keys(result).sort()).toEqual([...expected.keys()].sort());
				for (const [name, value] of expected) {
					expect(Object.prototype.hasOwnProperty.call(result, name)).toBe(true);
					expect(result[name]).toEqual(value);
				}
				expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
			}),
		);
	});

	it('never throws and always answers a plain object', () => {
		fc.assert(
			fc.property(fc.anything(), (value) => {
				expect(isPlainObject(attributesToObject(value))).toBe(true);
			}),
			{ numRuns: 1000 },
		);
	});
});

describe('simplifyRecord fallbacks', () => {
	it('takes the email from an "email" or "Email" attribute when the contact has none', () => {
		for (const key of ['email', 'Email']) {
			const flat = simplifyRecord({
				_id: 'a',
				profile: {
					userDetails: { contact: {}, attributes: [{ key, value: 'jane@example.com' }] },
				},
			});
			expect(flat.email).toBe('jane@example.com');
		}
	});

	it('takes the phone from whatsAppNumber when the contact has no phone', () => {
		const flat = simplifyRecord({
			_id: 'a',
			profile: { userDetails: { contact: {}, whatsAppNumber: '+91 98765-43210' } },
		});
		expect(flat.phone).toBe('+919876543210');
	});

	it('prefers the contact fields over the fallbacks', () => {
		const flat = simplifyRecord({
			_id: 'a',
			profile: {
				userDetails: {
					contact: { email: 'a@example.com', phone: { prefix: '44', number: '2079460958' } },
					whatsAppNumber: '919876543210',
					attributes: [{ key: 'email', value: 'b@example.com' }],
				},
			},
		});
		expect(flat).toMatchObject({ email: 'a@example.com', phone: '+442079460958' });
	});
});
