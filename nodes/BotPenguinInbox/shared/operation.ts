import type {
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	INodePropertyRouting,
} from 'n8n-workflow';

import { checkInput, guarded } from './inputCheck';
import type { RetryScope } from './retry';
import {
	listResponse,
	options,
	prepareRequest,
	readPages,
	sendRequest,
	writeResponse,
} from './routing';
import type { RequestData } from './routing';

type PostReceive = (
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
) => Promise<INodeExecutionData[]>;

/** What an operation's pagination hook does with a request that is ready to go. */
export type Requests =
	/** One request, retried as far as its scope allows (see retry.ts). */
	| { single: RetryScope }
	/** Get Many: the pages `readPages` reads for Return All / Limit and the Options. */
	| 'pages'
	/** Its own loop over `sendRequest` (e.g. Contact → Get, which reads on while a match may follow). */
	| ((
			context: IExecutePaginationFunctions,
			requestData: RequestData,
	  ) => Promise<INodeExecutionData[]>);

/** What an operation returns. */
export type Output =
	/** One item per record of BotPenguin's `data` list (Simplify applies). */
	| 'records'
	/** A write: BotPenguin's `success` and `message`, then the body that went out. */
	| 'sent'
	/**
	 * A write: BotPenguin's `success` and `message`, then what `sent` says about the body that went
	 * out (as `body` or `build` made it; nothing is checked again).
	 */
	| { sent: (context: IExecuteSingleFunctions, body: IDataObject) => IDataObject }
	/** Its own postReceive; the items it returns reach the `requests` function. */
	| PostReceive;

export interface OperationSpec {
	method: IHttpRequestMethods;
	url: string;
	qs?: IDataObject;
	requests: Requests;
	/**
	 * Builds the request from the item's input and throws what is wrong with it (before its first
	 * `await`: see inputCheck.ts). The Options are checked for every operation.
	 */
	build?: (context: IExecuteSingleFunctions, request: IHttpRequestOptions) => void | Promise<void>;
	/** Builds the JSON body from the item's input, as `build` would (the usual case of a write). */
	body?: (context: IExecuteSingleFunctions) => IDataObject;
	output: Output;
	/** `routing.output.maxResults`, for an endpoint that answers everything at once. */
	maxResults?: string;
}

function run(
	requests: Requests,
	context: IExecutePaginationFunctions,
	requestData: RequestData,
): Promise<INodeExecutionData[]> {
	if (requests === 'pages') return readPages(context, requestData);
	if (typeof requests === 'function') return requests(context, requestData);
	return sendRequest(context, requestData, {
		scope: requests.single,
		maxRetries: options(context).maxRetries,
	});
}

/**
 * An operation's whole `routing`: the item's input checked with every other item's, then the
 * credential's base URL and the timeout (preSend); its requests with their retries, inside the
 * pagination hook, which every operation turns on (inputCheck.ts says why); and its output.
 */
export function operation(spec: OperationSpec): INodePropertyRouting {
	const { method, url, qs, requests, build, body, output, maxResults } = spec;
	const sent =
		output === 'sent'
			? (_context: IExecuteSingleFunctions, sentBody: IDataObject) => sentBody
			: typeof output === 'object'
				? output.sent
				: undefined;
	return {
		request: { method, url, ...(qs ? { qs } : {}) },
		send: {
			preSend: [
				checkInput(async (context, request) => {
					options(context);
					if (body) request.body = body(context);
					await build?.(context, request);
				}),
				prepareRequest,
			],
			paginate: true,
		},
		operations: {
			pagination: async function (
				this: IExecutePaginationFunctions,
				requestData: RequestData,
			): Promise<INodeExecutionData[]> {
				// The other items are checked before the first request only: with Batching, a later
				// batch's bad item must not cut off a listing that is already under way.
				return await guarded(this, async () => {
					const items = await run(requests, this, requestData);
					if (!sent) return items;
					const sentBody = requestData.options.body as IDataObject;
					return items.map((item) => ({
						...item,
						json: { ...item.json, ...sent(this, sentBody) },
					}));
				});
			},
		},
		output: {
			postReceive: [
				output === 'records' ? listResponse : typeof output === 'function' ? output : writeResponse,
			],
			...(maxResults ? { maxResults } : {}),
		},
	};
}
