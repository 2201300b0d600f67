import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../shared/descriptions';
import { contactGetDescription, contactGetRouting } from './get';
import { contactGetAllDescription, contactGetAllRouting } from './getAll';
import { contactStatusDescription, statusUpdateRouting } from './updateStatus';
import { contactUpsertDescription } from './upsert';

export const contactDescription: INodeProperties[] = [
	operationField(
		'contact',
		[
			{
				name: 'Create or Update',
				value: 'upsert',
				action: 'Create or update contacts',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete contacts',
				description: 'Delete contacts by User ID (BotPenguin sets their status to DELETED)',
				routing: statusUpdateRouting,
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a contact by email or phone',
				description:
					'Find the contacts whose email address or phone number is exactly the one given (a phone in international format, e.g. +91 98765 43210). Returns one item per contact found, or nothing when none has it.',
				routing: contactGetRouting,
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many contacts',
				description: 'Search the contacts of the whole account, with filters',
				routing: contactGetAllRouting,
			},
			{
				name: 'Update Status',
				value: 'updateStatus',
				action: 'Update the status of contacts',
				description: 'Set the status of one or more contacts by User ID',
				routing: statusUpdateRouting,
			},
		],
		'upsert',
	),
	...contactUpsertDescription,
	...contactGetDescription,
	...contactGetAllDescription,
	...contactStatusDescription,
];
