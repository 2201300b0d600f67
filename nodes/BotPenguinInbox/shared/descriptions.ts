import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { DEFAULT_PARALLEL_REQUESTS, PARALLEL_REQUESTS_RANGE } from './concurrency';
import { DEFAULT_MAX_PAGES } from './routing';
import { DEFAULT_MAX_RETRIES, MAX_RETRIES_RANGE } from './retry';

/** Description fragments shared by several resources. Each takes where it is shown. */
type Show = NonNullable<NonNullable<INodeProperties['displayOptions']>['show']>;

export const CONVERSATION_STATUSES = [
	{ name: 'Closed', value: 'CLOSED' },
	// BotPenguin's own spelling; the API rejects "DEPENDENCY".
	{ name: 'Dependency', value: 'DEPENDANCY' },
	{ name: 'In Progress', value: 'INPROGRESS' },
	{ name: 'On Hold', value: 'ONHOLD' },
	{ name: 'Open', value: 'OPEN' },
	{ name: 'Review', value: 'REVIEW' },
];

/** A resource's Operation dropdown. */
export function operationField(
	resource: string,
	options: INodePropertyOptions[],
	defaultOperation: string,
): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options,
		default: defaultOperation,
	};
}

export function returnAllAndLimit(show: Show): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			displayOptions: { show },
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			displayOptions: { show: { ...show, returnAll: [false] } },
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
		},
	];
}

export function simplify(show: Show): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		displayOptions: { show },
		default: true,
		description:
			'Whether to return flat items (ID, name, email, phone in +E.164, tags, attributes as an object, status, timestamps) instead of the raw BotPenguin objects',
	};
}

export function botAndCustomerIds(show: Show): INodeProperties[] {
	return [
		{
			displayName: 'Bot ID',
			name: 'botId',
			type: 'string',
			required: true,
			displayOptions: { show },
			default: '',
			placeholder: 'e.g. 63d9ffa77a8d152facbe2f2f',
			description:
				'ID of the bot: the first ID in the bot page URL page.botpenguin.com/{BotId}/{CustomerId}, or the first value in the website embed script',
		},
		{
			displayName: 'Customer ID',
			name: 'customerId',
			type: 'string',
			required: true,
			displayOptions: { show },
			default: '',
			placeholder: 'e.g. 5fed38e56fb193dcc6c933f5',
			description:
				'ID of your BotPenguin account: the second ID in page.botpenguin.com/{BotId}/{CustomerId}, or the second value in the embed script',
		},
	];
}

export const tagsField: INodeProperties = {
	displayName: 'Tags',
	name: 'tags',
	type: 'string',
	default: '',
	placeholder: 'e.g. vip, newsletter',
	description: 'Tag names, separated by commas, or an expression that returns an array',
};

/**
 * A list the user adds entries to one by one ("Add Attribute" → Attributes, each entry an
 * `attribute` of a few text fields).
 */
function entryList(entry: string, description: string, values: INodeProperties[]): INodeProperties {
	return {
		displayName: `${entry}s`,
		name: `${entry.toLowerCase()}s`,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: `Add ${entry}`,
		default: {},
		description,
		options: [{ displayName: entry, name: entry.toLowerCase(), values }],
	};
}

const text = (displayName: string, name: string, placeholder: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	placeholder,
});

export const attributesField = entryList(
	'Attribute',
	'Custom attributes; each key may appear once',
	[text('Key', 'key', 'e.g. plan'), text('Value', 'value', 'e.g. pro')],
);

export const notesField = entryList('Note', 'Notes to add to the conversation', [
	text('Title', 'title', 'e.g. Follow-up'),
	{
		displayName: 'Description',
		name: 'description',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: 'e.g. Called back, wants a demo on Monday',
	},
]);

const maxRetriesOption: INodeProperties = {
	displayName: 'Max Retries',
	name: 'maxRetries',
	type: 'number',
	typeOptions: { minValue: MAX_RETRIES_RANGE.min, maxValue: MAX_RETRIES_RANGE.max },
	default: DEFAULT_MAX_RETRIES,
	description:
		'How often to retry a request that failed for a passing reason (rate limit, server busy, connection reset), with growing waits. 0 turns retries off.',
};

/** Shared by Get Many (pages) and the import (batches). */
export function parallelRequestsOption(what: 'pages' | 'batches'): INodeProperties {
	return {
		displayName: 'Parallel Requests',
		name: 'parallelRequests',
		type: 'number',
		typeOptions: { minValue: PARALLEL_REQUESTS_RANGE.min, maxValue: PARALLEL_REQUESTS_RANGE.max },
		default: DEFAULT_PARALLEL_REQUESTS,
		description: `How many ${what} may be requested at once. 1 sends one request after another. When BotPenguin answers "too many requests" (HTTP 429 or 503), the node lowers this by itself and raises it again later.`,
	};
}

/** An "Options" collection shown for `show`. */
export function optionsCollection(show: Show, options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		displayOptions: { show },
		default: {},
		options,
	};
}

/** The calling code for phone numbers written without "+" (Create or Update, Get). */
export const countryCodeField: INodeProperties = {
	displayName: 'Country Code',
	name: 'countryCode',
	type: 'string',
	default: '',
	placeholder: 'e.g. 91',
	description: 'Calling code used when the phone number has no "+", e.g. 91 for India',
};

/**
 * Options of the operations that page through BotPenguin's listing; `extra` options of the
 * operation are sorted in among them. `parallel: false` leaves out Parallel Requests, for a reader
 * that goes page by page (Contact → Get, which usually needs one or two pages).
 */
export function pagedOptions(
	show: Show,
	extra: INodeProperties[] = [],
	{ parallel = true } = {},
): INodeProperties {
	const paging: INodeProperties[] = [
		{
			displayName: 'Max Pages',
			name: 'maxPages',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_MAX_PAGES,
			description:
				'Safety stop: the run fails after this many pages, so a server that never ends its listing cannot keep the workflow busy forever',
		},
		maxRetriesOption,
		...(parallel ? [parallelRequestsOption('pages')] : []),
		{
			displayName: 'Stop at Short Page',
			name: 'stopAtShortPage',
			type: 'boolean',
			default: false,
			description:
				'Whether a page with fewer records than the earlier ones ends the listing, saving the request for the empty page. Only safe if BotPenguin always sends full pages: a shorter page in the middle would end the listing early and drop the records after it. Off, the node reads until an empty page.',
		},
	];
	return optionsCollection(
		show,
		[...extra, ...paging].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	);
}

/** Options of operations that send one request per item. */
export function requestOptions(show: Show): INodeProperties {
	return optionsCollection(show, [maxRetriesOption]);
}

export { maxRetriesOption };
