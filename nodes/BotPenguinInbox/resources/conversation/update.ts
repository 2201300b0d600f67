import type { IDataObject, IExecuteSingleFunctions, INodeProperties } from 'n8n-workflow';

import {
	CONVERSATION_STATUSES,
	attributesField,
	botAndCustomerIds,
	notesField,
	requestOptions,
	tagsField,
} from '../../shared/descriptions';
import { InvalidInput } from '../../shared/errors';
import { normalizeCountryCode, splitPhone } from '../../shared/phone';
import { operation } from '../../shared/operation';
import {
	UUID_PATTERN,
	attributes,
	email,
	notes,
	objectId,
	stringList,
	uuid,
} from '../../shared/validation';
import type { ConversationResource } from './resource';

const STATUSES = CONVERSATION_STATUSES.map((status) => status.value);
const UPDATE_FIELDS = [
	'name',
	'email',
	'phone',
	'dialCode',
	'status',
	'agentId',
	'picture',
	'tags',
	'attributes',
	'notes',
];

function phoneFields(phone: string, dialCode: string): IDataObject {
	// The lead endpoint wants the dial code with "+" (the import wants it without).
	const code = dialCode ? `+${normalizeCountryCode(dialCode, 'Dial Code')}` : '';
	const international = /^\s*(\+|00)/.test(phone);
	if (international) {
		const split = splitPhone(phone);
		if (code && code !== `+${split.prefix}`) {
			throw new InvalidInput(
				'Phone',
				`"${phone}" starts with +${split.prefix} but Dial Code is ${code}`,
				'Remove the Dial Code or write the phone without its country code.',
			);
		}
		return { phone: split.number, dialCode: `+${split.prefix}` };
	}
	if (phone && code) return { phone: splitPhone(phone, code).number, dialCode: code };
	if (phone) {
		// Without a dial code BotPenguin keeps the number as given; send its digits.
		const digits = phone.replace(/[\s().\-/]/g, '');
		if (!/^\d{4,15}$/.test(digits)) {
			throw new InvalidInput(
				'Phone',
				`"${phone}" is not a phone number`,
				'Use digits, e.g. +91 98765 43210.',
			);
		}
		return { phone: digits };
	}
	return code ? { dialCode: code } : {};
}

/**
 * Body of PUT /inbox/direct/lead. Only fields that have a value are sent, so an update never blanks
 * what BotPenguin already holds.
 */
function updateBody(context: IExecuteSingleFunctions): IDataObject {
	const body: IDataObject = {
		// From List, By ID or (in workflows saved before the locator) a plain string: the UUID itself.
		uuid: uuid('UUID', context.getNodeParameter('uuid', '', { extractValue: true })),
		botId: objectId('Bot ID', context.getNodeParameter('botId', '')),
		customerId: objectId('Customer ID', context.getNodeParameter('customerId', '')),
	};
	const fields = context.getNodeParameter('updateFields', {}) as IDataObject;
	const unknown = Object.keys(fields).filter((key) => !UPDATE_FIELDS.includes(key));
	if (unknown.length) {
		throw new InvalidInput(
			'Update Fields',
			`unknown field ${unknown.join(', ')}`,
			`Remove it; the fields are ${UPDATE_FIELDS.join(', ')}.`,
		);
	}
	const text = (key: string) => String(fields[key] ?? '').trim();

	if (text('name')) body.name = text('name');
	if (text('email')) body.email = email('Email', text('email'));
	Object.assign(body, phoneFields(text('phone'), text('dialCode')));
	if (text('status')) {
		if (!STATUSES.includes(text('status'))) {
			throw new InvalidInput(
				'Status',
				`"${text('status')}" is not a chat status`,
				`Use one of ${STATUSES.join(', ')}.`,
			);
		}
		body.status = text('status');
	}
	if (text('agentId')) body.agentId = objectId('Agent ID', text('agentId'));
	if (text('picture')) {
		if (!/^https?:\/\/\S+$/i.test(text('picture'))) {
			throw new InvalidInput(
				'Picture',
				`"${text('picture')}" is not an image URL`,
				'Use an http(s) URL of an image.',
			);
		}
		body.picture = text('picture');
	}
	const tags = stringList(fields.tags);
	if (tags.length) body.tags = tags;
	const attributeList = attributes('Attributes', fields.attributes);
	if (attributeList.length) body.attributes = attributeList;
	const noteList = notes('Notes', fields.notes);
	if (noteList.length) body.notes = noteList;

	if (Object.keys(body).length === 3) {
		throw new InvalidInput(
			'Update Fields',
			'has nothing to update',
			'Add at least one field with a value (name, email, phone, status, tags, attributes, notes …).',
		);
	}
	return body;
}

