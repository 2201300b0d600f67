import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import { getSegments } from '../BotPenguinInbox/methods/loadOptions';
import { contactFilterOptions } from '../BotPenguinInbox/resources/contact/getAll';
import { botAndCustomerIds, simplify } from '../BotPenguinInbox/shared/descriptions';
import { pollInbox } from './poll';

/** The trigger picks `createdAt` itself; every other filter of Contact → Get Many applies. */
const TRIGGER_OWNED_FILTERS = ['createdAfter', 'createdBefore'];

export class BotPenguinInboxTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'BotPenguin Inbox Trigger',
		name: 'botPenguinInboxTrigger',
		icon: {
			light: 'file:../../icons/botpenguin.svg',
			dark: 'file:../../icons/botpenguin.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		description:
			'Starts the workflow once for every new contact, lead or chat in the BotPenguin inbox',
		defaults: {
			name: 'BotPenguin Inbox Trigger',
		},
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'botPenguinInboxApi',
				required: true,
			},
		],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'New Chat',
						value: 'newChat',
						description: 'A new chat of one bot that is not a lead',
					},
					{
						name: 'New Contact',
						value: 'newContact',
						description: 'A contact was added to the inbox',
					},
					{
						name: 'New Lead',
						value: 'newLead',
						description: 'A new lead of one bot',
					},
				],
				default: 'newContact',
			},
			...botAndCustomerIds({ event: ['newLead', 'newChat'] }),
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				displayOptions: { show: { event: ['newContact'] } },
				default: {},
				description:
					'Only new contacts matching every filter you add start the workflow (as in Contact → Get Many)',
				options: contactFilterOptions.filter(
					(option) => !TRIGGER_OWNED_FILTERS.includes(option.name),
				),
			},
			simplify({ event: ['newContact', 'newLead', 'newChat'] }),
		],
	};

	methods = {
		loadOptions: {
			getSegments,
		},
	};

	async poll(this: IPollFunctions) {
		return await pollInbox.call(this);
	}
}
