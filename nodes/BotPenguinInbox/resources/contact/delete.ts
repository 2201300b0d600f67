import type { INodeProperties } from 'n8n-workflow';

import { statusUpdate } from './updateStatus';

export const option = {
	name: 'Delete',
	value: 'delete',
	action: 'Delete contacts',
	description: 'Delete contacts by User ID (BotPenguin sets their status to DELETED)',
};

/** Its fields, Contact IDs and Request Options, are shown for Update Status and Delete alike. */
export const description: INodeProperties[] = [];

/** BotPenguin has no delete endpoint for contacts: a delete is the status DELETED. */
export const routing = statusUpdate(() => 'DELETED');
