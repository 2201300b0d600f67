import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { requestJson, requireBaseUrl } from '../shared/requests';
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from '../shared/transport';

/** Options of the contacts Segments filter: name shown, segment ID sent. */
export async function getSegments(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const { data = [] } = await requestJson(
		this,
		{ method: 'GET', baseURL: await requireBaseUrl(this), url: '/inbox/segments' },
		{
			scope: 'read',
			maxRetries: DEFAULT_MAX_RETRIES,
			timeout: DEFAULT_TIMEOUT_MS,
			expectList: true,
			// The node's own proxy / Ignore SSL Issues settings, as Get Many uses them.
			requestOptions: (this.getCurrentNodeParameter('requestOptions') ?? {}) as IDataObject,
		},
	);
	return data
		.map((segment) => ({
			name: String(segment.segmentName ?? segment.name ?? segment._id),
			value: String(segment._id),
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}
