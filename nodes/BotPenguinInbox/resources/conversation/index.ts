import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../shared/descriptions';
import { conversationGetAllDescription, conversationGetAllRouting } from './getAll';
import type { ConversationResource } from './resource';
import { conversationUpdateDescription, conversationUpdateRouting } from './update';

/** The Chat and the Lead resource: the same operations, built once for each (see resource.ts). */
export function conversationDescription(resource: ConversationResource): INodeProperties[] {
	return [
		operationField(
			resource,
			[
				{
					name: 'Get Many',
					value: 'getAll',
					action: `Get many ${resource}s`,
					description:
						resource === 'lead'
							? 'List the leads of a bot'
							: 'List the chats of a bot that are not leads',
					routing: conversationGetAllRouting(resource),
				},
				{
					name: 'Update',
					value: 'update',
					action: `Update a ${resource}`,
					description: `Update the profile, tags, attributes, notes or status of a ${resource}`,
					routing: conversationUpdateRouting,
				},
			],
			'getAll',
		),
		...conversationGetAllDescription(resource),
		...conversationUpdateDescription(resource),
	];
}
