import { NodeOperationError } from 'n8n-workflow';
import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INodeExecutionData,
} from 'n8n-workflow';

import { AdaptiveConcurrency, PARALLEL_REQUESTS_RANGE } from './concurrency';
import { requireBaseUrl } from './credential';
import { itemError } from './errors';
import { interpret } from './response';
import type { RawResponse } from './response';
import { MAX_RETRIES_RANGE } from './retry';
import { simplifyRecord } from './simplify';
import { DEFAULT_TIMEOUT_MS, effectiveTimeout, send } from './transport';
import type { SendSettings } from './transport';
import { wholeNumber } from './validation';

/**
 * The declarative engine's hooks, written once; operation.ts puts them together for each operation:
 * - `prepareRequest` (preSend): checks the credential's base URL and sets the timeout;
 * - `listResponse` / `writeResponse` (postReceive): map BotPenguin's envelope and errors;
 * - `sendRequest` and `readPages` (inside the `pagination` hook): retries and paging.
 */

export const DEFAULT_MAX_PAGES = 10_000;

/**
 * RoutingNode hands an item's results on with `push(...results)`, which overflows the call stack
 * somewhere past 125,000 records (after every page was fetched). Stopping with a clear error before
 * that is better than a crash at the end.
 */
export const MAX_RECORDS = 100_000;

type Options = {
	maxRetries: number;
	maxPages: number;
	stopAtShortPage: boolean;
	parallelRequests: number;
};

/**
 * Options → Max Retries / Max Pages / Stop at Short Page / Parallel Requests, checked (they may come
 * from expressions).
 * Every operation checks them with the rest of the item's input, before anything is sent (operation.ts).
 */
export function options(context: IExecuteSingleFunctions): Options {
	const raw = context.getNodeParameter('options', {}) as IDataObject;
	try {
		return {
			maxRetries: wholeNumber('Options → Max Retries', raw.maxRetries, MAX_RETRIES_RANGE),
			maxPages: wholeNumber('Options → Max Pages', raw.maxPages, {
				min: 1,
				max: Number.MAX_SAFE_INTEGER,
				fallback: DEFAULT_MAX_PAGES,
			}),
			// Off unless turned on: a short page ends the listing only if BotPenguin's pages never vary.
			stopAtShortPage: raw.stopAtShortPage === true,
			parallelRequests: wholeNumber(
				'Options → Parallel Requests',
				raw.parallelRequests,
				PARALLEL_REQUESTS_RANGE,
			),
		};
	} catch (error) {
		throw itemError(context.getNode(), context.getItemIndex(), error);
	}
}

export async function prepareRequest(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	requestOptions.baseURL = await requireBaseUrl(this, this.getItemIndex());
	// The engine sets 5 minutes when the user left Request Options → Timeout empty.
	requestOptions.timeout = effectiveTimeout(this.getNodeParameter('requestOptions.timeout', 0));
	return requestOptions;
}

function unwrap(
	context: IExecuteSingleFunctions,
	response: IN8nHttpFullResponse,
	expectList: boolean,
) {
	return interpret(context, response as unknown as RawResponse, expectList, context.getItemIndex());
}

export async function listResponse(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const { data = [] } = await unwrap(this, response, true);
	const simplify = this.getNodeParameter('simplify', false) as boolean;
	// Every record comes from this input item. Saying so here keeps `$('…').item` working after a run
	// with several input items (n8n only pairs by itself when there is one), and one shared object per
	// page spares n8n from adding a property and an object to each of tens of thousands of items.
	const pairedItem = { item: this.getItemIndex() };
	return data.map((record) => ({ json: simplify ? simplifyRecord(record) : record, pairedItem }));
}

/**
 * postReceive for writes: BotPenguin answers with a bare envelope. The operation adds what was sent
 * (see `operation`'s `sent`).
 */
export async function writeResponse(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const { envelope } = await unwrap(this, response, false);
	return [
		{
			json: { success: envelope.success ?? true, message: envelope.message ?? '' },
			pairedItem: { item: this.getItemIndex() },
		},
	];
}

export type RequestData = DeclarativeRestApiSettings.ResultOptions;

export type SendOptions = Pick<SendSettings, 'scope' | 'maxRetries' | 'concurrency' | 'cancelled'>;

/**
 * One declarative request (through the engine, so auth, preSend and postReceive apply) with the
 * retry policy of its scope; the building block of every pagination hook.
 */
export async function sendRequest(
	context: IExecutePaginationFunctions,
	requestData: RequestData,
	options: SendOptions,
): Promise<INodeExecutionData[]> {
	return await send(
		context.getNode(),
		{
			...options,
			timeout: requestData.options.timeout ?? DEFAULT_TIMEOUT_MS,
			itemIndex: context.getItemIndex(),
		},
		async () => await context.makeRoutingRequest(requestData),
	);
}

/** Same request, another page; the page goes where the first request had it (body or query). */
export function atPage(requestData: RequestData, page: number): RequestData {
	const { options: request } = requestData;
	const body = request.body as IDataObject | undefined;
	const inBody = body !== undefined && typeof body === 'object' && 'page' in body;
	return {
		...requestData,
		options: inBody
			? { ...request, body: { ...body, page } }
			: { ...request, qs: { ...(request.qs ?? {}), page } },
	};
}

function recordKey(json: IDataObject): string | undefined {
	const key = json._id ?? json.id ?? json.uuid;
	return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}

export interface PagingSettings extends Options {
	/** Records wanted; `Infinity` for Return All. */
	limit: number;
}

