import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { requireBaseUrl } from '../shared/credential';
import { DEFAULT_MAX_RETRIES } from '../shared/retry';
import { segmentLabel } from '../shared/segments';
import { DEFAULT_TIMEOUT_MS, requestJson } from '../shared/transport';
import type { JsonRequest } from '../shared/transport';

/** A read for the editor (dropdowns, lists): retried, behind the node's own proxy settings. */
export async function editorRead(
	context: ILoadOptionsFunctions,
	request: Omit<JsonRequest, 'baseURL' | 'method'>,
) {
	return await requestJson(
		context,
		{ method: 'GET', baseURL: await requireBaseUrl(context), ...request },
		{
			scope: 'read',
			maxRetries: DEFAULT_MAX_RETRIES,
			timeout: DEFAULT_TIMEOUT_MS,
			expectList: true,
			// The node's own proxy / Ignore SSL Issues settings, as Get Many uses them.
			requestOptions: (context.getCurrentNodeParameter('requestOptions') ?? {}) as IDataObject,
		},
	);
}

/** Options of the contacts Segments filter: name shown, segment ID sent. */
export async function getSegments(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const { data = [] } = await editorRead(this, { url: '/inbox/segments' });
	return data
		.map((segment) => ({ name: segmentLabel(segment), value: String(segment._id) }))
		.sort((a, b) => a.name.localeCompare(b.name));
}
