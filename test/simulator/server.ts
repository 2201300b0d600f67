/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- test infrastructure: these rules guard code that runs inside n8n, not tests */
/**
 * BotPenguin Inbox API simulator.
 *
 * An in-process HTTP server that behaves like the six documented "Contacts & Chats" endpoints
 * (see /work/shared/botpenguin-api.md) so the node can be tested, benchmarked and demoed without
 * the live API. Where the docs disagree the simulator takes the strict reading, so that a node
 * passing against it is likely to work against the real thing:
 *
 * - every endpoint needs `Authorization: Bearer <token>` AND `authtype: Key`; the two
 *   `/inbox/direct/*` endpoints additionally need their legacy `x-bot-token` / `x-bp-token`;
 * - `POST /inbox/users` needs every documented body key, and a filter only applies when its key
 *   is listed in `applicableFilters` (the overview FAQ);
 * - answers use the `{ success, message, data, code }` envelope with `code` echoing the status.
 *
 * State lives in memory (`Simulator.state`); contacts and chats are kept newest-first, which is
 * the order the listing endpoints answer in.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import {
	CHAT_STATUSES,
	generateDataset,
	type Attribute,
	type Chat,
	type ChatStatus,
	type Contact,
	type Dataset,
	type ImportedDetails,
	type Phone,
	type Segment,
} from './data';
import {
	DEFAULT_FAULT_STATUS,
	DEFAULT_SLOW_MS,
	DEFAULT_SUCCESS_FALSE_MESSAGE,
	FaultInjector,
	isPageFault,
	type Fault,
	type PageFaultKind,
} from './faults';

export type { Fault, FaultKind } from './faults';
export type { Attribute, Chat, ChatStatus, Contact, Segment } from './data';

export interface SimulatorOptions {
	/** Default 'bp-test-token-5f2c9a7e41d0b3c8'. */
	token?: string;
	/** Items per page of /inbox/users and /inbox/direct/chats; default 20. */
	pageSize?: number;
	/** Delay before every response (stands in for the network); default 0. */
	latencyMs?: number;
	/** Contacts to generate; default 45. */
	contacts?: number;
	/** Non-lead chats of the bot; default 30. */
	chats?: number;
	/** Leads of the bot; default 25. */
	leads?: number;
	/** Status for a wrong or missing token (the docs disagree); default 401. */
	badTokenStatus?: 400 | 401;
	/**
	 * Order of the /inbox/users and /inbox/direct/chats listings (BotPenguin documents none); default
	 * 'newestFirst', as Pipedream's sources assume. 'oldestFirst' lists the same records reversed.
	 */
	order?: 'newestFirst' | 'oldestFirst';
	/** Default true: keep every request in `requests`; false = only count them (benchmarks). */
	record?: boolean;
	/** Default 0 (a random free port); the host is always 127.0.0.1. */
	port?: number;
	/** Called once per answered request (also for `reset` faults, with status 0), whatever `record` says. */
	onRequest?: (request: RecordedRequest) => void;
	/**
	 * Default false. Test-only: also answer `POST /__simulator/records` (no token; the simulator listens
	 * on 127.0.0.1 only), which adds records while a real n8n polls. The BotPenguin routes never
	 * offer it.
	 */
	admin?: boolean;
}

/** A record added by a test: when it was created and, if later, when the listings first show it. */
export interface NewRecord {
	/** ISO date or epoch ms; default: the simulator's clock (and after the newest record). */
	createdAt?: string | number;
	/** Epoch ms from which the listings show it (BotPenguin may list a record late); default at once. */
	visibleAt?: number;
}

export interface RecordedRequest {
	method: string;
	/** Path without the query string. */
	path: string;
	query: Record<string, string | string[]>;
	/** Lower-cased names, as received. */
	headers: Record<string, string>;
	/** Parsed JSON, or the raw string if it is not JSON, or undefined if empty. */
	body: unknown;
	/** What the simulator answered; 0 when it reset the connection (or has not answered yet). */
	status: number;
}

export interface SimulatorState {
	/** Newest `createdAt` first; contacts set to DELETED stay here but are never listed. */
	contacts: Contact[];
	/** Leads and non-lead chats of `botId` in one newest-first array, told apart by `isLead`. */
	chats: Chat[];
	segments: Segment[];
}

export interface Simulator {
	/** 'http://127.0.0.1:PORT', no trailing slash. */
	url: string;
	token: string;
	/** 24-hex ids that the chats/leads endpoints accept. */
	botId: string;
	customerId: string;
	requests: RecordedRequest[];
	/** Always counted, even with `record: false`. */
	requestCount: number;
	/** Live data. `reset()` replaces the arrays, so read them through `state` again afterwards. */
	state: SimulatorState;
	/** Clears requests, requestCount and faults, and regenerates the seed data. */
	reset(): void;
	clearRequests(): void;
	addFault(f: Fault): void;
	clearFaults(): void;
	setOptions(
		o: Partial<Pick<SimulatorOptions, 'pageSize' | 'latencyMs' | 'badTokenStatus' | 'order'>>,
	): void;
	/** The simulator's clock (epoch ms): the time new records get and late records appear at. */
	now(): number;
	/** Sets the clock to a fixed time, or back to the real one with `undefined`. */
	setClock(ms: number | undefined): void;
	/** Adds a contact at its place in the newest-first listing. */
	addContact(record?: NewRecord): Contact;
	/** Adds a lead (`isLead`) or a non-lead chat of the simulator's bot. */
	addChat(isLead: boolean, record?: NewRecord): Chat;
	/** Closes the server and every open socket. */
	close(): Promise<void>;
}

