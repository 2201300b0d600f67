import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import type { InvalidInput } from '../shared/errors';
import { simplifyRecord } from '../shared/simplify';
import { objectId } from '../shared/validation';
import { editorRead } from './loadOptions';

/**
 * GET /inbox/direct/chats has no search parameter, so a search filters each page here. To keep the
 * editor's list from coming up empty while matches sit further on, one call reads on until it has a
 * screenful or has read this many pages. The pagination token is the next page number and the
 * longest page seen so far ("3:20"), so that a short page ends the list without asking for an empty one.
 */
const SEARCH_PAGES_PER_CALL = 5;
const SCREENFUL = 20;

function idOf(context: ILoadOptionsFunctions, name: 'botId' | 'customerId', label: string) {
	try {
		return objectId(label, context.getCurrentNodeParameter(name));
	} catch (error) {
		// objectId throws nothing else.
		const invalid = error as InvalidInput;
		throw new NodeOperationError(context.getNode(), `Invalid ${label}: ${invalid.problem}`, {
			description: `${invalid.fix} The list shows the chats of the bot given by Bot ID and Customer ID, so both must be fixed values (not expressions); or switch to By ID.`,
		});
	}
}

function itemOf(simple: IDataObject): INodeListSearchItems | undefined {
	const uuid = typeof simple.uuid === 'string' ? simple.uuid : '';
	if (uuid === '') return undefined;
	const contact = [simple.email, simple.phone].filter(Boolean).join(', ');
	const name = String(simple.name ?? '') || 'Anonymous visitor';
	return {
		name: contact ? `${name} (${contact})` : `${name} (${uuid})`,
		value: uuid,
	};
}

function matches(simple: IDataObject, filter: string): boolean {
	const needle = filter.trim().toLowerCase();
	const texts = [simple.name, simple.email, simple.phone, simple.uuid].map((value) =>
		String(value ?? '').toLowerCase(),
	);
	if (texts.some((text) => text.includes(needle))) return true;
	// "98765 43210" or "+91-98765…" typed into the search finds the number stored as digits.
	const digits = needle.replace(/\D/g, '');
	return digits.length >= 3 && String(simple.phone ?? '').includes(digits);
}

async function searchConversations(
	context: ILoadOptionsFunctions,
	type: 'lead' | 'non-lead',
	filter = '',
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const botId = idOf(context, 'botId', 'Bot ID');
	const customerId = idOf(context, 'customerId', 'Customer ID');
	const searching = filter.trim() !== '';
	const results: INodeListSearchItems[] = [];
	const [pageText = '', sizeText = ''] = (paginationToken ?? '').split(':');
	const first = Math.max(1, Number.parseInt(pageText, 10) || 1);
	let longestPage = Math.max(0, Number.parseInt(sizeText, 10) || 0);
	const next = (page: number) => `${page}:${longestPage}`;
	const last = first + (searching ? SEARCH_PAGES_PER_CALL : 1) - 1;
	for (let page = first; page <= last; page++) {
		const { data = [] } = await editorRead(context, {
			url: '/inbox/direct/chats',
			qs: { botId, customerId, page, type },
		});
		if (data.length === 0) return { results };
		for (const record of data) {
			// Name, email and phone are read from the flat shape, built once per record.
			const simple = simplifyRecord(record);
			if (searching && !matches(simple, filter)) continue;
			const item = itemOf(simple);
			if (item) results.push(item);
		}
		// As in Get Many: a page shorter than an earlier one is the last.
		if (data.length < longestPage) return { results };
		longestPage = Math.max(longestPage, data.length);
		if (results.length >= SCREENFUL || page === last) {
			return { results, paginationToken: next(page + 1) };
		}
	}
	return { results };
}

/** Chat → Update → Chat: From List. */
export async function searchChats(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchConversations(this, 'non-lead', filter, paginationToken);
}

/** Lead → Update → Lead: From List. */
export async function searchLeads(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchConversations(this, 'lead', filter, paginationToken);
}
