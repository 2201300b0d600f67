import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { requireBaseUrl } from '../BotPenguinInbox/shared/credential';
import { InvalidInput, itemError } from '../BotPenguinInbox/shared/errors';
import { buildInboxBody, emptyInboxBody } from '../BotPenguinInbox/shared/inboxQuery';
import type { InboxBody } from '../BotPenguinInbox/shared/inboxQuery';
import { DEFAULT_MAX_RETRIES } from '../BotPenguinInbox/shared/retry';
import { simplifyRecord } from '../BotPenguinInbox/shared/simplify';
import { DEFAULT_TIMEOUT_MS, requestJson } from '../BotPenguinInbox/shared/transport';
import type { JsonRequest } from '../BotPenguinInbox/shared/transport';
import { objectId } from '../BotPenguinInbox/shared/validation';

/*
 * How the trigger stays exactly-once and bounded (the invariants the code below keeps).
 *
 * Assumption L (lateness): BotPenguin lists a record at most 2 minutes after its `createdAt`, on
 * BotPenguin's clock. `createdAt` values are read from the data, never from this machine's clock.
 *
 * Watermark W = the newest `createdAt` of a poll that read its whole window. The window of the next
 * poll is every record with createdAt ≥ lo = max(W − OVERLAP_MS, floor).
 *
 * I1 (seen set): every record with createdAt ≥ lo that was emitted (or existed at activation) has its
 *    ID in `recent`; every record with createdAt < lo was emitted or existed at activation.
 *    A poll emits a record of the window iff its ID is not in `recent`. By L, a record with
 *    createdAt < W − OVERLAP_MS was listed before the poll that saw W, so it is never new.
 *    `recent` keeps only records with createdAt ≥ lo, and at most MAX_RECENT_IDS of them: when more
 *    fall inside the window, whole createdAt groups are kept newest first and `floor` rises to the
 *    oldest kept group, so records older than `floor` count as seen (I1 still holds; the price is
 *    that a record listed late with createdAt < floor is never emitted).
 *
 * I2 (drain, newest-first listings): a poll that stops at the page cap or the time budget before the
 *    end of its window starts a drain: `hi` = the newest createdAt it saw, cursor `at` = the oldest
 *    createdAt it accepted, `tie` = the IDs it accepted at exactly `at`, `page` = the last page read.
 *    Every record of the window with createdAt > at, or = at with its ID in `tie`, has been handled.
 *    A resumed drain re-reads from `page` and skips those, whatever pages new records pushed them
 *    to; it accepts only records below the cursor, so a page shift can neither repeat nor skip one
 *    (a shift upwards, by deletions, is caught by stepping back until the first record of the page
 *    is a handled one). Records above the cursor that the drain did not emit either have createdAt
 *    > hi (new since the drain started) or, by L, createdAt > hi − 2 min: the post-drain poll's
 *    window [hi − OVERLAP_MS, ∞) holds both. For that poll the drain keeps in `top` the IDs it
 *    accepted with createdAt ≥ hi − OVERLAP_MS, and ends with W = hi, recent = top (I1 again).
 *    Not covered: records deleted in BotPenguin while one poll is between two of its page requests
 *    pull the next page's first records onto the page already read; deep in a drain (below
 *    hi − OVERLAP_MS) such a record is not read again. Any page-number listing has this race.
 *
 * I3 (oldest-first listings): the pages read from the window's first page are a prefix of the
 *    window, so a poll that stops early simply sets W to the newest createdAt it read (ties at W
 *    stay in the window). Without a date filter (leads, chats) the window's first page is found by
 *    galloping and bisecting page numbers, from the page the previous poll ended on.
 *
 * Listings in no createdAt order are read to their end; if that does not fit in one poll, the poll
 * fails with an explanation rather than guess.
 */

export type TriggerEvent = 'newContact' | 'newLead' | 'newChat';

/**
 * How far each poll looks back behind the watermark. BotPenguin may list a record up to 2 minutes
 * after its `createdAt` (indexing lag); the margin covers that with room to spare.
 */
export const OVERLAP_MS = 5 * 60_000;
/** At most this many IDs are remembered per set (whole createdAt groups, newest first). */
export const MAX_RECENT_IDS = 1_000;
/** One poll reads at most this many pages; the next poll continues where it stopped. */
export const MAX_PAGES_PER_POLL = 50;
/** n8n before 2.x has no getPollBudgetMs(); its default budget there too. */
const FALLBACK_POLL_BUDGET_MS = 5 * 60_000;
const STATE_VERSION = 2;

