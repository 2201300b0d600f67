/**
 * What a hand-written client would do for Return All: POST the same body with the next page number,
 * parse each page, keep the records, stop on an empty page or on a page shorter than the longest seen
 * (the node's default stopping rule). Plain global `fetch` (undici, keep-alive).
 */

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
