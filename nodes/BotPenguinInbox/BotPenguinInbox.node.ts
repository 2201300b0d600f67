import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { searchChats, searchLeads } from './methods/listSearch';
import { getSegments } from './methods/loadOptions';
import { contactResource } from './resources/contact';
import { conversationResource } from './resources/conversation';
import { segmentResource } from './resources/segment';
import { customOperations } from './shared/resource';

const chatResource = conversationResource('chat');
const leadResource = conversationResource('lead');

export class BotPenguinInbox implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'BotPenguin Inbox',
		name: 'botPenguinInbox',
		icon: {
			light: 'file:../../icons/botpenguin.svg',
			dark: 'file:../../icons/botpenguin.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Work with the BotPenguin inbox: segments, contacts (import, search, status, delete), chats and leads',
		defaults: {
			name: 'BotPenguin Inbox',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'botPenguinInboxApi',
				required: true,
			},
		],
		requestDefaults: {
			baseURL: '={{ $credentials.baseUrl }}',
			headers: {
				Accept: 'application/json',
				'Content-Type': 'application/json',
			},
			// Every status reaches the node's own error mapping, which knows BotPenguin's envelope.
			ignoreHttpStatusErrors: true,
		},
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Chat', value: 'chat' },
					{ name: 'Contact', value: 'contact' },
					{ name: 'Lead', value: 'lead' },
					{ name: 'Segment', value: 'segment' },
				],
				default: 'contact',
			},
			...contactResource.properties,
			...chatResource.properties,
			...leadResource.properties,
			...segmentResource.properties,
		],
	};

	methods = {
		loadOptions: {
			getSegments,
		},
		listSearch: {
			searchChats,
			searchLeads,
		},
	};

	/**
	 * The operations that run as code (they export `execute`): Contact → Create or Update sees all
	 * items at once to import them in batches.
	 */
	customOperations = customOperations([
		contactResource,
		chatResource,
		leadResource,
		segmentResource,
	]);
}