/** A newest-first poll that stopped before the end of its window (I2). */
export interface DrainState {
	/** The last page read: the next poll re-reads it first. */
	page: number;
	/** Newest `createdAt` seen when the drain started: the watermark once it ends. */
	hi: number;
	/** Cursor: the oldest `createdAt` accepted so far. */
	at: number;
	/** IDs accepted at exactly `at`. */
	tie: string[];
	/** IDs accepted with `createdAt` ≥ hi − OVERLAP_MS, for the poll after the drain. */
	top: Record<string, number>;
	/** `top` overflowed: records older than this inside its range count as seen. */
	floor?: number;
}

/** What the node keeps in the workflow's static data (saved by n8n with the workflow). */
export interface TriggerState {
	v: number;
	/** Hash of event, bot and filters: a change starts afresh. */
	key: string;
	/** Newest `createdAt` (ms) of the last complete read; absent while the listing was empty. */
	watermark?: number;
	/** Records older than this inside the look-back count as seen (I1). */
	floor?: number;
	/** Record ID → `createdAt` (ms) of the records known inside the window (I1). */
	recent: Record<string, number>;
	/** Set once the listing was seen oldest first (I3). */
	order?: 'oldestFirst';
	/** Oldest-first listings without a date filter: where the last poll ended (a search hint). */
	startPage?: number;
	drain?: DrainState;
}

interface Seen {
	id: string;
	at: number;
	raw: IDataObject;
}

interface Listing {
	/** The server applies `createdAt ≥ since`, so page 1 starts at the window in either order. */
	filtered: boolean;
	fetch(page: number): Promise<IDataObject[]>;
	idOf(record: IDataObject): string | undefined;
	/** Says (in n8n's log) that records of a page were left out, so that is never silent. */
	unusable(count: number, page: number): void;
}

type Order = 'newestFirst' | 'oldestFirst' | 'unordered';

/** FNV-1a: a short, stable fingerprint of the settings; no secret goes into it. */
function fingerprint(text: string): string {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash.toString(36);
}

function sortedObject(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortedObject);
	if (value !== null && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const key of Object.keys(value).sort())
			out[key] = sortedObject((value as Record<string, unknown>)[key]);
		return out;
	}
	return value;
}

function timeOf(record: IDataObject): number | undefined {
	const at = Date.parse(String(record.createdAt ?? ''));
	return Number.isNaN(at) ? undefined : at;
}

function isState(value: unknown): value is TriggerState {
	const state = value as TriggerState | undefined;
	return (
		typeof state === 'object' &&
		state !== null &&
		state.v === STATE_VERSION &&
		typeof state.key === 'string' &&
		typeof state.recent === 'object' &&
		state.recent !== null
	);
}

const maxOf = (...values: Array<number | undefined>): number | undefined => {
	const defined = values.filter((v): v is number => v !== undefined);
	return defined.length ? Math.max(...defined) : undefined;
};

/**
 * The IDs with `createdAt` ≥ max(from, floor), at most `limit` of them: whole createdAt groups,
 * newest first (the newest group is kept whole even if it alone is larger). When groups are
 * dropped, the returned floor is the oldest kept group's `createdAt` (I1).
 */
export function remember(
	ids: Record<string, number>,
	from: number | undefined,
	floor: number | undefined,
	limit = MAX_RECENT_IDS,
): { recent: Record<string, number>; floor?: number } {
	const low = maxOf(from, floor);
	const entries = Object.entries(ids).filter(([, at]) => low === undefined || at >= low);
	let kept = entries;
	let raised: number | undefined;
	if (entries.length > limit) {
		entries.sort((a, b) => b[1] - a[1]);
		let end = 0;
		while (end < entries.length) {
			let next = end;
			while (next < entries.length && entries[next][1] === entries[end][1]) next++;
			if (next > limit && end > 0) break;
			end = next;
		}
		kept = entries.slice(0, end);
		raised = kept[kept.length - 1][1];
	}
	const out = maxOf(floor, raised);
	return {
		recent: Object.fromEntries(kept),
		...(out !== undefined && (from === undefined || out > from) ? { floor: out } : {}),
	};
}

