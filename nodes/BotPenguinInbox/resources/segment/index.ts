import type { INodeProperties } from 'n8n-workflow';

import { requestOptions, returnAllAndLimit } from '../../shared/descriptions';
import { buildWith, listResponse, prepareRequest, singleRequest } from '../../shared/routing';

const show = { resource: ['segment'] };
const showGetAll = { ...show, operation: ['getAll'] };

export const segmentDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many segments',
				description:
					'List the segments (groups) of the account, e.g. to find the ID for the contacts Segments filter',
				routing: {
					// The endpoint returns every segment at once; Limit trims the output.
					request: { method: 'GET', url: '/inbox/segments' },
					// buildWith with nothing to build still checks the Options with every other item's.
					send: { preSend: [buildWith(() => {}), prepareRequest], paginate: true },
					operations: { pagination: singleRequest('read') },
					output: {
						postReceive: [listResponse],
						maxResults: '={{ $parameter.returnAll ? undefined : $parameter.limit }}',
					},
				},
			},
		],
		default: 'getAll',
	},
	...returnAllAndLimit(showGetAll),
	requestOptions(showGetAll),
];