export function option(resource: ConversationResource) {
	return {
		name: 'Update',
		value: 'update',
		action: `Update a ${resource}`,
		description: `Update the profile, tags, attributes, notes or status of a ${resource}`,
	};
}

/** The same request for chats and leads. */
export function routing() {
	return operation({
		method: 'PUT',
		url: '/inbox/direct/lead',
		// Notes may be appended, so a repeat could add them twice: only "not processed" failures are retried.
		requests: { single: 'write' },
		body: updateBody,
		output: { sent: describeUpdate },
	});
}

/**
 * What the output says was sent: the body, and the Update Fields that were added but empty (e.g. an
 * expression that resolved to nothing). Those are not sent, so nothing is blanked, but they are named.
 */
function describeUpdate(context: IExecuteSingleFunctions, body: IDataObject): IDataObject {
	const fields = context.getNodeParameter('updateFields', {}) as IDataObject;
	const notSent = Object.keys(fields).filter((key) => !(key in body));
	return notSent.length ? { ...body, notSent } : body;
}

export function description(resource: ConversationResource): INodeProperties[] {
	const show = { resource: [resource], operation: ['update'] };
	return [
		{
			displayName: 'UUID',
			name: 'uuid',
			type: 'resourceLocator',
			required: true,
			displayOptions: { show },
			default: { mode: 'list', value: '' },
			description: `The ${resource}: pick it from the bot's ${resource}s (Bot ID and Customer ID above), or give its session UUID (the "uuid" field of Get Many)`,
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					placeholder: `Select a ${resource}...`,
					typeOptions: {
						searchListMethod: resource === 'lead' ? 'searchLeads' : 'searchChats',
						searchable: true,
						searchFilterRequired: false,
					},
				},
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder: 'e.g. 7e88d192-9b20-4035-9b68-d4ac3d58a34f',
					validation: [
						{
							type: 'regex',
							properties: {
								regex: UUID_PATTERN,
								errorMessage: 'Not a UUID (8-4-4-4-12 hexadecimal digits)',
							},
						},
					],
				},
			],
		},
		...botAndCustomerIds(show),
		{
			displayName: 'Update Fields',
			name: 'updateFields',
			type: 'collection',
			placeholder: 'Add Field',
			displayOptions: { show },
			default: {},
			description: 'Only the fields you add are changed; empty ones are not sent',
			options: [
				{
					displayName: 'Agent ID',
					name: 'agentId',
					type: 'string',
					default: '',
					placeholder: 'e.g. 640f472d173951357f08edee',
					description: 'ID of the agent to assign',
				},
				attributesField,
				{
					displayName: 'Dial Code',
					name: 'dialCode',
					type: 'string',
					default: '',
					placeholder: 'e.g. +91',
					description: 'Country calling code; not needed when Phone starts with "+"',
				},
				{
					displayName: 'Email',
					name: 'email',
					type: 'string',
					placeholder: 'name@email.com',
					default: '',
				},
				{
					displayName: 'Name',
					name: 'name',
					type: 'string',
					default: '',
					placeholder: 'e.g. Jane Doe',
				},
				notesField,
				{
					displayName: 'Phone',
					name: 'phone',
					type: 'string',
					default: '',
					placeholder: 'e.g. +91 98765 43210',
					description: 'Phone number; with "+" the dial code is taken from it',
				},
				{
					displayName: 'Picture',
					name: 'picture',
					type: 'string',
					default: '',
					placeholder: 'e.g. https://example.com/avatar.png',
					description: 'URL of a profile picture',
				},
				{
					displayName: 'Status',
					name: 'status',
					type: 'options',
					options: CONVERSATION_STATUSES,
					default: 'OPEN',
					description: 'Conversation status',
				},
				tagsField,
			],
		},
		requestOptions(show),
	];
}