function windowStart(state: TriggerState): number | undefined {
	return state.watermark === undefined
		? undefined
		: Math.max(state.watermark - OVERLAP_MS, state.floor ?? -Infinity);
}

interface Settings {
	event: TriggerEvent;
	key: string;
	simplify: boolean;
	listing(since: number | undefined, baseline: boolean): Listing;
}

const read = {
	scope: 'read' as const,
	maxRetries: DEFAULT_MAX_RETRIES,
	timeout: DEFAULT_TIMEOUT_MS,
	expectList: true,
};

/** The node's parameters, checked before anything is sent. */
function settingsOf(context: IPollFunctions, baseURL: () => Promise<string>): Settings {
	const event = context.getNodeParameter('event') as TriggerEvent;
	const simplify = context.getNodeParameter('simplify', true) as boolean;
	const node = context.getNode();
	/** One listing the trigger reads: the request for a page, and the field that identifies a record. */
	const listingOf = (
		filtered: boolean,
		idField: '_id' | 'uuid',
		what: string,
		request: (page: number) => Omit<JsonRequest, 'baseURL'>,
	): Listing => ({
		filtered,
		idOf: (record) => (record[idField] === undefined ? undefined : String(record[idField])),
		unusable: (count, page) =>
			context.logger.warn(
				`BotPenguin Inbox Trigger "${node.name}": ${count} ${what} on page ${page} without ${idField} or a valid createdAt were left out (the trigger cannot tell whether they are new)`,
			),
		fetch: async (page) => {
			const { data = [] } = await requestJson(
				context,
				{ ...request(page), baseURL: await baseURL() },
				read,
			);
			return data;
		},
	});
	try {
		if (event === 'newContact') {
			const filters = context.getNodeParameter('filters', {}) as Record<string, unknown>;
			for (const owned of ['createdAfter', 'createdBefore']) {
				if (owned in filters) {
					throw new InvalidInput(
						'Filters',
						`"${owned}" cannot be used in the trigger`,
						'Remove it: the trigger itself picks the contacts created since its last poll.',
					);
				}
			}
			const filtered = buildInboxBody(filters, context.getTimezone());
			return {
				event,
				simplify,
				key: fingerprint(JSON.stringify([event, sortedObject(filters)])),
				listing: (since, baseline) => {
					// The first poll reads the whole inbox, so a contact that existed at activation and
					// only later matches the filters is not taken for a new one.
					const body: InboxBody = baseline ? emptyInboxBody() : { ...filtered };
					if (!baseline && since !== undefined) {
						body.createdAt = { startAt: new Date(since).toISOString(), endsAt: '' };
						body.applicableFilters = [...new Set([...filtered.applicableFilters, 'createdAt'])];
					}
					return listingOf(!baseline && since !== undefined, '_id', 'contact(s)', (page) => ({
						method: 'POST',
						url: '/inbox/users',
						body: { ...body, page },
					}));
				},
			};
		}
		if (event !== 'newLead' && event !== 'newChat') {
			throw new InvalidInput(
				'Event',
				`"${String(event)}" is not an event of this trigger`,
				'Choose New Contact, New Lead or New Chat.',
			);
		}
		const botId = objectId('Bot ID', context.getNodeParameter('botId', ''));
		const customerId = objectId('Customer ID', context.getNodeParameter('customerId', ''));
		const type = event === 'newLead' ? 'lead' : 'non-lead';
		return {
			event,
			simplify,
			key: fingerprint(JSON.stringify([event, botId, customerId])),
			listing: () =>
				listingOf(false, 'uuid', event === 'newLead' ? 'lead(s)' : 'chat(s)', (page) => ({
					method: 'GET',
					url: '/inbox/direct/chats',
					qs: { botId, customerId, type, page },
				})),
		};
	} catch (error) {
		throw itemError(node, 0, error);
	}
}

/** Pages of one listing within one poll: each fetched once, the page cap and the budget counted. */
class Reader {
	pages = 0;
	private readonly cache = new Map<number, Seen[]>();
	private readonly sizes = new Map<number, number>();

	constructor(
		private readonly listing: Listing,
		private readonly deadline: number,
	) {}

	get capped(): boolean {
		return this.pages >= MAX_PAGES_PER_POLL;
	}

