import type { INodeProperties } from 'n8n-workflow';

import {
	CONVERSATION_STATUSES,
	pagedOptions,
	returnAllAndLimit,
	simplify,
} from '../../shared/descriptions';
import { buildInboxBody } from '../../shared/inboxQuery';
import { buildWith, listResponse, pagedRequest, prepareRequest } from '../../shared/routing';
import { resolveSegments } from '../../shared/segments';

const show = { resource: ['contact'], operation: ['getAll'] };

const idListFilter = (displayName: string, name: string, channel: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	placeholder: 'e.g. 63d9ffa77a8d152facbe2f2f',
	description: `Contacts who talked to any of these ${channel} bots. IDs separated by commas, or an array.`,
});

/**
 * The options of Contact → Get Many's Filters, one per key of `INBOX_FILTERS`. The trigger offers the
 * same list without Created After/Before (it owns `createdAt`).
 */
export const contactFilterOptions: INodeProperties[] = [
	{
		displayName: 'Agent IDs',
		name: 'agentIds',
		type: 'string',
		default: '',
		placeholder: 'e.g. 640f472d173951357f08edee',
		description: 'Contacts assigned to any of these agents. IDs separated by commas, or an array.',
	},
	{
		displayName: 'Created After',
		name: 'createdAfter',
		type: 'dateTime',
		default: '',
		description:
			'Contacts created at or after this time (workflow time zone unless the value has an offset), e.g. {{ $now.minus({days: 1}) }}',
	},
	{
		displayName: 'Created Before',
		name: 'createdBefore',
		type: 'dateTime',
		default: '',
		description: 'Contacts created at or before this time',
	},
	idListFilter('Facebook Bot IDs', 'facebookBotIds', 'Facebook'),
	{
		displayName: 'Has Ordered',
		name: 'hasOrdered',
		type: 'boolean',
		default: true,
		description: 'Whether the contact has placed an order (on) or has not (off)',
	},
	{
		displayName: 'Is Live Chat Active',
		name: 'isLiveChatActive',
		type: 'boolean',
		default: true,
		description: 'Whether a live chat with an agent is active (on) or not (off)',
	},
	{
		displayName: 'Is Online',
		name: 'isOnline',
		type: 'boolean',
		default: true,
		description: 'Whether the contact is online now (on) or offline (off)',
	},
	{
		displayName: 'Last Message By',
		name: 'lastMessageBy',
		type: 'multiOptions',
		options: [
			{ name: 'Agent', value: 'agent' },
			{ name: 'Bot', value: 'bot' },
			{ name: 'User', value: 'user' },
		],
		default: [],
		description: 'Who sent the last message of the conversation',
	},
	{
		displayName: 'Last Seen After',
		name: 'lastSeenAfter',
		type: 'dateTime',
		default: '',
		description: 'Contacts last seen at or after this time',
	},
	{
		displayName: 'Last Seen Before',
		name: 'lastSeenBefore',
		type: 'dateTime',
		default: '',
		description: 'Contacts last seen at or before this time',
	},
	{
		displayName: 'Search Text',
		name: 'searchText',
		type: 'string',
		default: '',
		placeholder: 'e.g. jane@example.com',
		description: 'Text to look for in the name, email or phone number',
	},
	{
		displayName: 'Segment Names or IDs',
		name: 'segments',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getSegments' },
		default: [],
		description:
			'Contacts in any of these segments (groups). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		hint: 'An expression may give segment names too, e.g. {{ ["VIP customers"] }}',
	},
	{
		displayName: 'Status',
		name: 'status',
		type: 'multiOptions',
		options: CONVERSATION_STATUSES,
		default: [],
		description: 'Contacts whose conversation has any of these statuses',
	},
	{
		displayName: 'Tags',
		name: 'tags',
		type: 'string',
		default: '',
		placeholder: 'e.g. vip, newsletter',
		description: 'Contacts with any of these tags. Names separated by commas, or an array.',
	},
	idListFilter('Telegram Bot IDs', 'telegramBotIds', 'Telegram'),
	{
		displayName: 'User Interacted',
		name: 'userInteracted',
		type: 'boolean',
		default: true,
		description: 'Whether the contact has interacted with a bot (on) or never has (off)',
	},
	idListFilter('Website Bot IDs', 'websiteBotIds', 'website'),
	idListFilter('WhatsApp Bot IDs', 'whatsappBotIds', 'WhatsApp'),
];

export const contactGetAllRouting = {
	request: { method: 'POST' as const, url: '/inbox/users' },
	send: {
		preSend: [
			buildWith(async (context, request) => {
				const filters = context.getNodeParameter('filters', {}) as Record<string, unknown>;
				const body = buildInboxBody(filters, context.getTimezone());
				request.body = body;
				if (body.segments.length) body.segments = await resolveSegments(context, body.segments);
			}),
			prepareRequest,
		],
		paginate: true,
	},
	operations: { pagination: pagedRequest },
	output: { postReceive: [listResponse] },
};

export const contactGetAllDescription: INodeProperties[] = [
	...returnAllAndLimit(show),
	simplify(show),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		displayOptions: { show },
		default: {},
		description:
			'Only contacts matching every filter you add are returned. The node tells BotPenguin which filters to apply (applicableFilters) for you.',
		options: contactFilterOptions,
	},
	pagedOptions(show),
];
