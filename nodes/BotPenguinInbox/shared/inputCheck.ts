import type {
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { asNodeError, itemError } from './errors';

/**
 * Checking every item's input before any item is sent, in a declarative node.
 *
 * n8n's RoutingNode starts every item's request without waiting for the others (`runNode` in
 * n8n-core's dist/execution-engine/routing-node.js pushes `this.makeRequest(...)` for each item and
 * awaits them all with `Promise.allSettled` after the loop), so a later item's bad input would be
 * found only after the earlier items were sent. But that loop is synchronous, and `makeRequest`
 * calls the preSend functions first: `checkInput` (first in every preSend list) checks the input
 * before its first `await`, so when the first request is about to go out, every item has been
 * checked. The pagination hooks (through `guarded`) then send nothing if one of them failed, unless
 * Continue On Fail is on. This is why every operation, even one that makes a single request, turns
 * on `paginate`: the pagination hook is the engine's only place where the node's code wraps the
 * HTTP call (`makeRequest` calls it only when `requestData.paginate` is set).
 * With Settings → Request Options → Batching, n8n waits between batches (the same loop), so each
 * batch is checked when it starts. An expression that n8n itself fails to evaluate for a later item
 * (e.g. `$('X').item` without pairing) fails the run inside n8n's loop, before this package sees
 * that item: earlier items' requests are then already under way.
 *
 * The input errors of a node run are kept by item index, keyed by the run's execute data (one
 * object shared by every item of one run of the node, and dropped with it).
 */
const inputErrors = new WeakMap<object, Map<number, NodeApiError | NodeOperationError>>();

function runKey(context: IExecuteSingleFunctions): object | undefined {
	const key: unknown = context.getExecuteData();
	return typeof key === 'object' && key !== null ? key : undefined;
}

/**
 * A preSend that checks the item's input and builds part of the request from it; first in the
 * preSend list. `build` throws what is wrong (InvalidInput names the field and the fix), and must
 * find it before its first `await`.
 */
export function checkInput(
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