	outOfTime(): boolean {
		return Date.now() >= this.deadline;
	}

	/**
	 * The records of a page that have an ID and a usable `createdAt`. One without either cannot be
	 * placed against the watermark or told apart from the others, so the trigger never emits it.
	 */
	async page(page: number): Promise<Seen[]> {
		const cached = this.cache.get(page);
		if (cached) return cached;
		const data = await this.listing.fetch(page);
		this.pages++;
		const records: Seen[] = [];
		for (const raw of data) {
			const id = this.listing.idOf(raw);
			const at = timeOf(raw);
			if (id !== undefined && at !== undefined) records.push({ id, at, raw });
		}
		if (records.length < data.length) this.listing.unusable(data.length - records.length, page);
		this.cache.set(page, records);
		this.sizes.set(page, data.length);
		return records;
	}

	/** How many records BotPenguin put on a page read in this poll (0: the listing ended). */
	sizeOf(page: number): number {
		return this.sizes.get(page) ?? 0;
	}

	/** Every record read in this poll. */
	all(): Seen[] {
		return [...this.cache.values()].flat();
	}
}

/** What the createdAt values read so far, in listing order, say about the order. */
class OrderSense {
	private last?: number;
	private up = false;
	private down = false;

	see(records: Seen[]) {
		for (const { at } of records) {
			if (this.last !== undefined && at > this.last) this.up = true;
			if (this.last !== undefined && at < this.last) this.down = true;
			this.last = at;
		}
	}

	get order(): Order | undefined {
		if (this.up && this.down) return 'unordered';
		if (this.up) return 'oldestFirst';
		return this.down ? 'newestFirst' : undefined;
	}
}

interface Scan {
	/** Records of the window not skipped, by ID, first sighting. */
	accepted: Map<string, Seen>;
	/** The listing was read to its end, or (newest first) to a page holding only older records. */
	complete: boolean;
	/** The last page read (0: none). */
	lastPage: number;
	order?: Order;
}

/**
 * Reads pages from `from` on until the listing ends (an empty page, or one shorter than the longest
 * so far), until a page holds only records older than `lo` while everything read was newest first,
 * or until the page cap or the time budget (after at least `minPages`).
 */
async function scanForward(
	reader: Reader,
	from: number,
	lo: number | undefined,
	options: { minPages?: number; skip?: (record: Seen) => boolean } = {},
): Promise<Scan> {
	const accepted = new Map<string, Seen>();
	const sense = new OrderSense();
	const minPages = options.minPages ?? 1;
	let longest = 0;
	let read = 0;
	for (let page = from; ; page++) {
		if (reader.capped || (read >= minPages && reader.outOfTime())) {
			return { accepted, complete: false, lastPage: page - 1, order: sense.order };
		}
		const records = await reader.page(page);
		const size = reader.sizeOf(page);
		read++;
		const done = (complete: boolean): Scan => ({
			accepted,
			complete,
			lastPage: page,
			order: sense.order,
		});
		if (size === 0) return done(true);
		sense.see(records);
		let inWindow = 0;
		for (const record of records) {
			if (lo !== undefined && record.at < lo) continue;
			inWindow++;
			if (accepted.has(record.id) || options.skip?.(record)) continue;
			accepted.set(record.id, record);
		}
		const newestFirst = sense.order === undefined || sense.order === 'newestFirst';
		if (lo !== undefined && inWindow === 0 && newestFirst) return done(true);
		if (size < longest) return done(true);
		longest = Math.max(longest, size);
	}
}

/**
 * The first page of an oldest-first listing whose newest record is ≥ lo (or the first empty page):
 * gallops from `hint` forwards or backwards, then bisects. `lo` = Infinity finds the end. If the
 * page cap stops it, the last page known to lie wholly before `lo`, plus one (never too far).
 */
async function locate(reader: Reader, lo: number, hint = 1): Promise<number> {
	const before = async (page: number) => {
		const records = await reader.page(page);
		return reader.sizeOf(page) > 0 && Math.max(-Infinity, ...records.map((r) => r.at)) < lo;
	};
	let good = 0;
	let bad: number | undefined;
	let page = Math.max(1, hint);
	if (await before(page)) {
		good = page;
		for (let step = 1; !reader.capped; step *= 2) {
			if (!(await before(good + step))) {
				bad = good + step;
				break;
			}
			good += step;
		}
	} else {
		bad = page;
		for (let step = 1; bad > 1 && !reader.capped; step *= 2) {
			page = Math.max(1, bad - step);
			if (await before(page)) {
				good = page;
				break;
			}
			bad = page;
		}
	}
	while (bad !== undefined && bad - good > 1 && !reader.capped) {
		const mid = Math.floor((good + bad) / 2);
		if (await before(mid)) good = mid;
		else bad = mid;
	}
	return bad !== undefined && bad - good <= 1 ? bad : good + 1;
}

