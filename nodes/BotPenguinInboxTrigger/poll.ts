import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { InvalidInput, itemError } from '../BotPenguinInbox/shared/errors';
import { buildInboxBody, emptyInboxBody } from '../BotPenguinInbox/shared/inboxQuery';
import type { InboxBody } from '../BotPenguinInbox/shared/inboxQuery';
import { requestJson, requireBaseUrl } from '../BotPenguinInbox/shared/requests';
import { simplifyRecord } from '../BotPenguinInbox/shared/simplify';
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from '../BotPenguinInbox/shared/transport';
import { objectId } from '../BotPenguinInbox/shared/validation';

export type TriggerEvent = 'newContact' | 'newLead' | 'newChat';

/**
 * How far each poll looks back behind the watermark. BotPenguin may list a record up to 2 minutes
 * after its `createdAt` (indexing lag); the margin covers that with room to spare.
 */
export const OVERLAP_MS = 5 * 60_000;
/** At most this many IDs are remembered (those inside the overlap window, newest first). */
export const MAX_RECENT_IDS = 1_000;
/** One poll reads at most this many pages; the next poll continues where it stopped. */
export const MAX_PAGES_PER_POLL = 50;
/** n8n before 2.x has no getPollBudgetMs(); its default budget there too. */
const FALLBACK_POLL_BUDGET_MS = 5 * 60_000;
const STATE_VERSION = 1;

/** What the node keeps in the workflow's static data (saved by n8n with the workflow). */
export interface TriggerState {
	v: number;
	/** Hash of event, bot and filters: a change starts afresh. */
	key: string;
	/** Newest `createdAt` (ms) seen in the listing; absent while the listing was empty. */
	watermark?: number;
	/** Record ID → `createdAt` (ms) of the records known inside the overlap window. */
	recent: Record<string, number>;
	/** A poll stopped at the page cap or the time budget: where, and the newest `createdAt` it saw. */
	resume?: { page: number; newest: number };
}

interface Seen {
	id: string;
	at: number;
	raw: IDataObject;
}

interface Listing {
	fetch(page: number): Promise<IDataObject[]>;
	idOf(record: IDataObject): string | undefined;
}

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

/** Keeps the newest IDs (and those of the page a stopped poll resumes at) within the cap. */
function capRecent(recent: Record<string, number>, keep: Set<string>): Record<string, number> {
	const entries = Object.entries(recent);
	if (entries.length <= MAX_RECENT_IDS) return recent;
	entries.sort((a, b) => Number(keep.has(b[0])) - Number(keep.has(a[0])) || b[1] - a[1]);
	return Object.fromEntries(entries.slice(0, MAX_RECENT_IDS));
}

function pruned(
	recent: Record<string, number>,
	from: number | undefined,
	keep: Set<string>,
): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [id, at] of Object.entries(recent)) {
		if (from === undefined || at >= from || keep.has(id)) out[id] = at;
	}
	return capRecent(out, keep);
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
					return {
						idOf: (record) => (record._id === undefined ? undefined : String(record._id)),
						fetch: async (page) => {
							const { data = [] } = await requestJson(
								context,
								{
									method: 'POST',
									baseURL: await baseURL(),
									url: '/inbox/users',
									body: { ...body, page },
								},
								read,
							);
							return data;
						},
					};
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
			listing: () => ({
				idOf: (record) => (record.uuid === undefined ? undefined : String(record.uuid)),
				fetch: async (page) => {
					const { data = [] } = await requestJson(
						context,
						{
							method: 'GET',
							baseURL: await baseURL(),
							url: '/inbox/direct/chats',
							qs: { botId, customerId, type, page },
						},
						read,
					);
					return data;
				},
			}),
		};
	} catch (error) {
		throw itemError(node, 0, error);
	}
}

interface Reading {
	records: Map<string, Seen>;
	/** The listing was read to its end, or to a page holding only records older than the window. */
	complete: boolean;
	lastPage: number;
	/** IDs on the last page read: a poll that stopped early resumes there. */
	lastPageIds: Set<string>;
	newest?: number;
}

/**
 * Reads pages until one holds only records older than `since` (the window's start), the listing
 * ends (an empty page, or one shorter than the longest so far), the page cap or the time budget.
 * With `since` undefined and `deriveSince`, the window starts `OVERLAP_MS` before the newest record
 * of the first page (the first poll after activation).
 */
