import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

/**
 * Bad user input found by a pure helper (phone splitting, id lists, dates …). The node turns it into
 * a NodeOperationError for the item, before any request is sent.
 */
export class InvalidInput extends Error {
	constructor(
		readonly field: string,
		readonly problem: string,
		readonly fix: string,
	) {
		super(`${field}: ${problem}`);
		this.name = 'InvalidInput';
	}
}

function inputError(
	node: INode,
	error: InvalidInput,
	itemIndex: number,
	where?: string,
): NodeOperationError {
	const place = where ? ` (${where})` : '';
	return new NodeOperationError(node, `Invalid ${error.field}: ${error.problem}${place}`, {
		itemIndex,
		description: error.fix,
	});
}

/**
 * An error found while checking an item's input: InvalidInput names the field and the fix (and
 * `where`, e.g. the contact of a list, the place in the item).
 */
export function itemError(
	node: INode,
	itemIndex: number,
	error: unknown,
	where?: string,
): NodeApiError | NodeOperationError {
	return error instanceof InvalidInput
		? inputError(node, error, itemIndex, where)
		: asNodeError(node, error, itemIndex);
}

/** Errors this package raised pass through unchanged; anything else becomes a NodeOperationError. */
export function asNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}

/** What the retry loop needs to know about a failed request. */
export interface FailureInfo {
	/** HTTP status, or undefined when no response arrived. */
	status?: number;
	/** Node error code of a transport failure (ECONNRESET, ETIMEDOUT, ECONNABORTED …). */
	networkCode?: string;
	/** Delay the server asked for with Retry-After, in milliseconds. */
	retryAfterMs?: number;
	/** BotPenguin said the API token is wrong (HTTP 401, or a 400 about the token): no request can work. */
	tokenRejected?: boolean;
}

export interface ApiErrorParts {
	message: string;
	description?: string;
	itemIndex?: number;
	info: FailureInfo;
	/** The message of the failure this error sums up (n8n lists it with the error); default `message`. */
	cause?: string;
}

/**
 * A failed request, as n8n shows it (a NodeApiError) and as the retry loop, the concurrency limit
 * and the import read it (`info`). Built only by `apiError`.
 */
export class ApiFailure extends NodeApiError {
	declare readonly info: FailureInfo;

	constructor(node: INode, parts: ApiErrorParts) {
		const httpCode = parts.info.status !== undefined ? String(parts.info.status) : undefined;
		const cause: JsonObject = { message: parts.cause ?? parts.message };
		if (httpCode) cause.httpCode = httpCode;
		super(node, cause, {
			message: parts.message,
			description: parts.description,
			httpCode,
			itemIndex: parts.itemIndex,
		});
		// n8n names errors after their class and passes on only those named NodeApiError or
		// NodeOperationError as they are (WorkflowExecute.rethrowNodeError in n8n-core's
		// dist/execution-engine/workflow-execute.js): to n8n this is a NodeApiError.
		Object.defineProperty(this, 'name', {
			value: 'NodeApiError',
			writable: true,
			enumerable: true,
			configurable: true,
		});
		// Not enumerable: the error n8n stores with the execution stays what it was.
		Object.defineProperty(this, 'info', { value: parts.info, enumerable: false });
		// NodeApiError swaps any message that mentions a Node error code (ECONNRESET, ETIMEDOUT …) for a
		// generic n8n text that names neither BotPenguin nor what the node already did: keep ours.
		this.message = parts.message;
	}
}

/**
 * The only way this package builds an API error: the message is already redacted by the caller, and
 * the error carries no request options (which would hold the token), only the text and the status.
 */
export function apiError(node: INode, parts: ApiErrorParts): ApiFailure {
	return new ApiFailure(node, parts);
}

/** What is known about a failed request; nothing for errors that are not a request's. */
export function failureOf(error: unknown): FailureInfo | undefined {
	return error instanceof ApiFailure ? error.info : undefined;
}

/** Removes every occurrence of the secrets from a text that may be shown to the user. */
export function redact(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const secret of secrets) {
		if (secret.length >= 4) out = out.split(secret).join('***');
	}
	return out;
}
