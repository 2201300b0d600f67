import { InvalidInput } from './errors';

const OBJECT_ID = /^[0-9a-f]{24}$/i;
/** The session UUIDs of chats and leads (8-4-4-4-12 hex digits); also the By ID check in the editor. */
export const UUID_PATTERN =
	'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
// Deliberately loose: BotPenguin validates the address itself; this catches typos and swapped fields.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface KeyValue {
	key: string;
	value: string;
}

export interface Note {
	title: string;
	description: string;
}

function display(value: unknown): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function isObjectId(text: string): boolean {
	return OBJECT_ID.test(text);
}

/** A BotPenguin id (MongoDB ObjectId: 24 hex characters). */
export function objectId(field: string, value: unknown): string {
	const text = String(value ?? '').trim();
	if (text === '') {
		throw new InvalidInput(field, 'is empty', `Enter the ${field}: 24 characters, 0-9 and a-f.`);
	}
	if (!OBJECT_ID.test(text)) {
		throw new InvalidInput(
			field,
			`"${display(text)}" is not a BotPenguin ID`,
			`A ${field} has 24 characters, 0-9 and a-f, e.g. 63d9ffa77a8d152facbe2f2f.`,
		);
	}
	return text;
}

/** Splits "a, b" or takes an array from an expression; blanks between commas are not values. */
export function stringList(value: unknown): string[] {
	if (value === undefined || value === null) return [];
	const parts = Array.isArray(value) ? value : String(value).split(',');
	return parts.map((part) => String(part ?? '').trim()).filter((part) => part !== '');
}

/** One id, a comma-separated list or an array of ids. At least one. */
export function objectIdList(field: string, value: unknown): string[] {
	const ids = stringList(value);
	if (ids.length === 0) {
		throw new InvalidInput(
			field,
			'is empty',
			'Enter one ID, several separated by commas, or an expression that returns an array of IDs.',
		);
	}
	return ids.map((id) => objectId(field, id));
}

/** Like objectIdList, but an empty value is allowed (an optional filter). */
export function optionalObjectIdList(field: string, value: unknown): string[] {
	return stringList(value).map((id) => objectId(field, id));
}

export function email(field: string, value: unknown): string {
	const text = String(value ?? '').trim();
	if (!EMAIL.test(text)) {
		throw new InvalidInput(
			field,
			`"${display(text)}" is not an email address`,
			'Enter an address like jane@example.com, or leave the field out.',
		);
	}
	return text;
}

/** A whole number in [min, max] (a number option, possibly from an expression); `fallback` when unset. */
export function wholeNumber(
	field: string,
	value: unknown,
	range: { min: number; max: number; fallback: number },
): number {
	if (value === undefined || value === null) return range.fallback;
	if (typeof value === 'string' && value.trim() === '') return range.fallback;
	// Only a number, or a text of digits (an expression's result): not true, [5] or "1e2".
	const number =
		typeof value === 'number'
			? value
			: typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)
				? Number(value)
				: Number.NaN;
	if (!Number.isInteger(number) || number < range.min || number > range.max) {
		throw new InvalidInput(
			field,
			`"${display(value)}" is not a whole number from ${range.min} to ${range.max}`,
			`Enter a whole number from ${range.min} to ${range.max}, or remove the option to use ${range.fallback}.`,
		);
	}
	return number;
}

export function uuid(field: string, value: unknown): string {
	const text = nonEmpty(field, value);
	if (!new RegExp(UUID_PATTERN).test(text)) {
		throw new InvalidInput(
			field,
			`"${display(text)}" is not a UUID`,
			'Use the "uuid" field of Get Many, e.g. 7e88d192-9b20-4035-9b68-d4ac3d58a34f, or pick the record From List.',
		);
	}
	return text;
}

export function nonEmpty(field: string, value: unknown): string {
	const text = String(value ?? '').trim();
	if (text === '') throw new InvalidInput(field, 'is empty', `Enter the ${field}.`);
	return text;
}

function checkKeys(field: string, entries: KeyValue[]): KeyValue[] {
	const seen = new Set<string>();
	for (const [index, entry] of entries.entries()) {
		if (entry.key === '') {
			throw new InvalidInput(
				field,
				`entry ${index + 1} has an empty key`,
				'Give every attribute a key, or remove the empty entry.',
			);
		}
		if (seen.has(entry.key)) {
			throw new InvalidInput(
				field,
				`the key "${display(entry.key)}" appears more than once`,
				'Each attribute key may be set once per contact; merge the values or remove the duplicate.',
			);
		}
		seen.add(entry.key);
	}
	return entries;
}