const DEFAULT_TOKEN = 'bp-test-token-5f2c9a7e41d0b3c8';
/** The test-only admin route (SimulatorOptions.admin). */
export const ADMIN_PATH = '/__simulator/records';
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const MAX_RECORDS = 1_000_000;
const MAX_PAGE_SIZE = 10_000;
/** Validation answers list at most this many problems, like a real validator would stop somewhere. */
const MAX_REPORTED_ERRORS = 50;

const MSG_MISSING_AUTHTYPE = 'Your request is missing the authtype: Key header';
const MSG_BAD_TOKEN = 'The token being used is incorrect.';
/** MongoDB's ObjectId cast error, which the API leaks for any malformed id ([WL] S10U). */
const MSG_OBJECT_ID =
	'Argument passed in must be a single String of 12 bytes or a string of 24 hex characters';
const MSG_VALIDATION = 'Validation failed';
const MSG_SUBSCRIBER_IDS =
	'subscriberIds is not supported by this endpoint. Pass User IDs only in the ids field.';

const JSON_TYPE = 'application/json; charset=utf-8';
const BAD_GATEWAY_HTML = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`;
/** What a client sees when a proxy drops the connection halfway through a body. */
const TRUNCATED_JSON =
	'{"success":true,"message":"","data":[{"_id":"6650c1f2a4b3c2d1e0f9a8b7","profile":{"userDetails":{"userProvidedName":"Pri';

// ---------------------------------------------------------------------------------------------
// Small validation helpers

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isObjectId = (v: string): boolean => /^[0-9a-fA-F]{24}$/.test(v);
const isDigits = (v: unknown): v is string => isString(v) && /^\d+$/.test(v);
const isEmailOrEmpty = (v: unknown): v is string =>
	isString(v) && (v === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v));
const isDateOrEmpty = (v: unknown): boolean =>
	isString(v) && (v === '' || !Number.isNaN(Date.parse(v)));
const isAttribute = (v: unknown): v is Attribute =>
	isRecord(v) && isString(v.key) && v.key !== '' && isString(v.value);
const isHttpUrl = (v: unknown): v is string => {
	if (!isString(v)) return false;
	try {
		const { protocol } = new URL(v);
		return protocol === 'http:' || protocol === 'https:';
	} catch {
		return false;
	}
};

/** Tags are merged, never replaced: existing order first, new tags appended. */
function unionTags(existing: readonly string[], added: readonly string[]): string[] {
	return [...new Set([...existing, ...added])];
}

/** Attributes are upserted by key. */
function upsertAttributes(
	existing: readonly Attribute[],
	added: readonly Attribute[],
): Attribute[] {
	const merged = existing.map((a) => ({ ...a }));
	for (const { key, value } of added) {
		const hit = merged.find((a) => a.key === key);
		if (hit) hit.value = value;
		else merged.push({ key, value });
	}
	return merged;
}

/** Contacts are matched on phone; stored prefixes may carry a '+' ("+44"), the import's never do. */
function phoneKey(phone: Phone): string {
	return `${phone.prefix.replace(/^\+/, '')}:${phone.number}`;
}

function capErrors(errors: string[]): string[] {
	return errors.length <= MAX_REPORTED_ERRORS
		? errors
		: [
				...errors.slice(0, MAX_REPORTED_ERRORS),
				`… and ${errors.length - MAX_REPORTED_ERRORS} more`,
			];
}

/** Walks the list in order, skipping earlier pages, and stops as soon as the page is full. */
function pageOf<T>(
	items: readonly T[],
	keep: (item: T) => boolean,
	page: number,
	pageSize: number,
): T[] {
	const skip = (page - 1) * pageSize;
	const out: T[] = [];
	let matched = 0;
	for (const item of items) {
		if (!keep(item)) continue;
		if (matched++ < skip) continue;
		out.push(item);
		if (out.length === pageSize) break;
	}
	return out;
}

function effectivePage(page: number, fault: PageFaultKind | undefined): number {
	if (fault === 'ignorePage') return 1;
	if (fault === 'repeatPage' && page >= 2) return page - 1;
	return page;
}

type ApiChat = Omit<Chat, 'isLead'>;

function toApiChat(chat: Chat): ApiChat {
	const copy: Partial<Chat> = { ...chat };
	delete copy.isLead;
	return copy as ApiChat;
}

class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly data?: string[],
	) {
		super(message);
	}
}

const badRequest = (message: string, data?: string[]): ApiError =>
	new ApiError(400, message, data === undefined ? undefined : capErrors(data));

// ---------------------------------------------------------------------------------------------
// POST /inbox/users: body schema and filters

interface DateRange {
	startAt: string;
	endsAt: string;
}

interface InboxBody {
	searchText: string;
	tags: string[];
	status: string[];
	isOnline: boolean;
	_botWebsite: string[];
	_botWhatsapp: string[];
	_botTelegram: string[];
	_botFacebook: string[];
	_agentAssigned: string[];
	segments: string[];
	applicableFilters: string[];
	lastSeenAt: DateRange;
	createdAt: DateRange;
	userInteracted: boolean;
	lastMessageBy: string[];
	isLiveChatActive: boolean;
	hasOrdered: { status: boolean; lastAt: string };
	page: number;
	isExport: string;
	isContact: boolean;
}

interface Rule {
	check: (v: unknown) => boolean;
	expected: string;
}

const STRING: Rule = { check: isString, expected: 'a string' };
const BOOLEAN: Rule = { check: isBoolean, expected: 'a boolean' };
const STRINGS: Rule = { check: isStringArray, expected: 'an array of strings' };
const RANGE: Rule = {
	check: (v) => isRecord(v) && isDateOrEmpty(v.startAt) && isDateOrEmpty(v.endsAt),
	expected: 'an object { startAt, endsAt } of ISO 8601 dates or ""',
};

/** "All fields are required. Pass empty values for filters you do not wish to apply." ([NEW]) */
const INBOX_BODY_RULES: { [K in keyof InboxBody]: Rule } = {
	searchText: STRING,
	tags: STRINGS,
	status: STRINGS,
	isOnline: BOOLEAN,
	_botWebsite: STRINGS,
	_botWhatsapp: STRINGS,
	_botTelegram: STRINGS,
	_botFacebook: STRINGS,
	_agentAssigned: STRINGS,
	segments: STRINGS,
	applicableFilters: STRINGS,
	lastSeenAt: RANGE,
	createdAt: RANGE,
	userInteracted: BOOLEAN,
	lastMessageBy: STRINGS,
	isLiveChatActive: BOOLEAN,
	hasOrdered: {
		check: (v) => isRecord(v) && isBoolean(v.status) && isString(v.lastAt),
		expected: 'an object { status: boolean, lastAt: string }',
	},
	page: { check: (v) => Number.isInteger(v) && (v as number) >= 1, expected: 'an integer >= 1' },
	isExport: STRING,
	isContact: BOOLEAN,
};

type FilterKey = Exclude<keyof InboxBody, 'applicableFilters' | 'page' | 'isExport' | 'isContact'>;
type ContactPredicate = (c: Contact) => boolean;

const ID_ARRAY_KEYS = [
	'segments',
	'_botWebsite',
	'_botWhatsapp',
	'_botTelegram',
	'_botFacebook',
	'_agentAssigned',
] as const;
type IdArrayKey = (typeof ID_ARRAY_KEYS)[number];

const intersects = (key: IdArrayKey) => (b: InboxBody) => {
	const wanted = new Set(b[key]);
	return (c: Contact) => c[key].some((id) => wanted.has(id));
};

/** ISO range with both ends inclusive; an empty string leaves that end open. */
const within =
	(pick: (c: Contact) => string, range: (b: InboxBody) => DateRange) => (b: InboxBody) => {
		const { startAt, endsAt } = range(b);
		const from = startAt === '' ? -Infinity : Date.parse(startAt);
		const to = endsAt === '' ? Infinity : Date.parse(endsAt);
		return (c: Contact) => {
			const t = Date.parse(pick(c));
			return t >= from && t <= to;
		};
	};

/** Every key that may appear in `applicableFilters`, and what it does. */
const FILTERS: { [K in FilterKey]: (b: InboxBody) => ContactPredicate } = {
	/**
	 * BotPenguin does not document what `searchText` matches. The simulator's assumption: a
	 * case-insensitive substring of the name, the email or a phone field as stored (`number`, the
	 * prefix and number as one "+…" string, `whatsAppNumber`). Nothing is normalised beyond that, so a
	 * stored "+91 98765 43210" is not found by "9876543210" through that field.
	 */
	searchText: (b) => {
		const needle = b.searchText.toLowerCase();
		return (c) => {
			const { userProvidedName, contact, whatsAppNumber } = c.profile.userDetails;
			// '+' + digits, so that "447…", "+447…" and a bare national number all match.
			const phone = `+${contact.phone.prefix.replace(/^\+/, '')}${contact.phone.number}`;
			return [userProvidedName, contact.email, contact.phone.number, phone, whatsAppNumber ?? '']
				.map((field) => field.toLowerCase())
				.some((field) => field.includes(needle));
		};
	},
	tags: (b) => (c) => c.profile.userDetails.tags.some((t) => b.tags.includes(t)),
	status: (b) => (c) => b.status.includes(c.status),
	isOnline: (b) => (c) => c.isOnline === b.isOnline,
	_botWebsite: intersects('_botWebsite'),
	_botWhatsapp: intersects('_botWhatsapp'),
	_botTelegram: intersects('_botTelegram'),
	_botFacebook: intersects('_botFacebook'),
	_agentAssigned: intersects('_agentAssigned'),
	segments: intersects('segments'),
	lastSeenAt: within(
		(c) => c.lastSeenAt,
		(b) => b.lastSeenAt,
	),
	createdAt: within(
		(c) => c.createdAt,
		(b) => b.createdAt,
	),
	userInteracted: (b) => (c) => c.userInteracted === b.userInteracted,
	lastMessageBy: (b) => (c) =>
		c.lastMessage !== undefined && b.lastMessageBy.includes(c.lastMessage.by),
	isLiveChatActive: (b) => (c) => c.isLiveChatActive === b.isLiveChatActive,
	hasOrdered: (b) => (c) => c.hasOrdered.status === b.hasOrdered.status,
};

const isFilterKey = (k: string): k is FilterKey => Object.prototype.hasOwnProperty.call(FILTERS, k);

// ---------------------------------------------------------------------------------------------
// PUT /inbox/direct/lead: body schema

interface LeadUpdate {
	uuid: string;
	botId: string;
	customerId: string;
	name?: string;
	email?: string;
	phone?: string;
	dialCode?: string;
	status?: ChatStatus;
	agentId?: string;
	picture?: string;
	tags?: string[];
	attributes?: Attribute[];
	notes?: { title: string; description: string }[];
}

/** The complete [LEGACY] field table; anything else is rejected as unknown. */
const LEAD_RULES: { [K in keyof LeadUpdate]-?: Rule } = {
	uuid: { check: (v) => isString(v) && v !== '', expected: 'a non-empty string' },
	botId: STRING,
	customerId: STRING,
	name: STRING,
	email: { check: isEmailOrEmpty, expected: 'a valid email address' },
	phone: { check: isDigits, expected: 'digits only' },
	dialCode: {
		check: (v) => isString(v) && /^\+\d{1,4}$/.test(v),
		expected: 'a dial code like "+91"',
	},
	status: {
		check: (v) => isString(v) && (CHAT_STATUSES as readonly string[]).includes(v),
		expected: `one of [${CHAT_STATUSES.join(', ')}]`,
	},
	agentId: STRING,
	picture: { check: isHttpUrl, expected: 'an http(s) URL' },
	tags: STRINGS,
	attributes: {
		check: (v) => Array.isArray(v) && v.every(isAttribute),
		expected: 'an array of { key, value } strings',
	},
	notes: {
		check: (v) =>
			Array.isArray(v) &&
			v.every((n) => isRecord(n) && isString(n.title) && isString(n.description)),
		expected: 'an array of { title, description } strings',
	},
};
const LEAD_REQUIRED: readonly (keyof LeadUpdate)[] = ['uuid', 'botId', 'customerId'];

// ---------------------------------------------------------------------------------------------
// POST /inbox/users/import: one array element

function validateImportElement(
	el: unknown,
	index: number,
	errors: string[],
): ImportedDetails | undefined {
	const at = `[${index}] profile.userDetails`;
	const details = isRecord(el) && isRecord(el.profile) ? el.profile.userDetails : undefined;
	if (!isRecord(details)) {
		errors.push(`${at} must be an object`);
		return undefined;
	}
	const before = errors.length;
	const { userProvidedName: name, contact, tags = [], attributes = [] } = details;
	if (name !== undefined && !isString(name)) errors.push(`${at}.userProvidedName must be a string`);

	let phone: Phone | undefined;
	let email: unknown;
	if (!isRecord(contact)) {
		errors.push(`${at}.contact must be an object`);
	} else {
		email = contact.email;
		if (email !== undefined && !isEmailOrEmpty(email))
			errors.push(`${at}.contact.email must be a valid email address`);
		if (!isRecord(contact.phone)) {
			errors.push(`${at}.contact.phone is required`);
		} else {
			const { number, prefix } = contact.phone;
			if (number === undefined) errors.push(`${at}.contact.phone.number is required`);
			else if (!isDigits(number)) errors.push(`${at}.contact.phone.number must be digits only`);
			// The docs' prefix has no '+' ("91"); the lead endpoint's dialCode is the one with '+'.
			if (prefix === undefined) errors.push(`${at}.contact.phone.prefix is required`);
			else if (!isDigits(prefix))
				errors.push(`${at}.contact.phone.prefix must be digits only (no "+")`);
			if (isDigits(number) && isDigits(prefix)) phone = { number, prefix };
		}
	}
	if (!isStringArray(tags)) errors.push(`${at}.tags must be an array of strings`);
	if (!Array.isArray(attributes) || !attributes.every(isAttribute)) {
		errors.push(`${at}.attributes must be an array of { key, value } strings`);
	}
	if (!phone || errors.length > before) return undefined;
	// Every field was checked above; the casts only restate it for the compiler.
	return {
		name: name as string | undefined,
		email: email as string | undefined,
		phone,
		tags: tags as string[],
		attributes: attributes as Attribute[],
	};
}

// ---------------------------------------------------------------------------------------------
// The server

interface Route {
	method: 'GET' | 'POST' | 'PUT';
	path: string;
	/** Legacy per-endpoint token header, required on top of the bearer scheme. */
	tokenHeader?: 'x-bot-token' | 'x-bp-token';
	isList: boolean;
	isPaged: boolean;
	/** The test-only admin route: no token, only with the `admin` option. */
	admin?: boolean;
	handle: (ctx: RequestContext) => Success;
}

interface RequestContext {
	query: URLSearchParams;
	body: unknown;
	pageFault?: PageFaultKind;
}

interface Success {
	message: string;
	data?: unknown;
}

interface Answer {
	status: number;
	contentType: string;
	body: string;
	headers?: Record<string, string>;
}

interface RawBody {
	text: string;
	tooLarge: boolean;
}

function envelope(status: number, success: boolean, message: string, data?: unknown): Answer {
	// Key order as in the docs' examples; `data` is dropped from the JSON when undefined.
	return {
		status,
		contentType: JSON_TYPE,
		body: JSON.stringify({ success, message, data, code: status }),
	};
}

function readBody(req: http.IncomingMessage): Promise<RawBody> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk);
		});
		req.on('end', () => {
			const tooLarge = size > MAX_BODY_BYTES;
			resolve({ text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge });
		});
		req.on('error', reject);
	});
}

function decodeJson(text: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(text) as unknown };
	} catch {
		return { ok: false };
	}
}

interface RequestUrl {
	pathname: string;
	searchParams: URLSearchParams;
}

/**
 * Path and query exactly as sent. `new URL()` would read a path such as "//inbox/users" (a
 * client joining a base URL that ends in "/") as a host name; the real API would just 404 it.
 */
function splitUrl(target: string): RequestUrl {
	const q = target.indexOf('?');
	return q === -1
		? { pathname: target, searchParams: new URLSearchParams() }
		: { pathname: target.slice(0, q), searchParams: new URLSearchParams(target.slice(q + 1)) };
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const key of new Set(params.keys())) {
		const values = params.getAll(key);
		out[key] = values.length === 1 ? values[0] : values;
	}
	return out;
}

function headerRecord(headers: http.IncomingHttpHeaders): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return out;
}

function checkCount(name: string, value: number, min: number, max: number): number {
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new RangeError(
			`Simulator option "${name}" must be an integer in [${min}, ${max}], got ${value}`,
		);
	}
	return value;
}

class InboxSimulator implements Simulator {
	url = '';
	readonly token: string;
	botId: string;
	customerId: string;
	requests: RecordedRequest[] = [];
	requestCount = 0;
	readonly state: SimulatorState;

	private dataset: Dataset;
	private pageSize = 20;
	private latencyMs = 0;
	private badTokenStatus: 400 | 401 = 401;
	private order: 'newestFirst' | 'oldestFirst' = 'newestFirst';
	/** Endless pages walk back in time from the oldest generated record, one minute per record. */
	private endlessCursorMs = 0;
	private readonly sizes: { contacts: number; chats: number; leads: number };
	private readonly record: boolean;
	private readonly onRequest?: (request: RecordedRequest) => void;
	private readonly faults = new FaultInjector();
	private fixedClock: number | undefined;
	/** Records the listings hide until the clock reaches this time. */
	private readonly visibleAt = new Map<string, number>();
	private readonly admin: boolean;
	private readonly routes: Route[];
	private readonly server: http.Server;
	/** Aborts pending latency/slow waits on close, so no timer outlives the server. */
	private readonly closing = new AbortController();
	private closed?: Promise<void>;

	constructor(opts: SimulatorOptions) {
		this.token = opts.token ?? DEFAULT_TOKEN;
		if (this.token === '') throw new RangeError('Simulator option "token" must not be empty');
		this.record = opts.record ?? true;
		this.onRequest = opts.onRequest;
		this.admin = opts.admin ?? false;
		this.sizes = {
			contacts: checkCount('contacts', opts.contacts ?? 45, 0, MAX_RECORDS),
			chats: checkCount('chats', opts.chats ?? 30, 0, MAX_RECORDS),
			leads: checkCount('leads', opts.leads ?? 25, 0, MAX_RECORDS),
		};
		this.setOptions(opts);

		this.dataset = generateDataset(this.sizes);
		this.botId = this.dataset.refs.botId;
		this.customerId = this.dataset.refs.customerId;
		this.state = { contacts: [], chats: [], segments: [] };
		this.loadDataset(this.dataset);

		this.routes = [
			...(this.admin
				? [
						{
							method: 'POST' as const,
							path: ADMIN_PATH,
							isList: false,
							isPaged: false,
							admin: true,
							handle: (c: RequestContext) => this.adminAdd(c),
						},
					]
				: []),
			{
				method: 'GET',
				path: '/inbox/segments',
				isList: true,
				isPaged: false,
				handle: () => this.listSegments(),
			},
			{
				method: 'GET',
				path: '/inbox/direct/chats',
				tokenHeader: 'x-bot-token',
				isList: true,
				isPaged: true,
				handle: (c) => this.listChats(c),
			},
			{
				method: 'POST',
				path: '/inbox/users/import',
				isList: false,
				isPaged: false,
				handle: (c) => this.importUsers(c),
			},
			{
				method: 'POST',
				path: '/inbox/users',
				isList: true,
				isPaged: true,
				handle: (c) => this.listUsers(c),
			},
			{
				method: 'PUT',
				path: '/inbox/users/status-update',
				isList: false,
				isPaged: false,
				handle: (c) => this.updateStatus(c),
			},
			{
				method: 'PUT',
				path: '/inbox/direct/lead',
				tokenHeader: 'x-bp-token',
				isList: false,
				isPaged: false,
				handle: (c) => this.updateLead(c),
			},
		];

		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((error: unknown) => {
				if (this.closing.signal.aborted) return; // the server is going away; nobody is listening
				// A bug in the simulator: make it loud in the test that hit it.
				if (!res.headersSent && !res.destroyed) {
					const a = envelope(
						500,
						false,
						`Simulator error: ${error instanceof Error ? error.message : String(error)}`,
					);
					res.writeHead(a.status, { 'content-type': a.contentType }).end(a.body);
				} else {
					res.destroy();
				}
			});
		});
	}

	listen(port: number): Promise<void> {
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, '127.0.0.1', () => {
				this.server.off('error', reject);
				const { port: actual } = this.server.address() as AddressInfo;
				this.url = `http://127.0.0.1:${actual}`;
				resolve();
			});
		});
	}

	// --- public API --------------------------------------------------------------------------

	now(): number {
		return this.fixedClock ?? Date.now();
	}

	setClock(ms: number | undefined): void {
		this.fixedClock = ms;
	}

	addContact(record: NewRecord = {}): Contact {
		const contact = this.dataset.factory.contact(this.createdAtOf(record, this.state.contacts));
		this.insert(this.state.contacts, contact, record);
		return contact;
	}

	addChat(isLead: boolean, record: NewRecord = {}): Chat {
		const chat = this.dataset.factory.chat(isLead, this.createdAtOf(record, this.state.chats));
		this.insert(this.state.chats, chat, record);
		return chat;
	}

	private createdAtOf(record: NewRecord, items: readonly { createdAt: string }[]): number {
		if (record.createdAt === undefined) return this.newestTimestamp(items);
		const ms =
			typeof record.createdAt === 'number' ? record.createdAt : Date.parse(record.createdAt);
		if (Number.isNaN(ms)) throw new RangeError(`Invalid createdAt: ${String(record.createdAt)}`);
		return ms;
	}

	/** Keeps the listing newest-first; among equal `createdAt`, the record added last comes first. */
	private insert<T extends { _id: string; createdAt: string }>(
		items: T[],
		item: T,
		record: NewRecord,
	): void {
		const at = Date.parse(item.createdAt);
		const index = items.findIndex((other) => Date.parse(other.createdAt) <= at);
		items.splice(index === -1 ? items.length : index, 0, item);
		if (record.visibleAt !== undefined) this.visibleAt.set(item._id, record.visibleAt);
	}

	/** The stored newest-first array in the listing order (`order`). */
	private listed<T>(items: readonly T[]): readonly T[] {
		return this.order === 'oldestFirst' ? [...items].reverse() : items;
	}

	private isVisible(item: { _id: string }): boolean {
		const from = this.visibleAt.get(item._id);
		return from === undefined || this.now() >= from;
	}

	/** POST /__simulator/records {kind: 'contact' | 'lead' | 'chat', count?}: the ids of the records added. */
	private adminAdd({ body }: RequestContext): Success {
		const { kind, count = 1 } = (isRecord(body) ? body : {}) as { kind?: unknown; count?: unknown };
		if (kind !== 'contact' && kind !== 'lead' && kind !== 'chat')
			throw badRequest(MSG_VALIDATION, ['kind must be contact, lead or chat']);
		if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > 1000)
			throw badRequest(MSG_VALIDATION, ['count must be an integer from 1 to 1000']);
		const added = Array.from({ length: count as number }, () =>
			kind === 'contact' ? this.addContact() : this.addChat(kind === 'lead'),
		);
		return {
			message: 'added',
			data: added.map((r) => ({
				_id: r._id,
				uuid: (r as Partial<Chat>).uuid,
				createdAt: r.createdAt,
			})),
		};
	}

	reset(): void {
		this.clearRequests();
		this.clearFaults();
		this.fixedClock = undefined;
		this.visibleAt.clear();
		this.dataset = generateDataset(this.sizes);
		this.loadDataset(this.dataset);
	}

	clearRequests(): void {
		this.requests = [];
		this.requestCount = 0;
	}

	addFault(f: Fault): void {
		this.faults.add(f);
	}

	clearFaults(): void {
		this.faults.clear();
	}

	setOptions(
		o: Partial<Pick<SimulatorOptions, 'pageSize' | 'latencyMs' | 'badTokenStatus' | 'order'>>,
	): void {
		if (o.order !== undefined) {
			if (o.order !== 'newestFirst' && o.order !== 'oldestFirst')
				throw new RangeError(`Simulator option "order" must be newestFirst or oldestFirst`);
			this.order = o.order;
		}
		if (o.pageSize !== undefined)
			this.pageSize = checkCount('pageSize', o.pageSize, 1, MAX_PAGE_SIZE);
		if (o.latencyMs !== undefined)
			this.latencyMs = checkCount('latencyMs', o.latencyMs, 0, 600_000);
		if (o.badTokenStatus !== undefined) {
			if (o.badTokenStatus !== 400 && o.badTokenStatus !== 401) {
				throw new RangeError(
					`Simulator option "badTokenStatus" must be 400 or 401, got ${String(o.badTokenStatus)}`,
				);
			}
			this.badTokenStatus = o.badTokenStatus;
		}
	}

	close(): Promise<void> {
		this.closed ??= new Promise<void>((resolve, reject) => {
			this.closing.abort();
			this.server.close((err) => (err ? reject(err) : resolve()));
			this.server.closeAllConnections();
		});
		return this.closed;
	}

	// --- request pipeline --------------------------------------------------------------------

	private loadDataset(dataset: Dataset): void {
		this.state.contacts = dataset.contacts;
		this.state.chats = dataset.chats;
		this.state.segments = dataset.segments;
		const oldest = [...dataset.contacts.slice(-1), ...dataset.chats.slice(-1)].map((r) =>
			Date.parse(r.createdAt),
		);
		this.endlessCursorMs = Math.min(Date.now(), ...oldest);
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = splitUrl(req.url ?? '/');
		const method = (req.method ?? 'GET').toUpperCase();
		const route = this.routes.find((r) => r.path === url.pathname && r.method === method);
		const raw = await readBody(req);
		const decoded = raw.text === '' ? undefined : decodeJson(raw.text);

		const entry: RecordedRequest = {
			method,
			path: url.pathname,
			query: queryRecord(url.searchParams),
			headers: headerRecord(req.headers),
			body: decoded === undefined ? undefined : decoded.ok ? decoded.value : raw.text,
			status: 0,
		};
		this.requestCount++;
		if (this.record) this.requests.push(entry);

		const fault = this.faults.take({
			method,
			path: url.pathname,
			isList: route?.isList ?? false,
			isPaged: route?.isPaged ?? false,
		});
		if (this.latencyMs > 0) await this.wait(this.latencyMs);
		if (fault?.kind === 'reset') {
			req.socket.destroy();
			this.onRequest?.(entry);
			return;
		}
		if (fault?.kind === 'slow') await this.wait(fault.delayMs ?? DEFAULT_SLOW_MS);

		const answer =
			this.faultAnswer(fault) ??
			this.endpointAnswer(route, method, url, req.headers, raw, decoded, fault);
		entry.status = answer.status;
		if (res.destroyed) return; // the client gave up while we were waiting
		res.writeHead(answer.status, {
			'content-type': answer.contentType,
			'content-length': Buffer.byteLength(answer.body),
			...answer.headers,
		});
		res.end(answer.body);
		this.onRequest?.(entry);
	}

	private wait(ms: number): Promise<void> {
		return sleep(ms, undefined, { signal: this.closing.signal });
	}

	/** Faults that replace the answer entirely; the request is not processed. */
	private faultAnswer(fault: Fault | undefined): Answer | undefined {
		switch (fault?.kind) {
			case 'status': {
				const status = fault.status ?? DEFAULT_FAULT_STATUS;
				const answer = envelope(
					status,
					false,
					fault.message ?? http.STATUS_CODES[status] ?? 'Error',
				);
				const retryAfter =
					fault.retryAfterDateMs !== undefined
						? new Date(Date.now() + fault.retryAfterDateMs).toUTCString()
						: fault.retryAfter;
				return retryAfter === undefined
					? answer
					: { ...answer, headers: { 'retry-after': retryAfter } };
			}
			case 'html':
				return { status: 502, contentType: 'text/html; charset=utf-8', body: BAD_GATEWAY_HTML };
			case 'invalidJson':
				return { status: 200, contentType: JSON_TYPE, body: TRUNCATED_JSON };
			case 'successFalse':
				return envelope(200, false, fault.message ?? DEFAULT_SUCCESS_FALSE_MESSAGE, ['detail one']);
			case 'successWithProblems':
				return envelope(
					200,
					true,
					fault.message ?? 'Imported with problems',
					fault.data ?? ['[1] phone already belongs to another contact', '[2] invalid email'],
				);
			default:
				return undefined;
		}
	}

	private endpointAnswer(
		route: Route | undefined,
		method: string,
		url: RequestUrl,
		headers: http.IncomingHttpHeaders,
		raw: RawBody,
		decoded: ReturnType<typeof decodeJson> | undefined,
		fault: Fault | undefined,
	): Answer {
		if (!route) return envelope(404, false, `Cannot ${method} ${url.pathname}`);
		try {
			if (!route.admin) this.authenticate(route, headers);
			let body: unknown;
			if (route.method !== 'GET') {
				if (raw.tooLarge)
					throw new ApiError(413, `Request body is larger than ${MAX_BODY_BYTES} bytes`);
				if (decoded && !decoded.ok) throw badRequest('Request body is not valid JSON');
				body = decoded?.ok ? decoded.value : undefined;
			}
			const result = route.handle({
				query: url.searchParams,
				body,
				pageFault: fault && isPageFault(fault.kind) ? fault.kind : undefined,
			});
			if (fault?.kind === 'missingData') return envelope(200, true, '');
			return envelope(200, true, result.message, result.data);
		} catch (error) {
			if (error instanceof ApiError)
				return envelope(error.status, false, error.message, error.data);
			throw error;
		}
	}

	/** The authtype check comes first: without it the gateway cannot tell what the token is. */
	private authenticate(route: Route, headers: http.IncomingHttpHeaders): void {
		if (headers.authtype !== 'Key') throw new ApiError(401, MSG_MISSING_AUTHTYPE);
		const tokenOk =
			headers.authorization === `Bearer ${this.token}` &&
			(route.tokenHeader === undefined || headers[route.tokenHeader] === this.token);
		// Never echo the token back, whichever part was wrong.
		if (!tokenOk) throw new ApiError(this.badTokenStatus, MSG_BAD_TOKEN);
	}

	/** Records created at run time are newer than everything already listed, keeping newest-first. */
	private newestTimestamp(items: readonly { createdAt: string }[]): number {
		const newest = items.length > 0 ? Date.parse(items[0].createdAt) : 0;
		return Math.max(this.now(), newest + 1);
	}

	private endlessPage<T>(make: (createdAtMs: number) => T): T[] {
		return Array.from({ length: this.pageSize }, () => {
			this.endlessCursorMs -= 60_000;
			return make(this.endlessCursorMs);
		});
	}

	// --- endpoints ---------------------------------------------------------------------------

	private listSegments(): Success {
		return { message: '', data: this.state.segments };
	}

	private listChats({ query, pageFault }: RequestContext): Success {
		const errors: string[] = [];
		const param = (name: string): string | undefined => {
			const values = query.getAll(name);
			if (values.length === 0 || values[0] === '') errors.push(`${name} is required`);
			else if (values.length > 1) errors.push(`${name} must be a single string`);
			else return values[0];
			return undefined;
		};
		const botId = param('botId');
		const customerId = param('customerId');
		const pageText = param('page');
		const type = param('type');
		if (pageText !== undefined && !(/^\d{1,15}$/.test(pageText) && Number(pageText) >= 1)) {
			errors.push('page must be an integer >= 1');
		}
		if (type !== undefined && type !== 'lead' && type !== 'non-lead')
			errors.push('type must be one of [lead, non-lead]');
		if (
			errors.length > 0 ||
			botId === undefined ||
			customerId === undefined ||
			pageText === undefined
		) {
			throw badRequest(MSG_VALIDATION, errors);
		}
		if (!isObjectId(botId) || !isObjectId(customerId)) throw badRequest(MSG_OBJECT_ID);

		const isLead = type === 'lead';
		if (pageFault === 'endless') {
			return {
				message: 'ok',
				data: this.endlessPage((ms) => toApiChat(this.dataset.factory.chat(isLead, ms))),
			};
		}
		// A well-formed id of some other bot is simply a bot without chats.
		if (botId !== this.botId || customerId !== this.customerId) return { message: 'ok', data: [] };
		const page = effectivePage(Number(pageText), pageFault);
		const chats = pageOf(
			this.listed(this.state.chats),
			(c) => c.isLead === isLead && this.isVisible(c),
			page,
			this.pageSize,
		);
		return { message: 'ok', data: chats.map(toApiChat) };
	}

	private listUsers({ body, pageFault }: RequestContext): Success {
		if (!isRecord(body)) throw badRequest(MSG_VALIDATION, ['body must be a JSON object']);
		const keys = Object.keys(INBOX_BODY_RULES) as (keyof InboxBody)[];
		const missing = keys.filter((k) => !(k in body));
		if (missing.length > 0)
			throw badRequest(`Missing required body fields: ${missing.join(', ')}`, missing);
		const wrong = keys
			.filter((k) => !INBOX_BODY_RULES[k].check(body[k]))
			.map((k) => `${k} must be ${INBOX_BODY_RULES[k].expected}`);
		if (wrong.length > 0) throw badRequest(MSG_VALIDATION, wrong);
		const b = body as unknown as InboxBody;

		const unknown = b.applicableFilters.filter((k) => !isFilterKey(k));
		if (unknown.length > 0) {
			throw badRequest(
				`applicableFilters contains unknown filters: ${unknown.join(', ')}`,
				unknown.map((k) => `${k} is not a filter`),
			);
		}
		// The ids are cast to ObjectIds whether or not their filter is applied.
		if (ID_ARRAY_KEYS.some((k) => b[k].some((id) => !isObjectId(id))))
			throw badRequest(MSG_OBJECT_ID);

		if (pageFault === 'endless') {
			return { message: '', data: this.endlessPage((ms) => this.dataset.factory.contact(ms)) };
		}
		// The FAQ is binding: "Simply including a filter field in the body is not enough — you must
		// also add its key to applicableFilters for it to take effect."
		const predicates = b.applicableFilters.filter(isFilterKey).map((k) => FILTERS[k](b));
		// Every simulated user is a saved contact, so `isContact` never narrows the list.
		const keep = (c: Contact): boolean =>
			c.status !== 'DELETED' && this.isVisible(c) && predicates.every((p) => p(c));
		const page = effectivePage(b.page, pageFault);
		return {
			message: '',
			data: pageOf(this.listed(this.state.contacts), keep, page, this.pageSize),
		};
	}

	private importUsers({ body }: RequestContext): Success {
		if (!Array.isArray(body) || body.length === 0) {
			throw badRequest(MSG_VALIDATION, ['body must be a non-empty JSON array of contacts']);
		}
		const errors: string[] = [];
		const valid: ImportedDetails[] = [];
		body.forEach((el, i) => {
			const details = validateImportElement(el, i, errors);
			if (details) valid.push(details);
		});
		// All or nothing: one bad element rejects the whole call.
		if (errors.length > 0) throw badRequest(MSG_VALIDATION, errors);

		const contacts = this.state.contacts;
		const byPhone = new Map<string, Contact>();
		for (const c of contacts) {
			const key = phoneKey(c.profile.userDetails.contact.phone);
			// Deleted contacts are gone for the API; the newest live contact with the number wins.
			if (c.status !== 'DELETED' && !byPhone.has(key)) byPhone.set(key, c);
		}
		for (const details of valid) {
			const key = phoneKey(details.phone);
			const existing = byPhone.get(key);
			if (existing) {
				const ud = existing.profile.userDetails;
				// Empty strings do not wipe what the contact already has.
				if (details.name) ud.userProvidedName = details.name;
				if (details.email) ud.contact.email = details.email;
				ud.tags = unionTags(ud.tags, details.tags);
				ud.attributes = upsertAttributes(ud.attributes, details.attributes);
				existing.updatedAt = new Date().toISOString();
			} else {
				const created = this.dataset.factory.importedContact(
					details,
					this.newestTimestamp(contacts),
				);
				contacts.unshift(created);
				byPhone.set(key, created);
			}
		}
		return { message: 'User profiles imported successfully.', data: [] };
	}

	private updateStatus({ body }: RequestContext): Success {
		if (!isRecord(body)) throw badRequest(MSG_VALIDATION, ['body must be a JSON object']);
		// The [NEW] page warns about the [LEGACY] sample's subscriberIds; treat it as the mistake it is.
		if ('subscriberIds' in body) throw badRequest(MSG_SUBSCRIBER_IDS);
		const { ids, status } = body;
		const idsOk = isStringArray(ids) && ids.length > 0;
		const statusOk = isString(status) && status !== '';
		if (!idsOk || !statusOk) {
			throw badRequest(MSG_VALIDATION, [
				...(idsOk ? [] : ['ids must be a non-empty array of user ids']),
				...(statusOk ? [] : ['status must be a non-empty string']),
			]);
		}
		if (!ids.every(isObjectId)) throw badRequest(MSG_OBJECT_ID);

		const wanted = new Set(ids);
		const now = new Date().toISOString();
		for (const c of this.state.contacts) {
			if (!wanted.has(c._id)) continue; // unknown ids are ignored, like an updateMany
			c.status = status;
			c.updatedAt = now;
		}
		return { message: '' };
	}

	private updateLead({ body }: RequestContext): Success {
		if (!isRecord(body)) throw badRequest(MSG_VALIDATION, ['body must be a JSON object']);
		const errors: string[] = [];
		for (const key of Object.keys(body)) {
			if (!(key in LEAD_RULES)) errors.push(`"${key}" is not allowed`);
		}
		for (const key of LEAD_REQUIRED) {
			if (body[key] === undefined) errors.push(`${key} is required`);
		}
		for (const [key, rule] of Object.entries(LEAD_RULES)) {
			if (body[key] !== undefined && !rule.check(body[key]))
				errors.push(`${key} must be ${rule.expected}`);
		}
		if (errors.length > 0) throw badRequest(MSG_VALIDATION, errors);
		const u = body as unknown as LeadUpdate;
		const ids =
			u.agentId === undefined ? [u.botId, u.customerId] : [u.botId, u.customerId, u.agentId];
		if (!ids.every(isObjectId)) throw badRequest(MSG_OBJECT_ID);
		if (u.botId !== this.botId || u.customerId !== this.customerId) {
			throw badRequest('No bot found for this botId and customerId');
		}

		let lead = this.state.chats.find((c) => c.uuid === u.uuid);
		if (!lead) {
			lead = this.dataset.factory.newLead(u.uuid, this.newestTimestamp(this.state.chats));
			this.state.chats.unshift(lead);
		}
		const now = new Date();
		const ud = lead.profile.userDetails;
		if (u.name !== undefined) ud.name = u.name;
		if (u.email !== undefined) ud.contact.email = u.email;
		if (u.phone !== undefined) ud.contact.phone.number = u.phone;
		// Stored like the listing's example (`prefix: "91"`), although the field takes "+91".
		if (u.dialCode !== undefined) ud.contact.phone.prefix = u.dialCode.slice(1);
		if (u.picture !== undefined) ud.picture = u.picture;
		if (u.status !== undefined) lead.status = u.status;
		if (u.agentId !== undefined) lead._agentAssigned = u.agentId;
		if (u.tags) ud.tags = unionTags(ud.tags, u.tags);
		if (u.attributes) ud.attributes = upsertAttributes(ud.attributes, u.attributes);
		for (const note of u.notes ?? []) {
			lead.profile.notes.push({
				title: note.title,
				description: note.description,
				_id: this.dataset.factory.objectId(now.getTime()),
			});
		}
		lead.updatedAt = now.toISOString();
		return { message: 'ok' };
	}
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
	const simulator = new InboxSimulator(opts);
	await simulator.listen(opts.port ?? 0);
	return simulator;
}
