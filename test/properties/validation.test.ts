/** wholeNumber: the number options (Batch Size, Max Retries, Max Pages), possibly from expressions. */
import fc from 'fast-check';

import { InvalidInput } from '../../nodes/BotPenguinInbox/shared/errors';
import { wholeNumber } from '../../nodes/BotPenguinInbox/shared/validation';

const range = { min: 0, max: 10, fallback: 3 };
const check = (value: unknown) => wholeNumber('Options → Max Retries', value, range);

describe('wholeNumber', () => {
	it('unset, or an empty or blank text, is the fallback', () => {
		for (const value of [undefined, null, '', '   ']) expect(check(value)).toBe(3);
	});

	it('a whole number in range, as a number or a text of digits, is taken', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 10 }), fc.boolean(), (n, asText) => {
				expect(check(asText ? ` ${n} ` : n)).toBe(n);
			}),
		);
	});

	it('anything else is InvalidInput naming the field and the range', () => {
		for (const value of [-1, 11, 1.5, Number.NaN, '1e1', '0x5', 'ten', true, [5], {}]) {
			expect(() => check(value)).toThrow(InvalidInput);
			expect(() => check(value)).toThrow(
				/^Options → Max Retries: .* is not a whole number from 0 to 10$/,
			);
		}
	});
});
