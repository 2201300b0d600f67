import type { IDataObject } from 'n8n-workflow';

import { toE164 } from './phone';

type Loose = Record<string, unknown>;

function object(value: unknown): Loose {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as Loose)
		: {};
}

function text(value: unknown): string | null {
	return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** BotPenguin keeps attributes as `[{key, value}]`; a workflow wants `{key: value}`. */
export function attributesToObject(value: unknown): IDataObject {
	const result: IDataObject = {};
	if (!Array.isArray(value)) return { ...object(value) } as IDataObject;
	for (const entry of value) {
		const pair = object(entry);
		if (typeof pair.key === 'string' && pair.key !== '') {
			// Not `result[key] =`: a key such as "__proto__" would set the prototype and the attribute would vanish.
			Object.defineProperty(result, pair.key, {
				value: pair.value,
				enumerable: true,
				writable: true,
				configurable: true,
			});
		}
	}
	return result;
}

/**
 * The flat item "Simplify" returns for a contact (POST /inbox/users) or a chat/lead
 * (GET /inbox/direct/chats): both keep the person under `profile.userDetails`.
 */
export function simplifyRecord(raw: IDataObject): IDataObject {
	const details = object(object(raw.profile).userDetails);
	const contact = object(details.contact);
	const attributes = attributesToObject(details.attributes);
	// Imported contacts may carry the address only as an attribute.
	const email = text(contact.email) ?? text(attributes.email) ?? text(attributes.Email);
	const whatsApp = text(details.whatsAppNumber)?.replace(/\D/g, '');
	const phone = toE164(object(contact.phone)) ?? (whatsApp ? `+${whatsApp}` : null);
	const simplified: IDataObject = { id: raw._id ?? null };
	if (raw.uuid !== undefined) simplified.uuid = raw.uuid;
	Object.assign(simplified, {
		name: text(details.userProvidedName) ?? text(details.name),
		email,
		phone,
		tags: Array.isArray(details.tags) ? details.tags : [],
		attributes,
		status: raw.status ?? null,
		createdAt: raw.createdAt ?? null,
		updatedAt: raw.updatedAt ?? null,
		lastSeenAt: raw.lastSeenAt ?? null,
	});
	return simplified;
}