function scalar(value: unknown): string {
	if (value === null || value === undefined) return '';
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Attributes as BotPenguin stores them, `[{key, value}]`, from the node's fixedCollection
 * (`{attribute: [...]}`), an array of `{key, value}` or a plain object `{key: value}` from an expression.
 */
export function attributes(field: string, value: unknown): KeyValue[] {
	if (value === undefined || value === null || value === '') return [];
	let entries: unknown[];
	if (Array.isArray(value)) {
		entries = value;
	} else if (typeof value === 'object') {
		const record = value as Record<string, unknown>;
		entries = Array.isArray(record.attribute)
			? record.attribute
			: Object.entries(record).map(([key, entryValue]) => ({ key, value: entryValue }));
	} else {
		throw new InvalidInput(
			field,
			`"${display(value)}" is not a list of attributes`,
			'Use key/value pairs, an object like {"plan": "pro"} or an array like [{"key": "plan", "value": "pro"}].',
		);
	}
	return checkKeys(
		field,
		entries.map((entry) => {
			const record = (entry ?? {}) as Record<string, unknown>;
			return { key: String(record.key ?? '').trim(), value: scalar(record.value) };
		}),
	);
}

/** Notes from the fixedCollection `{note: [{title, description}]}` or an array from an expression. */
export function notes(field: string, value: unknown): Note[] {
	if (value === undefined || value === null || value === '') return [];
	const record = value as Record<string, unknown>;
	const entries = Array.isArray(value) ? value : Array.isArray(record.note) ? record.note : [value];
	return entries.map((entry, index) => {
		const note = (entry ?? {}) as Record<string, unknown>;
		const title = String(note.title ?? '').trim();
		const description = String(note.description ?? '').trim();
		if (title === '' && description === '') {
			throw new InvalidInput(
				field,
				`note ${index + 1} has neither a title nor a description`,
				'Fill in the note or remove it.',
			);
		}
		return { title, description };
	});
}

const NAIVE_DATE_TIME =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/** Milliseconds to add to UTC to get the wall-clock time in `timeZone` at that instant. */
function zoneOffset(utcMs: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(utcMs));
	const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const wallClock = Date.UTC(
		part('year'),
		part('month') - 1,
		part('day'),
		part('hour'),
		part('minute'),
		part('second'),
	);
	return wallClock - Math.floor(utcMs / 1000) * 1000;
}

function isValidTimeZone(timeZone: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone });
		return true;
	} catch {
		return false;
	}
}

/**
 * A date filter value as ISO 8601 UTC. Values without an offset (what n8n's date picker gives) are
 * wall-clock times in the workflow's time zone; values with "Z" or an offset, Date objects and Luxon
 * DateTimes (e.g. `{{ $now.minus({days: 1}) }}`) are instants.
 */
export function dateTime(field: string, value: unknown, timeZone = 'UTC'): string {
	if (value instanceof Date && !isNaN(value.getTime())) return value.toISOString();
	const maybeLuxon = value as { toISO?: () => string } | null;
	const text =
		maybeLuxon && typeof maybeLuxon.toISO === 'function'
			? maybeLuxon.toISO()
			: String(value ?? '').trim();
	const naive = NAIVE_DATE_TIME.exec(text);
	if (naive) {
		const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = naive;
		const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, +ms.padEnd(3, '0'));
		const date = new Date(wall);
		if (date.getUTCMonth() === +mo - 1 && date.getUTCDate() === +d) {
			const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
			const firstGuess = wall - zoneOffset(wall, zone);
			return new Date(wall - zoneOffset(firstGuess, zone)).toISOString();
		}
	} else if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
		const parsed = Date.parse(text);
		if (!isNaN(parsed)) return new Date(parsed).toISOString();
	}
	throw new InvalidInput(
		field,
		`"${display(text)}" is not a date`,
		'Pick a date, or use ISO 8601 such as 2026-11-20T09:30:00Z or an expression like {{ $now.minus({days: 1}) }}.',
	);
}