function unorderedError(context: IPollFunctions): NodeOperationError {
	return new NodeOperationError(
		context.getNode(),
		`BotPenguin listed the records in no createdAt order, and more than ${MAX_PAGES_PER_POLL} pages of them`,
		{
			description:
				'The trigger relies on BotPenguin listing records newest first or oldest first. Narrow the Filters, or report this listing to the package maintainers.',
		},
	);
}

function toItems(records: Seen[], simplify: boolean): INodeExecutionData[] {
	return records.map((record) => ({ json: simplify ? simplifyRecord(record.raw) : record.raw }));
}

function newestOf(records: Iterable<Seen>): Seen | undefined {
	let newest: Seen | undefined;
	for (const record of records) if (!newest || record.at > newest.at) newest = record;
	return newest;
}

function idsOf(records: Iterable<Seen>): Record<string, number> {
	const out: Record<string, number> = {};
	for (const record of records) out[record.id] = record.at;
	return out;
}

/** Fetch Test Event: the newest record of the listing, so fields can be mapped; no state is touched. */
async function testEvent(
	settings: Settings,
	deadline: number,
): Promise<INodeExecutionData[][] | null> {
	const reader = new Reader(settings.listing(undefined, false), deadline);
	let records = await reader.page(1);
	const sense = new OrderSense();
	sense.see(records);
	if (sense.order === 'oldestFirst') {
		const end = await locate(reader, Infinity);
		if (end > 1) records = await reader.page(end - 1);
	}
	const newest = newestOf(records);
	return newest ? [toItems([newest], settings.simplify)] : null;
}

interface Poll {
	context: IPollFunctions;
	settings: Settings;
	deadline: number;
	commit(state: TriggerState): void;
}

/** The first poll after activation: remembers what exists, emits nothing. */
async function baseline({ context, settings, deadline, commit }: Poll): Promise<null> {
	let lo: number | undefined;
	const reader = new Reader(settings.listing(undefined, true), deadline);
	const first = await reader.page(1);
	const sense = new OrderSense();
	sense.see(first);
	const state: TriggerState = { v: STATE_VERSION, key: settings.key, recent: {} };
	if (reader.sizeOf(1) === 0) return (commit(state), null);

	let scan: Scan | undefined;
	let floor: number | undefined;
	if (sense.order !== 'oldestFirst') {
		const newest = newestOf(first);
		lo = newest === undefined ? undefined : newest.at - OVERLAP_MS;
		scan = await scanForward(reader, 1, lo);
		if (scan.order === 'unordered' && !scan.complete) throw unorderedError(context);
		// Too many records just before activation to read them all: the unread, older ones existed
		// then too.
		if (!scan.complete && scan.order !== 'oldestFirst')
			floor = reader.all().reduce((min, r) => Math.min(min, r.at), Infinity) + 1;
	}
	if (sense.order === 'oldestFirst' || scan?.order === 'oldestFirst') {
		const end = await locate(reader, Infinity);
		const hi = (newestOf(await reader.page(Math.max(1, end - 1))) ?? newestOf(first))?.at ?? 0;
		lo = hi - OVERLAP_MS;
		scan = await scanForward(reader, await locate(reader, lo, end - 1), lo);
		state.order = 'oldestFirst';
		if (settings.event !== 'newContact') state.startPage = Math.max(1, scan.lastPage - 1);
		// Not read to the end: the records up to the newest existed at activation.
		floor = scan.complete ? undefined : hi;
	}
	// Every record read counts, whatever the order: in an unordered listing page 1 may not hold the
	// newest one.
	const all = reader.all();
	state.watermark = newestOf(all)?.at;
	const kept = remember(
		idsOf(all),
		state.watermark === undefined ? undefined : state.watermark - OVERLAP_MS,
		floor,
	);
	state.recent = kept.recent;
	if (kept.floor !== undefined) state.floor = kept.floor;
	commit(state);
	return null;
}

