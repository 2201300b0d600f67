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

/** GET /inbox/direct/chats lists one bot's conversations; `type` picks leads or the other chats. */
export function conversationGetAllRouting(resource: ConversationResource) {
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

export function conversationGetAllDescription(resource: ConversationResource): INodeProperties[] {
	const show = { resource: [resource], operation: ['getAll'] };
	return [
		...botAndCustomerIds(show),
		...returnAllAndLimit(show),
		simplify(show),
		pagedOptions(show),
	];
}
