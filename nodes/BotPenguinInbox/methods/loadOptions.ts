import { NodeOperationError } from 'n8n-workflow';
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { apiError } from '../shared/errors';
import { BASE_URL_HELP, baseUrlOf, secretsOf } from '../shared/routing';
import {
	CREDENTIAL_TYPE,
	DEFAULT_MAX_RETRIES,
	DEFAULT_TIMEOUT_MS,
	interpretResponse,
	transportError,
	withRetries,
} from '../shared/transport';
import type { RawResponse } from '../shared/transport';

/** Options of the contacts Segments filter: name shown, segment ID sent. */
export async function getSegments(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const node = this.getNode();
	const baseURL = await baseUrlOf(this);
	if (typeof baseURL !== 'string') {
		throw new NodeOperationError(node, `Invalid Base URL in the BotPenguin Inbox credential: ${baseURL.problem}`, {
			description: BASE_URL_HELP,
		});
	}
	const segments = await withRetries({ node, scope: 'read', maxRetries: DEFAULT_MAX_RETRIES }, async () => {
		let raw: RawResponse;
		try {
			raw = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
				method: 'GET',
				baseURL,
				url: '/inbox/segments',
				headers: { Accept: 'application/json' },
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: DEFAULT_TIMEOUT_MS,
			})) as RawResponse;
		} catch (error) {
			throw transportError(node, error, DEFAULT_TIMEOUT_MS);
		}
		const result = interpretResponse(raw, true, await secretsOf(this));
		if (!result.ok) throw apiError(node, result);
		return result.data ?? [];
	});
	return segments
		.map((segment) => ({
			name: String(segment.segmentName ?? segment.name ?? segment._id),
			value: String(segment._id),
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}
