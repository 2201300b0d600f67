import type { INodeProperties } from 'n8n-workflow';

import { requestOptions, returnAllAndLimit } from '../../shared/descriptions';
import { operation } from '../../shared/operation';

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
				// The endpoint returns every segment at once; Limit trims the output.
				routing: operation({
					method: 'GET',
					url: '/inbox/segments',
					requests: { single: 'read' },
					output: 'records',
					maxResults: '={{ $parameter.returnAll ? undefined : $parameter.limit }}',
				}),
			},
		],
		default: 'getAll',
	},
	...returnAllAndLimit(showGetAll),
	requestOptions(showGetAll),
];