const has = (ids: Record<string, number>, id: string) =>
	Object.prototype.hasOwnProperty.call(ids, id);

function fresh(accepted: Iterable<Seen>, recent: Record<string, number>): Seen[] {
	return [...accepted]
		.filter((record) => !has(recent, record.id))
		.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
}

/** A complete read of the window: the watermark moves to the newest record seen. */
function settled(
	stored: TriggerState,
	accepted: Record<string, number>,
	newest: number | undefined,
	extra: Partial<TriggerState> = {},
	floor = stored.floor,
): TriggerState {
	const watermark = maxOf(stored.watermark, newest);
	const kept = remember(
		{ ...stored.recent, ...accepted },
		watermark === undefined ? undefined : watermark - OVERLAP_MS,
		floor,
	);
	return {
		v: STATE_VERSION,
		key: stored.key,
		...(watermark === undefined ? {} : { watermark }),
		...(kept.floor === undefined ? {} : { floor: kept.floor }),
		recent: kept.recent,
		...(stored.order ? { order: stored.order } : {}),
		...extra,
	};
}

/** A regular poll: the window from the watermark on, newest first unless seen otherwise. */
async function regular(poll: Poll, stored: TriggerState): Promise<Seen[]> {
	const { context, settings, deadline, commit } = poll;
	const lo = windowStart(stored);
	const listing = settings.listing(lo, false);
	const reader = new Reader(listing, deadline);
	if (stored.order === 'oldestFirst')
		return await ascending(poll, stored, reader, listing, lo, true);

	const scan = await scanForward(reader, 1, lo);
	if (scan.order === 'oldestFirst')
		return await ascending(poll, { ...stored, order: 'oldestFirst' }, reader, listing, lo, false);
	if (scan.order === 'unordered' && !scan.complete) throw unorderedError(context);
	const accepted = [...scan.accepted.values()];
	const emit = fresh(accepted, stored.recent);
	if (scan.complete) {
		commit(settled(stored, idsOf(accepted), newestOf(accepted)?.at));
		return emit;
	}
	if (!accepted.length) return [];
	// Stopped early: start a drain (I2).
	const hi = (newestOf(accepted) as Seen).at;
	const at = accepted.reduce((min, r) => Math.min(min, r.at), Infinity);
	const top = remember(idsOf(accepted), hi - OVERLAP_MS, undefined);
	commit({
		...stored,
		drain: {
			page: scan.lastPage,
			hi,
			at,
			tie: accepted.filter((r) => r.at === at).map((r) => r.id),
			top: top.recent,
			...(top.floor === undefined ? {} : { floor: top.floor }),
		},
	});
	return emit;
}

/** A newest-first drain goes on below its cursor (I2). */
async function resumeDrain(poll: Poll, stored: TriggerState, drain: DrainState): Promise<Seen[]> {
	const { settings, deadline, commit } = poll;
	const lo = windowStart(stored);
	const reader = new Reader(settings.listing(lo, false), deadline);

	let at = drain.at;
	let tie = new Set(drain.tie);
	const handled = (record: Seen) => record.at > at || (record.at === at && tie.has(record.id));
	const skip = (record: Seen) => {
		if (handled(record)) return true;
		if (record.at < at) {
			at = record.at;
			tie = new Set();
		}
		tie.add(record.id);
		return false;
	};

	// Records above the cursor may have moved up (deletions): step back until the first record of the
	// page is one the drain handled, so none slips past between two pages.
	let start = drain.page;
	while (start > 1 && !reader.capped) {
		const [first] = await reader.page(start);
		if (first && handled(first)) break;
		start--;
	}
	// At least the re-read page and one more per poll, so that even a poll out of time makes progress.
	const scan = await scanForward(reader, start, lo, { minPages: 2, skip });
	// The cursor means something only in a newest-first listing.
	if (scan.order === 'unordered' || scan.order === 'oldestFirst')
		throw unorderedError(poll.context);
	const accepted = [...scan.accepted.values()];
	const emit = fresh(accepted, stored.recent);
	const topIds = { ...drain.top, ...idsOf(accepted) };
	if (scan.complete) {
		// settled() builds the state afresh: the drain ends here.
		commit(
			settled(
				{ ...stored, recent: { ...stored.recent, ...topIds } },
				{},
				drain.hi,
				{},
				maxOf(stored.floor, drain.floor),
			),
		);
		return emit;
	}
	const top = remember(topIds, drain.hi - OVERLAP_MS, drain.floor);
	commit({
		...stored,
		drain: {
			page: Math.max(scan.lastPage, start),
			hi: drain.hi,
			at,
			tie: [...tie],
			top: top.recent,
			...(top.floor === undefined ? {} : { floor: top.floor }),
		},
	});
	return emit;
}

