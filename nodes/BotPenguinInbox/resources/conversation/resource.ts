import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../shared/resource';

/**
 * Chats and leads are the same records of one bot (GET /inbox/direct/chats with type non-lead or lead,
 * PUT /inbox/direct/lead for both), so this folder builds two resources, Chat and Lead, from one set
 * of operation files. Each file exports the usual `option`, `description` and `routing`, as functions
 * of the resource they are built for.
 */
export type ConversationResource = 'chat' | 'lead';

export interface ConversationOperation {
	option(resource: ConversationResource): OperationModule['option'];
	description(resource: ConversationResource): INodeProperties[];
	routing(resource: ConversationResource): NonNullable<OperationModule['routing']>;
}

/** The operation as the Chat or the Lead resource has it. */
export function forResource(
	operation: ConversationOperation,
	resource: ConversationResource,
): OperationModule {
	return {
		option: operation.option(resource),
		description: operation.description(resource),
		routing: operation.routing(resource),
	};
}
