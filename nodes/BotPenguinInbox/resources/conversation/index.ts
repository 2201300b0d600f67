import { resource } from '../../shared/resource';
import * as getAll from './getAll';
import { forResource } from './resource';
import type { ConversationOperation, ConversationResource } from './resource';
import * as update from './update';

const operations: ConversationOperation[] = [getAll, update];

/** The Chat or the Lead resource (see resource.ts): the same operations, built for each. */
export function conversationResource(name: ConversationResource) {
	return resource(
		name,
		'getAll',
		operations.map((operation) => forResource(operation, name)),
	);
}
