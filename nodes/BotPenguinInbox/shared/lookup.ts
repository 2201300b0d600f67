import type { IDataObject } from 'n8n-workflow';

import { splitPhone } from './phone';
import { attributesToObject } from './simplify';
import { email as checkEmail } from './validation';

/**
 * What Contact → Get looks for. BotPenguin has no lookup endpoint, only the inbox search
 * (`searchText`), and does not document what that search matches: a substring of a name, an email
 * or a phone field, perhaps more. So the node asks with `searchText` and then keeps only the records
 * whose email or phone is exactly the one given — a search hit "jane@example.com.au" or a contact
 * named "Jane" never comes back as the contact the user asked for.
 */
export interface LookupTarget {
	/** The field the user filled in, for messages. */
	field: 'Email' | 'Phone';
	/** The value as the user gave it (trimmed), for messages. */
	shown: string;
	/** What goes into `searchText`. */
	searchText: string;
	matches(record: IDataObject): boolean;
}

type Loose = Record<string, unknown>;

function object(value: unknown): Loose {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as Loose)
		: {};
}

function text(value: unknown): string {
	return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

function detailsOf(record: IDataObject): Loose {
	return object(object(record.profile).userDetails);
}

/** Every email a record holds: the contact field and, for imported contacts, an email attribute. */
export function recordEmails(record: IDataObject): string[] {
	const details = detailsOf(record);
	const attributes = attributesToObject(details.attributes);
	return [object(details.contact).email, attributes.email, attributes.Email]
		.map((value) => text(value).toLowerCase())
		.filter((value) => value !== '');
}

/** "+<code><number>" of a phone written with its country code; its bare digits if it cannot be read. */
function international(written: string): string {
	try {
		const { prefix, number } = splitPhone(written);
		return prefix + number;
	} catch {
		return written.replace(/\D/g, '');
	}
}

/**
 * Every phone a record holds, each as the digits of one international number. BotPenguin stores
 * the number as `contact.phone` {prefix, number} (prefix "91" or "+91", a national number that may
 * keep its trunk 0), sometimes the whole number with or without "+" in `number`, and for WhatsApp
 * contacts as `whatsAppNumber` (code and number run together, perhaps with "+" and spaces).
 */
export function recordPhones(record: IDataObject): string[] {
	const details = detailsOf(record);
	const phone = object(object(details.contact).phone);
	const number = text(phone.number);
	const prefix = text(phone.prefix).replace(/\D/g, '');
	const found: string[] = [];
	if (number.replace(/\D/g, '') !== '') {
		if (/^(\+|00)/.test(number)) found.push(international(number));
		else if (prefix === '') found.push(international(`+${number}`));
		else {
			try {
				const split = splitPhone(number, prefix);
				found.push(split.prefix + split.number);
			} catch {
				found.push(prefix + number.replace(/\D/g, ''));
			}
		}
	}
	const whatsApp = text(details.whatsAppNumber);
	if (whatsApp.replace(/\D/g, '') !== '') {
		found.push(international(/^(\+|00)/.test(whatsApp) ? whatsApp : `+${whatsApp}`));
	}
	return found;
}

export function emailTarget(value: unknown): LookupTarget {
	const address = checkEmail('Email', value);
	const wanted = address.toLowerCase();
	return {
		field: 'Email',
		shown: address,
		searchText: address,
		matches: (record) => recordEmails(record).includes(wanted),
	};
}

/**
 * A phone is searched by its national number digits: those are what BotPenguin keeps in `number`,
 * and a substring search cannot find "+91 98765-43210" with its "+", spaces and dashes.
 */
export function phoneTarget(value: unknown, countryCode?: string): LookupTarget {
	const shown = String(value ?? '').trim();
	// Contact → Get has Country Code as a field of its own, not under Additional Fields.
	const { prefix, number } = splitPhone(shown, countryCode, 'Phone', 'Country Code');
	const wanted = prefix + number;
	return {
		field: 'Phone',
		shown,
		searchText: number,
		matches: (record) => recordPhones(record).includes(wanted),
	};
}
