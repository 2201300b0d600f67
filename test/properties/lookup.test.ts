/**
 * Properties of Contact → Get's exact match: a phone matches the record whichever of BotPenguin's forms
 * holds it, and no other number does; an email matches in any case and with spaces, and nothing longer.
 */
import fc from 'fast-check';

import { emailTarget, phoneTarget } from '../../nodes/BotPenguinInbox/shared/lookup';
import { isCallingCode } from '../../nodes/BotPenguinInbox/shared/phone';

const CODES = Array.from({ length: 999 }, (_, n) => String(n + 1)).filter(isCallingCode);

/** A national number that does not start with 0 (a trunk prefix) and fits E.164 with its code. */
const phone = fc
	.constantFrom(...CODES)
	.chain((code) =>
		fc.tuple(
			fc.constant(code),
			fc.stringMatching(new RegExp(`^[1-9][0-9]{3,${Math.min(11, 14 - code.length)}}$`)),
		),
	);

function record(details: Record<string, unknown>) {
	return { _id: 'x', profile: { userDetails: details } };
}

/** The forms BotPenguin has been seen to store a phone in. */
function storedForms(code: string, number: string) {
	return [
		{ contact: { phone: { prefix: code, number } } },
		{ contact: { phone: { prefix: `+${code}`, number } } },
		{ contact: { phone: { prefix: '', number: `+${code}${number}` } } },
		{ contact: { phone: { prefix: '', number: `${code}${number}` } } },
		{ contact: { phone: { prefix: '', number: '' } }, whatsAppNumber: `${code}${number}` },
		{ contact: { phone: { prefix: '', number: '' } }, whatsAppNumber: `+${code} ${number}` },
	].map(record);
}

describe('phone lookup', () => {
	it('finds the number in every stored form, typed with "+" and separators', () => {
		fc.assert(
			fc.property(phone, ([code, number]) => {
				const target = phoneTarget(`+${code} ${number.slice(0, 3)}-${number.slice(3)}`);
				expect(target.searchText).toBe(number);
				for (const stored of storedForms(code, number)) expect(target.matches(stored)).toBe(true);
			}),
		);
	});

	it('never matches another number: one digit more, or another country code', () => {
		fc.assert(
			fc.property(phone, fc.constantFrom(...CODES), ([code, number], otherCode) => {
				const target = phoneTarget(`+${code}${number}`);
				for (const stored of storedForms(code, `${number}1`))
					expect(target.matches(stored)).toBe(false);
				if (otherCode !== code) {
					for (const stored of storedForms(otherCode, number))
						expect(target.matches(stored)).toBe(false);
				}
			}),
		);
	});
});

describe('email lookup', () => {
	const address = fc.tuple(
		fc.stringMatching(/^[a-z0-9._-]{1,12}$/),
		fc.stringMatching(/^[a-z0-9-]{1,10}\.[a-z]{2,4}$/),
	);

	it('matches in any case and with spaces, never a longer or shorter address', () => {
		fc.assert(
			fc.property(address, ([local, domain]) => {
				const email = `${local}@${domain}`;
				const target = emailTarget(`  ${email.toUpperCase()} `);
				expect(target.matches(record({ contact: { email } }))).toBe(true);
				expect(target.matches(record({ attributes: [{ key: 'email', value: email }] }))).toBe(true);
				expect(target.matches(record({ contact: { email: `${email}.au` } }))).toBe(false);
				expect(target.matches(record({ contact: { email: `x${email}` } }))).toBe(false);
				expect(target.matches(record({ userProvidedName: email, contact: { email: '' } }))).toBe(
					false,
				);
			}),
		);
	});
});