/** An oldest-first listing: the window is read from its first page on (I3). */
async function ascending(
	poll: Poll,
	stored: TriggerState,
	reader: Reader,
	listing: Listing,
	lo: number | undefined,
	/** The order was stored, not just seen in this poll: a newest-first listing now goes back. */
	stale: boolean,
): Promise<Seen[]> {
	const { commit } = poll;
	const start =
		listing.filtered || lo === undefined ? 1 : await locate(reader, lo, stored.startPage);
	const scan = await scanForward(reader, start, lo);
	if (stale && scan.order === 'newestFirst') {
		return await regular(poll, { ...stored, order: undefined, startPage: undefined });
	}
	if (scan.order === 'unordered' && !scan.complete) throw unorderedError(poll.context);
	const accepted = [...scan.accepted.values()];
	const emit = fresh(accepted, stored.recent);
	const hint = listing.filtered ? {} : { startPage: Math.max(1, scan.lastPage) };
	const newest = newestOf(accepted)?.at;
	if (scan.complete || newest === undefined) {
		commit(settled(stored, idsOf(accepted), scan.complete ? newest : undefined, hint));
		return emit;
	}
	// Stopped early: what was read is a prefix of the window, so the watermark may move to its end.
	// The next poll re-reads the records at and just below it, so keep at most half of what this poll
	// read (the floor rises instead) and the next poll of the same size gets further.
	const watermark = maxOf(stored.watermark, newest) as number;
	const kept = remember(
		{ ...stored.recent, ...idsOf(accepted) },
		watermark - OVERLAP_MS,
		stored.floor,
		Math.max(1, Math.min(MAX_RECENT_IDS, Math.floor(accepted.length / 2))),
	);
	commit({
		v: STATE_VERSION,
		key: stored.key,
		watermark,
		...(kept.floor === undefined ? {} : { floor: kept.floor }),
		recent: kept.recent,
		order: 'oldestFirst',
		...hint,
	});
	return emit;
}

/**
 * Polls in flight, by workflow and node. n8n starts the next poll on schedule even while the last one
 * runs (it only counts them); two polls reading the same state would emit the same records twice.
 */
const inFlight = new Set<string>();

export async function pollInbox(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	if (this.getMode() === 'manual') return await pollOnce(this);
	const key = `${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
	// The running poll goes on where it stops; this one has nothing to add.
	if (inFlight.has(key)) return null;
	inFlight.add(key);
	try {
		return await pollOnce(this);
	} finally {
		inFlight.delete(key);
	}
}

async function pollOnce(context: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const started = Date.now();
	let base: string | undefined;
	const baseURL = async () => (base ??= await requireBaseUrl(context));
	const settings = settingsOf(context, baseURL);
	await baseURL();

	const budget =
		typeof context.getPollBudgetMs === 'function'
			? context.getPollBudgetMs()
			: FALLBACK_POLL_BUDGET_MS;
	// Half the budget for starting requests: the last one may still need its timeout and retries.
	const deadline = started + budget / 2;
	if (context.getMode() === 'manual') return await testEvent(settings, deadline);

	const staticData = context.getWorkflowStaticData('node');
	const stored =
		isState(staticData.state) && staticData.state.key === settings.key
			? staticData.state
			: undefined;
	// Nothing is written to the static data before the poll has succeeded: a failed poll leaves it
	// as it was, and the next one reads the same window again.
	const poll: Poll = {
		context,
		settings,
		deadline,
		commit: (state) => {
			staticData.state = state as unknown as IDataObject;
		},
	};
	if (!stored) return await baseline(poll);
	const emit = stored.drain
		? await resumeDrain(poll, stored, stored.drain)
		: await regular(poll, stored);
	return emit.length ? [toItems(emit, settings.simplify)] : null;
}
