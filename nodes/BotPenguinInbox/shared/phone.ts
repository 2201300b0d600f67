import { InvalidInput } from './errors';

// ITU-T E.164 country calling codes. No runtime dependencies are allowed, so no phone library:
// 1 and 7 are the only one-digit codes, the two-digit codes are a fixed set, the rest have three digits.
const ONE_DIGIT = ['1', '7'];
const TWO_DIGIT =
	'20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98'.split(
		' ',
	);
const THREE_DIGIT = (
	'211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 ' +
	'240 241 242 243 244 245 246 247 248 249 250 251 252 253 254 255 256 257 258 260 261 262 263 264 265 ' +
	'266 267 268 269 290 291 297 298 299 350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 375 ' +
	'376 377 378 380 381 382 383 385 386 387 389 420 421 423 500 501 502 503 504 505 506 507 508 509 590 ' +
	'591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 680 681 682 683 685 686 687 ' +
	'688 689 690 691 692 800 808 850 852 853 855 856 870 878 880 881 882 883 886 888 960 961 962 963 964 ' +
	'965 966 967 968 970 971 972 973 974 975 976 977 992 993 994 995 996 998'
).split(' ');
const CALLING_CODES = new Set([...ONE_DIGIT, ...TWO_DIGIT, ...THREE_DIGIT]);

/** Italy keeps the leading 0 of landline numbers after the country code; elsewhere it is a trunk prefix. */
const KEEPS_LEADING_ZERO = new Set(['39']);

const MIN_NATIONAL_DIGITS = 4;
const MAX_E164_DIGITS = 15;
const EXAMPLE = 'Use international format, e.g. +91 98765 43210';

export interface SplitPhone {
	/** Country calling code, digits only, no "+" (what /inbox/users/import calls `prefix`). */
	prefix: string;
	/** National number, digits only. */
	number: string;
}

export function isCallingCode(code: string): boolean {
	return CALLING_CODES.has(code);
}

function callingCodeOf(digits: string): string | undefined {
	for (const length of [1, 2, 3]) {
		const candidate = digits.slice(0, length);
		if (CALLING_CODES.has(candidate)) return candidate;
	}
	return undefined;
}

/** Digits of a country code typed as "91", "+91" or "0091". */
export function normalizeCountryCode(raw: string, field = 'Country Code'): string {
	const digits = raw.trim().replace(/^(\+|00)/, '');
	if (!/^\d{1,3}$/.test(digits) || !CALLING_CODES.has(digits)) {
		throw new InvalidInput(
			field,
			`"${raw}" is not a country calling code`,
			'Enter the digits of the calling code, e.g. 91 for India or 1 for the USA',
		);
	}
	return digits;
}

/**
 * Splits a phone number as people type it ("+91 98765-43210", "0044 20 7946 0958", "(555) 010-9999"
 * with a default country code) into the calling code and the national number.
 */
export function splitPhone(
	raw: string,
	defaultCountryCode?: string,
	field = 'Phone',
	countryCodeField = 'Additional Fields → Country Code',
): SplitPhone {
	const text = String(raw ?? '').trim();
	if (text === '') {
		throw new InvalidInput(field, 'is empty', `Enter the contact's phone number. ${EXAMPLE}`);
	}
	if (!/^\+?[\d\s().\-/]+$/.test(text)) {
		throw new InvalidInput(
			field,
			`"${text}" contains characters that are not part of a phone number`,
			`${EXAMPLE}; only digits, spaces, "-", ".", "/" and brackets are allowed.`,
		);
	}
	// "+44 (0)20 …": the bracketed 0 is a national trunk prefix that must not be dialled internationally.
	const cleaned = text.replace(/\(\s*0\s*\)/g, '');
	const international = cleaned.startsWith('+') || /^00[1-9]/.test(cleaned.replace(/\D/g, ''));
	const digits = cleaned.replace(/\D/g, '');

	let prefix: string;
	let national: string;
	if (international) {
		const allDigits = cleaned.startsWith('+') ? digits : digits.slice(2);
		const code = callingCodeOf(allDigits);
		if (!code) {
			throw new InvalidInput(
				field,
				`"${text}" does not start with a known country calling code`,
				`${EXAMPLE}. Check the digits after "+".`,
			);
		}
		// The default is for numbers without "+" (a list may mix both), but a bad one is still reported.
		const given = String(defaultCountryCode ?? '').trim();
		if (given !== '') normalizeCountryCode(given);
		prefix = code;
		national = allDigits.slice(code.length);
	} else if (defaultCountryCode !== undefined && String(defaultCountryCode).trim() !== '') {
		prefix = normalizeCountryCode(String(defaultCountryCode));
		national =
			digits.startsWith('0') && !KEEPS_LEADING_ZERO.has(prefix) ? digits.replace(/^0/, '') : digits;
	} else {
		throw new InvalidInput(
			field,
			`"${text}" has no country code`,
			`${EXAMPLE}, or set ${countryCodeField} (e.g. 91) for numbers written without "+".`,
		);
	}

	if (national.length < MIN_NATIONAL_DIGITS) {
		throw new InvalidInput(field, `"${text}" is too short to be a phone number`, EXAMPLE);
	}
	if (prefix.length + national.length > MAX_E164_DIGITS) {
		throw new InvalidInput(
			field,
			`"${text}" is too long: phone numbers have at most 15 digits including the country code`,
			EXAMPLE,
		);
	}
	return { prefix, number: national };
}

/** "+<prefix><number>" from a stored phone object; tolerates prefixes stored as "+44" or "91". */
export function toE164(phone: { number?: unknown; prefix?: unknown } | undefined): string | null {
	// Only strings and numbers are phone digits; String() of an object such as {"toString": 0} would throw.
	const digitsOf = (value: unknown) =>
		typeof value === 'string' || typeof value === 'number' ? String(value).replace(/\D/g, '') : '';
	const number = digitsOf(phone?.number);
	if (number === '') return null;
	const prefix = digitsOf(phone?.prefix);
	// Without a calling code the number cannot be made international; return what is known.
	return prefix === '' ? number : `+${prefix}${number}`;
}
