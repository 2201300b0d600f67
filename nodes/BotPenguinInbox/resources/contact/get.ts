import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { countryCodeField, pagedOptions, simplify } from '../../shared/descriptions';
import { buildInboxBody } from '../../shared/inboxQuery';
import { emailTarget, phoneTarget } from '../../shared/lookup';
import type { LookupTarget } from '../../shared/lookup';
import { operation } from '../../shared/operation';
import { interpret } from '../../shared/response';
import type { RawResponse } from '../../shared/response';
import { atPage, options, sendRequest } from '../../shared/routing';
import type { RequestData } from '../../shared/routing';
import { simplifyRecord } from '../../shared/simplify';

const show = { resource: ['contact'], operation: ['get'] };

function lookupTarget(context: IExecuteSingleFunctions): LookupTarget {
	if (context.getNodeParameter('lookupBy', 'email') === 'phone') {
		const countryCode = String(context.getNodeParameter('countryCode', '') ?? '');
		return phoneTarget(context.getNodeParameter('phone', ''), countryCode);
	}
	return emailTarget(context.getNodeParameter('email', ''));
}

/** postReceive: the search hits as BotPenguin sent them; the pagination hook picks the exact ones. */
async function searchHits(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const { data = [] } = await interpret(
		this,
		response as unknown as RawResponse,
		true,
		this.getItemIndex(),
	);
	return data.map((json) => ({ json }));
}

function recordKey(json: IDataObject): string | undefined {
	const key = json._id ?? json.uuid;
	return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}

/**
 * Reads the search results page by page while a further page can still hold a match: until an
 * empty page (or, with Stop at Short Page on, a page shorter than the longest one seen), or Max
 * Pages. A search for an email or a phone number finds few contacts, so this is usually two requests:
 * the results and the empty page. One at a time, on purpose: pages asked for ahead would mostly be
 * past the end. Stopping at a short page by default would save that request but could miss a match
 * if BotPenguin's pages vary in size, and a missed match reads as "no such contact".
 */
async function readMatches(
	context: IExecutePaginationFunctions,
	requestData: RequestData,
	target: LookupTarget,
): Promise<{ matches: IDataObject[]; hits: number }> {
	const { maxPages, stopAtShortPage, maxRetries } = options(context);
	const matches: IDataObject[] = [];
	const seen = new Set<string>();
	let hits = 0;
	let longestPage = 0;
	for (let page = 1; page <= maxPages; page++) {
		const items = await sendRequest(context, atPage(requestData, page), {
			scope: 'read',
			maxRetries,
		});
		if (items.length === 0) return { matches, hits };
		let fresh = 0;
		for (const { json } of items) {
			const key = recordKey(json);
			if (key !== undefined) {
				if (seen.has(key)) continue;
				seen.add(key);
			}
			fresh++;
			hits++;
			if (target.matches(json)) matches.push(json);
		}
		if (fresh === 0) {
			// As Get Many: the server ignores `page`, so "not found" could not be trusted either.
			throw new NodeOperationError(
				context.getNode(),
				`BotPenguin sent page ${page} with only records it had already sent`,
				{
					itemIndex: context.getItemIndex(),
					description: `The server seems to ignore the page number, so the search for ${target.field} "${target.shown}" stopped after ${page} requests instead of looping.`,
				},
			);
		}
		if (stopAtShortPage && items.length < longestPage) return { matches, hits };
		longestPage = Math.max(longestPage, items.length);
	}
	throw new NodeOperationError(
		context.getNode(),
		`Stopped after ${maxPages} pages of search results for ${target.field} "${target.shown}"`,
		{
			itemIndex: context.getItemIndex(),
			description: `BotPenguin's search kept sending full pages (${hits} contacts, ${matches.length} with exactly this ${target.field.toLowerCase()}). Raise Options → Max Pages if the account really holds that many similar contacts.`,
		},
	);
}

/** Contact → Get's requests: every exact match is one item, paired with its input item. */
async function lookup(
	context: IExecutePaginationFunctions,
	requestData: RequestData,
): Promise<INodeExecutionData[]> {
	const target = lookupTarget(context);
	const { matches, hits } = await readMatches(context, requestData, target);
	const { errorIfNotFound } = context.getNodeParameter('options', {}) as IDataObject;
	if (matches.length === 0 && errorIfNotFound === true) {
		throw new NodeOperationError(
			context.getNode(),
			`No contact with the ${target.field.toLowerCase()} "${target.shown}"`,
			{
				itemIndex: context.getItemIndex(),
				description: `BotPenguin's search found ${hits} contact(s) for "${target.searchText}", none with exactly this ${target.field.toLowerCase()}. Turn off Options → Error If Not Found to go on without an item.`,
			},
		);
	}
	const simplified = context.getNodeParameter('simplify', true) as boolean;
	const pairedItem = { item: context.getItemIndex() };
	return matches.map((json) => ({
		json: simplified ? simplifyRecord(json) : json,
		pairedItem,
	}));
}

export const option = {
	name: 'Get',
	value: 'get',
	action: 'Get a contact by email or phone',
	description:
		'Find the contacts whose email address or phone number is exactly the one given (a phone in international format, e.g. +91 98765 43210). Returns one item per contact found, or nothing when none has it.',
};

export const routing = operation({
	method: 'POST',
	url: '/inbox/users',
	requests: lookup,
	build: (context, request) => {
		// BotPenguin applies searchText only when applicableFilters lists it.
		request.body = buildInboxBody({ searchText: lookupTarget(context).searchText });
	},
	output: searchHits,
});

export const description: INodeProperties[] = [
	{
		displayName: 'Find By',
		name: 'lookupBy',
		type: 'options',
		displayOptions: { show },
		options: [
			{ name: 'Email', value: 'email' },
			{ name: 'Phone', value: 'phone' },
		],
		default: 'email',
		description: 'Whether to find the contact by its email address or by its phone number',
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		required: true,
		displayOptions: { show: { ...show, lookupBy: ['email'] } },
		default: '',
		placeholder: 'e.g. jane@example.com',
		description:
			'Email address of the contact. Only contacts with exactly this address are returned (case and surrounding spaces do not matter).',
	},
	{
		displayName: 'Phone',
		name: 'phone',
		type: 'string',
		required: true,
		displayOptions: { show: { ...show, lookupBy: ['phone'] } },
		default: '',
		placeholder: 'e.g. +91 98765 43210',
		description:
			'Phone number in international format, or without "+" together with Country Code. Only contacts with exactly this number are returned, however BotPenguin stored it.',
	},
	{ ...countryCodeField, displayOptions: { show: { ...show, lookupBy: ['phone'] } } },
	simplify(show),
	pagedOptions(
		show,
		[
			{
				displayName: 'Error If Not Found',
				name: 'errorIfNotFound',
				type: 'boolean',
				default: false,
				description:
					'Whether to fail the item when no contact has exactly this email or phone. Off: the item gives no output (use Settings → Always Output Data to go on with an empty item).',
			},
		],
		{ parallel: false },
	),
];
