import { NodeApiError, NodeOperationError } from 'n8n-workflow';
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
import { asNodeError, itemError } from './errors';
import { interpret } from './response';
import type { RawResponse } from './response';
import { MAX_RETRIES_RANGE } from './retry';
import type { RetryScope } from './retry';
import { simplifyRecord } from './simplify';
import { DEFAULT_TIMEOUT_MS, effectiveTimeout, send } from './transport';
import type { SendSettings } from './transport';
import { wholeNumber } from './validation';

/**
 * The declarative engine's hooks, written once and referenced by every operation:
 * - `prepareRequest` (preSend): checks the credential's base URL and sets the timeout;
 * - `listResponse` / `writeResponse` (postReceive): map BotPenguin's envelope and errors;
 * - `pagedRequest` / `singleRequest` (the `pagination` hook, enabled on every operation because it is
 *   the engine's only place where our code wraps the HTTP call): retries and paging.
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
 * `buildWith` checks them with the rest of the item's input, before anything is sent.
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

/**
 * The input errors of a node run by item index, keyed by the run's execute data (one object shared by
 * every item of one run of the node, and dropped with it).
 *
 * n8n's RoutingNode starts every item's request without waiting for the others, so a later item's
 * bad input would be found only after the earlier items were sent. But it starts them in one
 * synchronous loop, and `buildWith` (first in every preSend list) checks the input before its first
 * `await`: when the first request is about to go out, every item has been checked. The pagination
 * hooks (through `guarded`) then send nothing if one of them failed, unless Continue On Fail is on.
 * With Settings → Request Options → Batching, n8n waits between batches, so each batch is checked
 * when it starts. An expression that n8n itself fails to evaluate for a later item (e.g. `$('X').item`
 * without pairing) fails the run inside n8n's loop, before this package sees that item: earlier
 * items' requests are then already under way.
 */
const inputErrors = new WeakMap<object, Map<number, NodeApiError | NodeOperationError>>();

function runKey(context: IExecuteSingleFunctions): object | undefined {
	const key: unknown = context.getExecuteData();
	return typeof key === 'object' && key !== null ? key : undefined;
}

/** A preSend that checks the input and builds part of the request from it. Put it first. */
export function buildWith(
	build: (
		context: IExecuteSingleFunctions,
		requestOptions: IHttpRequestOptions,
	) => void | Promise<void>,
) {
	return async function (
		this: IExecuteSingleFunctions,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const itemIndex = this.getItemIndex();
		try {
			options(this);
			// A build that must ask BotPenguin (segment names) checks the input before its first await.
			await build(this, requestOptions);
		} catch (error) {
			const failure = itemError(this.getNode(), itemIndex, error);
			const key = runKey(this);
			if (key) {
				const errors = inputErrors.get(key) ?? new Map<number, NodeApiError | NodeOperationError>();
				inputErrors.set(key, errors.set(itemIndex, failure));
				// Under Continue On Fail the pagination hook returns it as the item's error item, paired
				// with the item (thrown from here, n8n would make an error item without `pairedItem`).
				if (this.continueOnFail()) return requestOptions;
			}
			throw failure;
		}
		return requestOptions;
	};
}

function errorItem(context: IExecutePaginationFunctions, error: unknown): INodeExecutionData[] {
	return [
		{
			json: {},
			error: asNodeError(context.getNode(), error, context.getItemIndex()),
			pairedItem: { item: context.getItemIndex() },
		},
	];
}

/**
 * What every pagination hook does around its requests, before its first one:
 * - an item whose own input is invalid (Continue On Fail) comes out as its paired error item;
 * - without Continue On Fail, a valid item is not sent when another item of the run is invalid: it
 *   gives no output, and the invalid item's own error (with its item index) fails the run, saying
 *   that the other items were not sent either;
 * - under Continue On Fail, a failed request becomes the item's paired error item.
 */
export async function guarded(
	context: IExecutePaginationFunctions,
	run: () => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const itemIndex = context.getItemIndex();
	const key = runKey(context);
	const errors = key ? inputErrors.get(key) : undefined;
	const own = errors?.get(itemIndex);
	if (own) return errorItem(context, own);
	if (errors && !context.continueOnFail()) {
		const [invalidIndex, error] = errors.entries().next().value as [
			number,
			NodeApiError | NodeOperationError,
		];
		const note = `Item ${invalidIndex + 1} has this problem, so the other items were not sent either. Fix it, or turn on Settings → On Error → Continue to send the valid items.`;
		if (!String(error.description ?? '').includes(note)) {
			error.description = [error.description, note].filter(Boolean).join(' ');
		}
		return [];
	}
	try {
		return await run();
	} catch (error) {
		if (context.continueOnFail()) return errorItem(context, error);
		throw asNodeError(context.getNode(), error);
	}
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

/** postReceive for writes: BotPenguin answers with a bare envelope, so the item also says what was sent. */
export function writeResponse(describe: (context: IExecuteSingleFunctions) => IDataObject) {
	return async function (
		this: IExecuteSingleFunctions,
		_items: INodeExecutionData[],
		response: IN8nHttpFullResponse,
	): Promise<INodeExecutionData[]> {
		const { envelope } = await unwrap(this, response, false);
		return [
			{
				json: {
					success: envelope.success ?? true,
					message: envelope.message ?? '',
					...describe(this),
				},
				pairedItem: { item: this.getItemIndex() },
			},
		];
	};
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

/** The `pagination` hook of operations that make one request. */
export function singleRequest(scope: RetryScope) {
	return async function (
		this: IExecutePaginationFunctions,
		requestData: RequestData,
	): Promise<INodeExecutionData[]> {
		return await guarded(this, async () =>
			sendRequest(this, requestData, { scope, maxRetries: options(this).maxRetries }),
		);
	};
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

/**
 * The `pagination` hook of Get Many. BotPenguin pages by number (1, 2, 3 …) and documents neither a
 * page size nor a total, so:
 * - every page repeats the original filters (n8n#20947 is why this is not generic pagination);
 * - an empty page ends the run; with "Stop at Short Page" on, so does a page shorter than the longest
 *   one seen (the page size is learnt from the data);
 * - each page is retried on its own; a record already returned is not returned again; a page with
 *   nothing new means the server ignores `page`, which stops the run with an error, as does passing
 *   Max Pages.
 * After page 1, up to Options → Parallel Requests pages are asked for ahead (see `readPages`).
 */
export async function pagedRequest(
	this: IExecutePaginationFunctions,
	requestData: RequestData,
): Promise<INodeExecutionData[]> {
	// The other items are checked before the first page only: with Batching, a later batch's bad item
	// must not cut off a listing that is already under way.
	return await guarded(this, async () => readPages(this, requestData));
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
 * Reads the pages of one listing in page order, with up to `parallelRequests` of them in flight:
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