/** Return All / Limit and the Options of the item, as `readPages` uses them. */
export function pagingSettings(context: IExecuteSingleFunctions): PagingSettings {
	const returnAll = context.getNodeParameter('returnAll', false) as boolean;
	const limit = returnAll ? Infinity : (context.getNodeParameter('limit', 50) as number);
	return { ...options(context), limit };
}

/** A page's records, or why it failed for good (kept until the pages before it are handed on). */
type PageOutcome = { items: INodeExecutionData[] } | { failure: unknown };

/**
 * Get Many's requests. BotPenguin pages by number (1, 2, 3 …) and documents neither a page size nor
 * a total, so:
 * - every page repeats the original filters (n8n#20947 is why this is not generic pagination);
 * - an empty page ends the run; with "Stop at Short Page" on, so does a page shorter than the longest
 *   one seen (the page size is learnt from the data);
 * - each page is retried on its own; a record already returned is not returned again; a page with
 *   nothing new means the server ignores `page`, which stops the run with an error, as does passing
 *   Max Pages.
 *
 * It reads the pages of one listing in page order, with up to `parallelRequests` of them in flight:
 * - page 1 goes alone (it tells the page size and whether there is anything at all);
 * - then page p is asked for only while p < (first page not yet handed on) + the current limit of
 *   requests in flight, so at most `parallelRequests` − 1 pages are asked for past the one that ends
 *   the listing, and at most that many answers wait in memory for an earlier page;
 * - and only while the pages before it, if full, would not already hold what is wanted: Limit N
 *   costs ⌈N / page size⌉ requests, and Return All asks for no page past the one that would cross
 *   the 100,000-record stop;
 * - a 429 or 503 lowers the limit (AdaptiveConcurrency); pages asked for but not yet sent when the
 *   end is known are not sent, and a retry is not sent once its answer is no longer needed;
 * - every request is over before this returns, also on an error, so none outlives the node's run.
 */
export async function readPages(
	context: IExecutePaginationFunctions,
	requestData: RequestData,
	settings: PagingSettings = pagingSettings(context),
): Promise<INodeExecutionData[]> {
	const { limit, maxPages, stopAtShortPage, maxRetries, parallelRequests } = settings;
	const cap = Math.min(limit, MAX_RECORDS + 1);
	const concurrency = new AdaptiveConcurrency(parallelRequests);
	const results: INodeExecutionData[] = [];
	const seen = new Set<string>();
	const pending = new Map<number, Promise<PageOutcome>>();
	let longestPage = 0;
	let lastPageShort = false;
	let done = false;
	let nextToAsk = 1;

	const fetchPage = async (page: number): Promise<PageOutcome> => {
		try {
			return {
				items: await concurrency.run(async (slot) =>
					done
						? []
						: await sendRequest(context, atPage(requestData, page), {
								scope: 'read',
								maxRetries,
								concurrency: { limiter: concurrency, slot },
								cancelled: () => done,
							}),
				),
			};
		} catch (error) {
			return { failure: error };
		}
	};
	const askAhead = (page: number) => {
		while (
			nextToAsk <= maxPages &&
			(nextToAsk === 1 || longestPage > 0) &&
			nextToAsk < page + concurrency.limit &&
			results.length + (nextToAsk - page) * longestPage < cap
		) {
			pending.set(nextToAsk, fetchPage(nextToAsk));
			nextToAsk++;
		}
	};

	try {
		for (let page = 1; ; page++) {
			if (page > maxPages) {
				throw new NodeOperationError(
					context.getNode(),
					lastPageShort
						? `Stopped after ${maxPages} pages (Max Pages) before BotPenguin sent an empty page`
						: `Stopped after ${maxPages} pages: BotPenguin kept sending full pages`,
					{
						itemIndex: context.getItemIndex(),
						description: lastPageShort
							? `${results.length} records were received. Page ${maxPages} was shorter than the earlier ones, which usually means the listing ended, but only an empty page says so for sure. Raise Options → Max Pages, or turn on Options → Stop at Short Page if BotPenguin always sends full pages.`
							: `${results.length} records were received. If the account really holds more, raise Options → Max Pages; otherwise the server is not ending its listing.`,
					},
				);
			}
			askAhead(page);
			// Asked for by now: a page is held back only while the pages before it could hold what is
			// wanted, and they are all handed on at this point.
			const outcome = await (pending.get(page) as Promise<PageOutcome>);
			pending.delete(page);
			if ('failure' in outcome) throw outcome.failure;
			const { items } = outcome;
			if (items.length === 0) break;
			let fresh = 0;
			for (const item of items) {
				const key = recordKey(item.json);
				if (key !== undefined) {
					if (seen.has(key)) continue;
					seen.add(key);
				}
				fresh++;
				results.push(item);
				if (results.length >= limit) return results;
				if (results.length > MAX_RECORDS) {
					throw new NodeOperationError(
						context.getNode(),
						`More than ${MAX_RECORDS.toLocaleString('en-US')} records: too many for one run of the node`,
						{
							itemIndex: context.getItemIndex(),
							description:
								'n8n cannot pass more records from one request to the next node. Split the run with Filters (e.g. Created After / Created Before windows) or use Limit.',
						},
					);
				}
			}
			if (fresh === 0) {
				throw new NodeOperationError(
					context.getNode(),
					`BotPenguin sent page ${page} with only records it had already sent`,
					{
						itemIndex: context.getItemIndex(),
						description: `The server seems to ignore the page number, so the node stopped at page ${page} instead of looping. ${results.length} distinct records were received.`,
					},
				);
			}
			lastPageShort = items.length < longestPage;
			if (stopAtShortPage && lastPageShort) break;
			longestPage = Math.max(longestPage, items.length);
		}
		return results;
	} finally {
		done = true;
		await Promise.all(pending.values());
	}
}
