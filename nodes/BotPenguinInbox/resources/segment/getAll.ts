import type { INodeProperties } from 'n8n-workflow';

import { requestOptions, returnAllAndLimit } from '../../shared/descriptions';
import { operation } from '../../shared/operation';

const show = { resource: ['segment'], operation: ['getAll'] };

export const option = {
	name: 'Get Many',
	value: 'getAll',
	action: 'Get many segments',
	description:
		'List the segments (groups) of the account, e.g. to find the ID for the contacts Segments filter',
};

// The endpoint returns every segment at once; Limit trims the output.
export const routing = operation({
	method: 'GET',
	url: '/inbox/segments',
	requests: { single: 'read' },
	output: 'records',
	maxResults: '={{ $parameter.returnAll ? undefined : $parameter.limit }}',
});

export const description: INodeProperties[] = [...returnAllAndLimit(show), requestOptions(show)];
