import type { IExecuteSingleFunctions, INodeProperties } from 'n8n-workflow';

import { CONVERSATION_STATUSES, requestOptions } from '../../shared/descriptions';
import { operation } from '../../shared/operation';
import { nonEmpty, objectIdList } from '../../shared/validation';

/** Body of PUT /inbox/users/status-update; Delete is the same call with status DELETED (a soft delete). */
export function statusUpdateBody(context: IExecuteSingleFunctions) {
	const ids = objectIdList('Contact IDs', context.getNodeParameter('contactIds', ''));
	const status =
		context.getNodeParameter('operation') === 'delete'
			? 'DELETED'
			: nonEmpty('Status', context.getNodeParameter('status', ''));
	// `subscriberIds` is deliberately never sent: the current docs say the endpoint rejects it.
	return { ids, status };
}

// All ids go in one request; setting an absolute status twice does no harm, so it is retried.
export const statusUpdateRouting = operation({
	method: 'PUT',
	url: '/inbox/users/status-update',
	requests: { single: 'idempotentWrite' },
	body: statusUpdateBody,
	output: 'sent',
});

/** Alphabetical, as n8n lists options. */
const CONTACT_STATUSES = [...CONVERSATION_STATUSES, { name: 'Deleted', value: 'DELETED' }].sort(
	(a, b) => a.name.localeCompare(b.name),
);

const showBoth = { resource: ['contact'], operation: ['updateStatus', 'delete'] };

export const contactStatusDescription: INodeProperties[] = [
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
