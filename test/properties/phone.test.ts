/**
 * Properties of splitPhone: whatever way a valid number is typed, the calling code and the national
 * number come back as digits; anything else is an InvalidInput, never another exception.
 */
import fc from 'fast-check';

import { InvalidInput } from '../../nodes/BotPenguinInbox/shared/errors';
import {
	isCallingCode,
	normalizeCountryCode,
	splitPhone,
	toE164,
} from '../../nodes/BotPenguinInbox/shared/phone';

const CODES = Array.from({ length: 999 }, (_, n) => String(n + 1)).filter(isCallingCode);

const digits = (min: number, max: number) =>
	fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));

const callingCode = fc.constantFrom(...CODES);
/** A national number that, with its code, fits E.164's 15 digits. */
const codeAndNumber = callingCode.chain((code) =>
	fc.tuple(fc.constant(code), digits(4, Math.min(12, 15 - code.length))),
);

const separator = fc.constantFrom('', ' ', '  ', '-', '.', '/', ' - ');

/** Cuts the digits into groups joined by random separators; some groups in brackets. */
function formatted(text: string): fc.Arbitrary<string> {
	return fc
		.tuple(
			fc.array(fc.integer({ min: 1, max: 4 }), { minLength: text.length, maxLength: text.length }),
			fc.array(separator, { minLength: text.length, maxLength: text.length }),
			fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }),
		)
		.map(([sizes, separators, brackets]) => {
			const groups: string[] = [];
			for (let at = 0, index = 0; at < text.length; index++) {
				const group = text.slice(at, at + sizes[index]);
				at += group.length;
				// "(0)" is the national trunk prefix people write in "+44 (0)20 …", which is dropped on purpose.
				groups.push(brackets[index] && group !== '0' ? `(${group})` : group);
			}
			return groups.reduce(
				(out, group, index) => (index === 0 ? group : `${out}${separators[index]}${group}`),
				'',
			);
		});
}

function expectInvalidInputOnly(run: () => unknown) {
	try {
		return run();
	} catch (error) {
		expect(error).toBeInstanceOf(InvalidInput);
		expect((error as InvalidInput).message).not.toBe('');
		return undefined;
	}
}

describe('splitPhone', () => {
	it('recovers code and number from "+<code> …" and "00<code> …", however they are separated', () => {
		fc.assert(
			fc.property(
				codeAndNumber.chain(([code, number]) =>
					fc.tuple(
						fc.constant(code),
						fc.constant(number),
						formatted(code),
						formatted(number),
						fc.constantFrom('+', '00', '+ ', '00 '),
						separator,
						fc.constantFrom('', ' ', '\t'),
					),
				),
				([code, number, codeText, numberText, lead, between, padding]) => {
					const typed = `${padding}${lead}${codeText}${between}${numberText}${padding}`;
					const result = splitPhone(typed, undefined);
					expect(result).toEqual({ prefix: code, number });
					expect(result.prefix).toMatch(/^\d{1,3}$/);
					expect(result.number).toMatch(/^\d+$/);
					expect(result.prefix.length + result.number.length).toBeLessThanOrEqual(15);
					// A default country code does not change an international number.
					expect(splitPhone(typed, '91')).toEqual(result);
				},
			),
			{ numRuns: 500 },
		);
	});

	it('uses the default country code for numbers without "+", dropping one trunk 0 (except Italy)', () => {
		fc.assert(
			fc.property(
				codeAndNumber,
				fc.boolean(),
				fc.constantFrom('', '+', '00'),
				([code, rest], trunkZero, codeStyle) => {
					const national = rest.replace(/^0/, '1');
					const typed = `${trunkZero ? '0' : ''}${national}`;
					const result = expectInvalidInputOnly(() => splitPhone(typed, `${codeStyle}${code}`));
					const expectedNumber = trunkZero && code === '39' ? `0${national}` : national;
					if (code.length + expectedNumber.length > 15) {
						expect(result).toBeUndefined();
						return;
					}
					expect(result).toEqual({ prefix: code, number: expectedNumber });
				},
			),
			{ numRuns: 500 },
		);
	});

	it('turns anything else into InvalidInput, never another exception, and never returns an impossible number', () => {
		const noise = fc.oneof(
			fc.string(),
			fc.string({ unit: fc.constantFrom(...'0123456789+-(). /x#*'.split('')) }),
			fc.stringMatching(/^\+?[0-9 ()-]{0,25}$/),
		);
		const defaults = fc.option(
			fc.oneof(fc.string(), fc.constantFrom('91', '+44', '0049', '1', '999', '')),
			{ nil: undefined },
		);
		fc.assert(
			fc.property(noise, defaults, (raw, countryCode) => {
				const result = expectInvalidInputOnly(() => splitPhone(raw, countryCode)) as
					| { prefix: string; number: string }
					| undefined;
				if (result) {
					expect(isCallingCode(result.prefix)).toBe(true);
					expect(result.number).toMatch(/^\d{4,14}$/);
					expect(result.prefix.length + result.number.length).toBeLessThanOrEqual(15);
				}
			}),
			{ numRuns: 1000 },
		);
	});

	it('accepts non-string input without crashing', () => {
		for (const raw of [undefined, null, 12345678, {}, [], true] as unknown[]) {
			expectInvalidInputOnly(() => splitPhone(raw as string, '91'));
		}
	});
});

describe('normalizeCountryCode and toE164', () => {
	it('normalizeCountryCode accepts exactly the calling codes, typed as "91", "+91" or "0091"', () => {
		fc.assert(
			fc.property(
				fc.oneof(callingCode, digits(1, 4), fc.string()),
				fc.constantFrom('', '+', '00', ' '),
				(code, style) => {
					const result = expectInvalidInputOnly(() => normalizeCountryCode(`${style}${code}`));
					if (isCallingCode(code)) expect(result).toBe(code);
					else if (result !== undefined) expect(isCallingCode(result as string)).toBe(true);
				},
			),
		);
	});

	it('toE164 gives "+<digits>", bare digits without a prefix, or null, for anything stored', () => {
		fc.assert(
			// Stored data is JSON: strings, numbers, objects, arrays, null.
			fc.property(fc.jsonValue(), fc.jsonValue(), (number, prefix) => {
				const result = toE164({ number, prefix });
				if (result !== null) expect(result).toMatch(/^\+?\d+$/);
			}),
		);
		fc.assert(
			fc.property(codeAndNumber, ([code, number]) => {
				expect(toE164({ prefix: `+${code}`, number })).toBe(`+${code}${number}`);
				expect(toE164(splitPhone(`+${code} ${number}`))).toBe(`+${code}${number}`);
			}),
		);
	});
});
