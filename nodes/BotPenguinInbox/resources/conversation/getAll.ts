import type { INodeProperties } from 'n8n-workflow';

import {
	botAndCustomerIds,
	pagedOptions,
	returnAllAndLimit,
	simplify,
} from '../../shared/descriptions';
import { operation } from '../../shared/operation';
import { objectId } from '../../shared/validation';
import type { ConversationResource } from './resource';

export function option(resource: ConversationResource) {
	return {
		name: 'Get Many',
		value: 'getAll',
		action: `Get many ${resource}s`,
		description:
			resource === 'lead'
				? 'List the leads of a bot'
				: 'List the chats of a bot that are not leads',
	};
}

/** GET /inbox/direct/chats lists one bot's conversations; `type` picks leads or the other chats. */
export function routing(resource: ConversationResource) {
	return operation({
		method: 'GET',
		url: '/inbox/direct/chats',
		qs: { type: resource === 'lead' ? 'lead' : 'non-lead' },
		requests: 'pages',
		build: (context, request) => {
			request.qs = {
				...request.qs,
				botId: objectId('Bot ID', context.getNodeParameter('botId', '')),
				customerId: objectId('Customer ID', context.getNodeParameter('customerId', '')),
				page: 1,
			};
		},
		output: 'records',
	});
}

export function description(resource: ConversationResource): INodeProperties[] {
	const show = { resource: [resource], operation: ['getAll'] };
	return [
		...botAndCustomerIds(show),
		...returnAllAndLimit(show),
		simplify(show),
		pagedOptions(show),
	];
}