async function readWindow(
	listing: Listing,
	options: {
		since?: number;
		deriveSince?: boolean;
		resumePage?: number;
		fallbackAt?: number;
		deadline: number;
	},
): Promise<Reading> {
	const records = new Map<string, Seen>();
	let since = options.since;
	let newest: number | undefined;
	let longest = 0;
	let pages = 0;
	let lastPageIds = new Set<string>();
	const done = (complete: boolean, lastPage: number): Reading => ({
		records,
		complete,
		lastPage,
		lastPageIds,
		newest,
	});
	// A poll that stopped early is continued at the last page it read (records may have moved down a
	// page since, as new ones arrived at the top); the pages before it hold what it already emitted.
	const first = options.resumePage ?? 1;
	// At least one page beyond that one per poll, so that even a poll out of time makes progress.
	const minPages = options.resumePage === undefined ? 1 : 2;
	for (let page = first; ; page++) {
		if (pages >= MAX_PAGES_PER_POLL || (pages >= minPages && Date.now() >= options.deadline)) {
			return done(false, page - 1);
		}
		const data = await listing.fetch(page);
		pages++;
		if (data.length === 0) return done(true, page);
		lastPageIds = new Set();
		for (const raw of data) {
			const at = timeOf(raw);
			if (at !== undefined) newest = Math.max(newest ?? at, at);
		}
		if (since === undefined && options.deriveSince && newest !== undefined)
			since = newest - OVERLAP_MS;
		let inWindow = 0;
		for (const raw of data) {
			const id = listing.idOf(raw);
			// A record without a usable createdAt is placed at the window's start: it is kept for the
			// overlap like any other, and never mistaken for an old one.
			const at = timeOf(raw) ?? since ?? options.fallbackAt ?? 0;
			if (since !== undefined && at < since) continue;
			inWindow++;
			if (id !== undefined) lastPageIds.add(id);
			if (id === undefined || records.has(id)) continue;
			records.set(id, { id, at, raw });
		}
		if (since !== undefined && inWindow === 0) return done(true, page);
		if (data.length < longest) return done(true, page);
		longest = Math.max(longest, data.length);
	}
}

function toItems(records: Seen[], simplify: boolean): INodeExecutionData[] {
	return records.map((record) => ({ json: simplify ? simplifyRecord(record.raw) : record.raw }));
}

/** Fetch Test Event: the newest record of the listing, so fields can be mapped; no state is touched. */
async function testEvent(settings: Settings): Promise<INodeExecutionData[][] | null> {
	const page = await settings.listing(undefined, false).fetch(1);
	let newest: IDataObject | undefined;
	for (const record of page) {
		if (newest === undefined || (timeOf(record) ?? -Infinity) > (timeOf(newest) ?? -Infinity))
			newest = record;
	}
	return newest === undefined
		? null
		: [toItems([{ id: '', at: 0, raw: newest }], settings.simplify)];
}

export async function pollInbox(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const started = Date.now();
	let base: string | undefined;
	const baseURL = async () => (base ??= await requireBaseUrl(this));
	const settings = settingsOf(this, baseURL);
	await baseURL();

	if (this.getMode() === 'manual') return await testEvent(settings);

	const budget =
		typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : FALLBACK_POLL_BUDGET_MS;
	// Half the budget for starting requests: the last one may still need its timeout and retries.
	const deadline = started + budget / 2;
	const staticData = this.getWorkflowStaticData('node');
	const stored =
		isState(staticData.state) && staticData.state.key === settings.key
			? staticData.state
			: undefined;

	// Nothing is written to the static data before the poll has succeeded: a failed poll leaves it
	// as it was, and the next one reads the same window again.
	const commit = (state: TriggerState) => {
		staticData.state = state as unknown as IDataObject;
	};

	if (!stored) {
		const reading = await readWindow(settings.listing(undefined, true), {
			deriveSince: true,
			deadline,
		});
		const recent: Record<string, number> = {};
		for (const record of reading.records.values()) recent[record.id] = record.at;
		commit({
			v: STATE_VERSION,
			key: settings.key,
			watermark: reading.newest,
			recent: capRecent(recent, new Set()),
		});
		return null;
	}

	const since = stored.watermark === undefined ? undefined : stored.watermark - OVERLAP_MS;
	const reading = await readWindow(settings.listing(since, false), {
		since,
		resumePage: stored.resume?.page,
		fallbackAt: stored.watermark,
		deadline,
	});
	const fresh = [...reading.records.values()]
		.filter((record) => !(record.id in stored.recent))
		.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

	const recent = { ...stored.recent };
	for (const record of reading.records.values()) recent[record.id] = record.at;
	const candidates = [stored.watermark, stored.resume?.newest, reading.newest].filter(
		(at): at is number => at !== undefined,
	);
	if (reading.complete) {
		const watermark = candidates.length ? Math.max(...candidates) : undefined;
		commit({
			v: STATE_VERSION,
			key: settings.key,
			watermark,
			recent: pruned(
				recent,
				watermark === undefined ? undefined : watermark - OVERLAP_MS,
				new Set(),
			),
		});
	} else {
		// The next poll starts at the last page read again: keep its IDs whatever the cap.
		commit({
			v: STATE_VERSION,
			key: settings.key,
			watermark: stored.watermark,
			recent: pruned(recent, since, reading.lastPageIds),
			resume: {
				page: reading.lastPage,
				newest: candidates.length ? Math.max(...candidates) : (stored.watermark ?? 0),
			},
		});
	}
	return fresh.length ? [toItems(fresh, settings.simplify)] : null;
}
