import type { IExecuteSingleFunctions, INodeProperties } from 'n8n-workflow';

import { CONVERSATION_STATUSES, requestOptions } from '../../shared/descriptions';
import { operation } from '../../shared/operation';
import { nonEmpty, objectIdList } from '../../shared/validation';

export const option = {
	name: 'Update Status',
	value: 'updateStatus',
	action: 'Update the status of contacts',
	description: 'Set the status of one or more contacts by User ID',
};

/**
 * PUT /inbox/users/status-update with the status `statusOf` gives; Delete (delete.ts) is the same
 * call with status DELETED (a soft delete). All ids go in one request; setting an absolute status
 * twice does no harm, so it is retried.
 */
export function statusUpdate(statusOf: (context: IExecuteSingleFunctions) => string) {
	return operation({
		method: 'PUT',
		url: '/inbox/users/status-update',
		requests: { single: 'idempotentWrite' },
		body: (context) => {
			const ids = objectIdList('Contact IDs', context.getNodeParameter('contactIds', ''));
			// `subscriberIds` is deliberately never sent: the current docs say the endpoint rejects it.
			return { ids, status: statusOf(context) };
		},
		output: 'sent',
	});
}

export const routing = statusUpdate((context) =>
	nonEmpty('Status', context.getNodeParameter('status', '')),
);

/** Alphabetical, as n8n lists options. */
const CONTACT_STATUSES = [...CONVERSATION_STATUSES, { name: 'Deleted', value: 'DELETED' }].sort(
	(a, b) => a.name.localeCompare(b.name),
);

const showBoth = { resource: ['contact'], operation: ['updateStatus', 'delete'] };

/** Contact IDs and Request Options are Delete's fields too (delete.ts has none of its own). */
export const description: INodeProperties[] = [
	{
		displayName: 'Contact IDs',
		name: 'contactIds',
		type: 'string',
		required: true,
		displayOptions: { show: showBoth },
		default: '',
		placeholder: 'e.g. 640f472d173951357f08edee, 640f479fa79ef02edfb33dfc',
		description:
			'User IDs of the contacts (Inbox → contact → ⋮ → Copy User ID, or the ID from Get Many): one, several separated by commas, or an array. All go in one request.',
	},
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		required: true,
		displayOptions: { show: { resource: ['contact'], operation: ['updateStatus'] } },
		options: CONTACT_STATUSES,
		default: 'OPEN',
		description:
			'The new status. BotPenguin documents only Deleted for this endpoint (the Delete operation sends it); the others are the inbox statuses, not documented here, so BotPenguin may refuse them (its error is shown). Use an expression for any other value.',
	},
	requestOptions(showBoth),
];
