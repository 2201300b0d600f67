/**
 * What a hand-written client would do for Return All: POST the same body with the next page number,
 * parse each page, keep the records, stop on an empty page or on a page shorter than the longest seen
 * (the node's rule with Stop at Short Page on). Plain global `fetch` (undici, keep-alive). And for an
 * import: POST the node's own batches one after another.
 */
import type { RecordedRequest } from '../test/simulator/server';

export interface BaselineRequest {
	url: string;
	headers: Record<string, string>;
	/** The node's first request body; `page` is replaced on each request. */
	body: Record<string, unknown>;
}

export interface BaselineResult {
	records: unknown[];
	requests: number;
}

export async function fetchAll(request: BaselineRequest): Promise<BaselineResult> {
	const records: unknown[] = [];
	let longest = 0;
	let requests = 0;
	for (let page = 1; ; page++) {
		requests++;
		const response = await fetch(request.url, {
			method: 'POST',
			headers: request.headers,
			body: JSON.stringify({ ...request.body, page }),
		});
		const envelope = (await response.json()) as { success?: boolean; data?: unknown[] };
		if (!response.ok || envelope.success === false || !Array.isArray(envelope.data)) {
			throw new Error(`Baseline request for page ${page} failed with HTTP ${response.status}`);
		}
		const data = envelope.data;
		if (data.length === 0) break;
		for (const record of data) records.push(record);
		if (data.length < longest) break;
		longest = Math.max(longest, data.length);
	}
	return { records, requests };
}

/** The headers a client needs to send what the node sent (the auth headers included). */
export function replayHeaders(request: RecordedRequest): Record<string, string> {
	return {
		accept: request.headers.accept,
		'content-type': request.headers['content-type'],
		authorization: request.headers.authorization,
		authtype: request.headers.authtype,
	};
}

/** POSTs each body in turn, waiting for each answer; fails on any answer that is not a success. */
export async function postOneAfterAnother(
	url: string,
	headers: Record<string, string>,
	bodies: readonly unknown[],
): Promise<number> {
	for (const [index, body] of bodies.entries()) {
		const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
		const envelope = (await response.json()) as { success?: boolean };
		if (!response.ok || envelope.success === false) {
			throw new Error(`Baseline request ${index + 1} failed with HTTP ${response.status}`);
		}
	}
	return bodies.length;
}
