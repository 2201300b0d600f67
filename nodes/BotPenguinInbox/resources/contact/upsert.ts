import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import {
	attributesField,
	countryCodeField,
	maxRetriesOption,
	optionsCollection,
	parallelRequestsOption,
	tagsField,
} from '../../shared/descriptions';
import {
	InvalidInput,
	apiError,
	asNodeError,
	failureOf,
	itemError,
	redact,
} from '../../shared/errors';
import { AdaptiveConcurrency, Cancelled, PARALLEL_REQUESTS_RANGE } from '../../shared/concurrency';
import type { Slot } from '../../shared/concurrency';
import { splitPhone } from '../../shared/phone';
import { requireBaseUrl, secretsOf } from '../../shared/credential';
import { attributesToObject } from '../../shared/simplify';
import { MAX_RETRIES_RANGE } from '../../shared/retry';
import { effectiveTimeout, requestJson } from '../../shared/transport';
import { attributes, email, stringList, wholeNumber } from '../../shared/validation';
import type { KeyValue } from '../../shared/validation';

export const DEFAULT_BATCH_SIZE = 100;
export const MAX_BATCH_SIZE = 1000;

const show = { resource: ['contact'], operation: ['upsert'] };
const showFields = { ...show, source: ['fields'] };

export const option = {
	name: 'Create or Update',
	value: 'upsert',
	action: 'Create or update contacts',
	description: 'Create a new record, or update the current one if it already exists (upsert)',
};

export const description: INodeProperties[] = [
	{
		displayName: 'Contacts From',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show },
		options: [
			{
				name: 'Fields Below',
				value: 'fields',
				description: 'One contact per input item, from the fields below',
			},
			{
				name: 'A List in Each Item',
				value: 'list',
				description:
					'Many contacts per input item, e.g. after an Aggregate node or from a JSON array expression',
			},
		],
		default: 'fields',
		description:
			'Contacts from every input item are pooled and imported in batches, so many items do not mean many requests',
	},
	{
		displayName: 'Phone',
		name: 'phone',
		type: 'string',
		required: true,
		displayOptions: { show: showFields },
		default: '',
		placeholder: 'e.g. +91 98765-43210',
		description:
			'Phone number in international format. Numbers without "+" need Additional Fields → Country Code. BotPenguin matches existing contacts by phone.',
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		displayOptions: { show: showFields },
		default: '',
		placeholder: 'e.g. Jane Doe',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		displayOptions: { show: showFields },
		default: {},
		options: [
			attributesField,
			countryCodeField,
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
			},
			tagsField,
		],
	},
	{
		displayName: 'Contacts',
		name: 'contacts',
		type: 'json',
		required: true,
		displayOptions: { show: { ...show, source: ['list'] } },
		default: '[]',
		placeholder: '={{ $json.contacts }}',
		description:
			'An array of contacts: {"phone": "+91 98765 43210", "name": "…", "email": "…", "countryCode": "…", "tags": ["…"], "attributes": {"plan": "pro"}}. Only phone is required.',
	},
	optionsCollection(show, [
		{
			displayName: 'Batch Size',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_BATCH_SIZE },
			default: DEFAULT_BATCH_SIZE,
			description:
				'How many contacts go in one import request. Options → Parallel Requests says how many batches are sent at once.',
		},
		maxRetriesOption,
		parallelRequestsOption('batches'),
	]),
];

// ---------------------------------------------------------------------------------------------

export interface ImportContact {
	profile: {
		userDetails: {
			userProvidedName?: string;
			contact: { email?: string; phone: { number: string; prefix: string } };
			tags?: string[];
			attributes?: KeyValue[];
		};
	};
}

const CONTACT_KEYS = ['phone', 'name', 'email', 'countryCode', 'tags', 'attributes'];

/**
 * One contact as the documented import body wants it: prefix as digits without "+", the national
 * number as digits only. Fields left empty are omitted so an import never blanks what BotPenguin holds.
 */
export function toImportContact(input: IDataObject): ImportContact {
	const unknown = Object.keys(input).filter((key) => !CONTACT_KEYS.includes(key));
	if (unknown.length) {
		throw new InvalidInput(
			'Contacts',
			`unknown field ${unknown.map((key) => `"${key}"`).join(', ')}`,
			`Use only ${CONTACT_KEYS.join(', ')}; rename or remove the other fields (e.g. with a Set node).`,
		);
	}
	const phone = splitPhone(String(input.phone ?? ''), input.countryCode as string | undefined);
	const name = String(input.name ?? '').trim();
	const address = String(input.email ?? '').trim();
	const tags = stringList(input.tags);
	const attributeList = attributes('Attributes', input.attributes);

	const contact: ImportContact['profile']['userDetails']['contact'] = { phone };
	if (address) contact.email = email('Email', address);
	const userDetails: ImportContact['profile']['userDetails'] = { contact };
	if (name) userDetails.userProvidedName = name;
	if (tags.length) userDetails.tags = tags;
	if (attributeList.length) userDetails.attributes = attributeList;
	return { profile: { userDetails } };
}

/** The contact as it went out, flat, for the output item. */
function describeSent(contact: ImportContact): IDataObject {
	const {
		userProvidedName,
		contact: reach,
		tags,
		attributes: attributeList,
	} = contact.profile.userDetails;
	return {
		phone: `+${reach.phone.prefix}${reach.phone.number}`,
		name: userProvidedName ?? null,
		email: reach.email ?? null,
		tags: tags ?? [],
		attributes: attributesToObject(attributeList ?? []),
	};
}

// ---------------------------------------------------------------------------------------------
// contact → Create or Update, as code: the declarative engine makes at least one request per item
// and starts them all at once, while the import endpoint takes an array. So the contacts of every
// item are collected and checked first, then cut into batches, the batches sent, and every contact
// reported with what happened to its batch.
// ---------------------------------------------------------------------------------------------

interface Place {
	itemIndex: number;
	/** Position in the item's list (list mode), for messages. */
	position?: number;
	input: IDataObject;
}

/** A contact as collected: ready to send, or rejected with the reason. */
type Collected =
	| (Place & { valid: true; body: ImportContact })
	| (Place & { valid: false; error: NodeApiError | NodeOperationError });

type Valid = Extract<Collected, { valid: true }>;

/** What happened to one batch. */
type BatchOutcome =
	| {
			status: 'sent';
			message: string;
			/**
			 * Whatever else BotPenguin answered (`data`, ids, counts …). Its format is undocumented (it may
			 * list contacts it could not import), so it is passed on untouched rather than dropped.
			 */
			details?: IDataObject;
	  }
	| {
			status: 'failed';
			message: string;
			description?: string;
			/** The failure applies to every request (bad token, wrong base URL): stop sending. */
			fatal: boolean;
	  }
	/** Not sent: an earlier batch failed in a way that applies to every request. */
	| { status: 'notSent'; message: string };

interface Limits {
	batchSize: number;
	maxRetries: number;
	parallelRequests: number;
}

function readLimits(context: IExecuteFunctions): Limits {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	try {
		return {
			batchSize: wholeNumber('Options → Batch Size', options.batchSize, {
				min: 1,
				max: MAX_BATCH_SIZE,
				fallback: DEFAULT_BATCH_SIZE,
			}),
			maxRetries: wholeNumber('Options → Max Retries', options.maxRetries, MAX_RETRIES_RANGE),
			parallelRequests: wholeNumber(
				'Options → Parallel Requests',
				options.parallelRequests,
				PARALLEL_REQUESTS_RANGE,
			),
		};
	} catch (error) {
		throw itemError(context.getNode(), 0, error);
	}
}

function where(place: Place): string {
	return place.position === undefined
		? `item ${place.itemIndex + 1}`
		: `item ${place.itemIndex + 1}, contact ${place.position + 1}`;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function parseList(context: IExecuteFunctions, itemIndex: number): IDataObject[] {
	let value = context.getNodeParameter('contacts', itemIndex, []) as unknown;
	if (typeof value === 'string') {
		value = parseJson(value || '[]');
		if (value === undefined) {
			throw new InvalidInput(
				'Contacts',
				'is not valid JSON',
				'Use an expression such as {{ $json.contacts }} or a JSON array.',
			);
		}
	}
	const list = Array.isArray(value) ? value : [value];
	return list.map((entry, position) => {
		if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
			throw new InvalidInput(
				'Contacts',
				`entry ${position + 1} is not an object`,
				'Each contact is an object such as {"phone": "+91 98765 43210", "name": "Jane"}.',
			);
		}
		return entry as IDataObject;
	});
}

/** 1. Collect: every contact of every item, each checked on its own. */
function collect(context: IExecuteFunctions, items: INodeExecutionData[]): Collected[] {
	const node = context.getNode();
	const collected: Collected[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		let inputs: IDataObject[];
		let listMode = false;
		try {
			listMode = context.getNodeParameter('source', itemIndex, 'fields') === 'list';
			inputs = listMode
				? parseList(context, itemIndex)
				: [
						{
							phone: context.getNodeParameter('phone', itemIndex, '') as string,
							name: context.getNodeParameter('name', itemIndex, '') as string,
							...(context.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject),
						},
					];
		} catch (error) {
			collected.push({
				itemIndex,
				input: {},
				valid: false,
				error: itemError(node, itemIndex, error),
			});
			continue;
		}
		inputs.forEach((input, position) => {
			const place: Place = { itemIndex, input, position: listMode ? position : undefined };
			try {
				collected.push({ ...place, valid: true, body: toImportContact(input) });
			} catch (error) {
				const at = listMode ? where(place) : undefined;
				collected.push({ ...place, valid: false, error: itemError(node, itemIndex, error, at) });
			}
		});
	}
	return collected;
}

/** Without Continue On Fail, one invalid contact means nothing is sent. */
function refuseInvalid(collected: Collected[]) {
	const rejected = collected.filter((entry) => !entry.valid);
	if (!rejected.length) return;
	const [first] = rejected;
	const error = first.error;
	const others = rejected.length - 1;
	error.description = [
		error.description,
		others ? `${others} more contact${others === 1 ? ' is' : 's are'} invalid.` : '',
		'Nothing was sent.',
	]
		.filter(Boolean)
		.join(' ');
	throw error;
}

/** 2. Batch: the valid contacts in input order, Batch Size at a time. */
function inBatches(valid: Valid[], batchSize: number): Valid[][] {
	const batches: Valid[][] = [];
	for (let start = 0; start < valid.length; start += batchSize) {
		batches.push(valid.slice(start, start + batchSize));
	}
	return batches;
}

interface SendContext {
	baseURL: string;
	timeout: number;
	maxRetries: number;
	requestOptions: IDataObject;
	concurrency: AdaptiveConcurrency;
	cancelled: () => boolean;
}

/** One import request; a failure of the request is the batch's outcome, not an exception. */
async function sendBatch(
	context: IExecuteFunctions,
	batch: Valid[],
	settings: SendContext,
	slot: Slot,
): Promise<BatchOutcome> {
	try {
		const { envelope } = await requestJson(
			context,
			{
				method: 'POST',
				baseURL: settings.baseURL,
				url: '/inbox/users/import',
				body: batch.map((entry) => entry.body) as unknown as IDataObject[],
			},
			{
				scope: 'idempotentWrite',
				maxRetries: settings.maxRetries,
				timeout: settings.timeout,
				requestOptions: settings.requestOptions,
				concurrency: { limiter: settings.concurrency, slot },
				cancelled: settings.cancelled,
				expectList: false,
			},
		);
		const { message, ...rest } = envelope as IDataObject;
		// `success` and `code` only repeat that it worked; an empty `data` says nothing.
		delete rest.success;
		delete rest.code;
		if (Array.isArray(rest.data) && rest.data.length === 0) delete rest.data;
		if (!Object.keys(rest).length) return { status: 'sent', message: String(message ?? '') };
		// Unlike a listing, this goes into the output as BotPenguin sent it: redact it like an error.
		const secrets = await secretsOf(context);
		const details = JSON.parse(redact(JSON.stringify(rest), secrets)) as IDataObject;
		return { status: 'sent', message: redact(String(message ?? ''), secrets), details };
	} catch (error) {
		if (error instanceof Cancelled) throw asNodeError(context.getNode(), error);
		if (!(error instanceof NodeApiError)) throw asNodeError(context.getNode(), error);
		const info = failureOf(error);
		const status = info?.status;
		return {
			status: 'failed',
			message: error.message,
			description: error.description ?? undefined,
			fatal:
				info?.tokenRejected === true ||
				status === undefined ||
				status === 401 ||
				status === 403 ||
				status === 404,
		};
	}
}

/**
 * 3. Send: the first batch alone, then up to Options → Parallel Requests at a time (fewer while
 * BotPenguin answers 429 / 503), started in input order. A failing batch does not stop the others,
 * unless its failure applies to every request.
 */
async function sendBatches(
	context: IExecuteFunctions,
	batches: Valid[][],
	limits: Limits,
): Promise<BatchOutcome[]> {
	const node = context.getNode();
	const requestOptions = context.getNodeParameter('requestOptions', 0, {}) as IDataObject;
	let fatal: Extract<BatchOutcome, { status: 'failed' }> | undefined;
	const settings: SendContext = {
		baseURL: await requireBaseUrl(context),
		timeout: effectiveTimeout(requestOptions.timeout),
		maxRetries: limits.maxRetries,
		requestOptions,
		concurrency: new AdaptiveConcurrency(limits.parallelRequests),
		cancelled: () => fatal !== undefined,
	};
	const notSent = (failure: { message: string }): BatchOutcome => ({
		status: 'notSent',
		message: `Not sent: an earlier batch failed with "${failure.message}"`,
	});
	// A batch holds its slot until its outcome is known, so the next one to start sees a fatal
	// failure: with Parallel Requests 1 nothing is sent after it, as before.
	const send = async (batch: Valid[]) =>
		await settings.concurrency.run(async (slot): Promise<BatchOutcome> => {
			if (fatal) return notSent(fatal);
			try {
				const outcome = await sendBatch(context, batch, settings, slot);
				if (outcome.status === 'failed' && outcome.fatal) fatal ??= outcome;
				return outcome;
			} catch (error) {
				// A retry whose turn came after another batch's fatal failure.
				if (!(error instanceof Cancelled) || !fatal) throw asNodeError(node, error);
				return notSent(fatal);
			}
		});
	// The first batch goes alone: a wrong token or Base URL then costs one request, not one per
	// batch in flight.
	const [first] = await Promise.allSettled([send(batches[0])]);
	const settled = [first, ...(await Promise.allSettled(batches.slice(1).map(send)))];
	// Every batch is over before anything is thrown: no request outlives the node's run.
	const crashed = settled.find((result) => result.status === 'rejected');
	if (crashed) throw (crashed as PromiseRejectedResult).reason;
	return settled.map((result) => (result as PromiseFulfilledResult<BatchOutcome>).value);
}

/** 4. Report: one item per contact, paired with its input item, in input order. */
function report(
	collected: Collected[],
	batches: Valid[][],
	outcomes: BatchOutcome[],
): INodeExecutionData[] {
	const results = new Map<Valid, IDataObject>();
	for (const [index, batch] of batches.entries()) {
		const outcome = outcomes[index];
		for (const [position, entry] of batch.entries()) {
			const common = {
				batch: index + 1,
				batches: batches.length,
				batchContacts: batch.length,
				contact: describeSent(entry.body),
			};
			if (outcome.status === 'sent') {
				// The rest of BotPenguin's answer is about the whole batch and may be long (a list of
				// problems): it goes with the batch's first contact only, not copied to each one.
				const details = position === 0 ? outcome.details : undefined;
				results.set(entry, {
					status: 'sent',
					...common,
					result: { message: outcome.message, ...(details ? { batchAnswer: details } : {}) },
				});
			} else {
				const description = outcome.status === 'failed' ? outcome.description : undefined;
				results.set(entry, {
					status: 'failed',
					...common,
					error: outcome.message,
					...(description ? { errorDescription: description } : {}),
				});
			}
		}
	}
	return collected.map((entry) => {
		const pairedItem = { item: entry.itemIndex };
		if (!entry.valid) {
			// Not an n8n error item (n8n would reduce its JSON to the message): the input stays visible.
			return {
				json: {
					status: 'rejected',
					error: entry.error.message,
					errorDescription: entry.error.description ?? null,
					input: entry.input,
				},
				pairedItem,
			};
		}
		return { json: results.get(entry) as IDataObject, pairedItem };
	});
}

/** Without Continue On Fail, a failed batch fails the run, with a summary of all batches. */
function failOnFailedBatches(
	context: IExecuteFunctions,
	output: INodeExecutionData[],
	batchCount: number,
) {
	const failed = output.filter((item) => item.json.status === 'failed');
	if (!failed.length) return;
	const failedBatches = new Set(failed.map((item) => item.json.batch as number));
	const sent = output.length - failed.length;
	// The first failure's own help (e.g. where to find the API token) must not get lost in the summary.
	const help = failed[0].json.errorDescription ? `${String(failed[0].json.errorDescription)} ` : '';
	throw apiError(context.getNode(), {
		message: `${failedBatches.size} of ${batchCount} import batches failed: ${String(failed[0].json.error)}`,
		description: `${help}Batches ${[...failedBatches].join(', ')} (${failed.length} contacts) failed; ${sent} contacts were imported. Turn on Settings → On Error → Continue to get one item per contact with its status.`,
		cause: String(failed[0].json.error),
		info: {},
	});
}

/**
 * Contacts from every item are validated first (nothing is sent if one is invalid, unless Continue
 * On Fail is on), then sent in batches. Every contact comes out as `sent`, `rejected` (invalid, with
 * the reason) or `failed` (with its batch's error).
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const continueOnFail = this.continueOnFail();
	const limits = readLimits(this);
	const collected = collect(this, this.getInputData());
	if (!continueOnFail) refuseInvalid(collected);
	const valid = collected.filter((entry): entry is Valid => entry.valid);
	const batches = inBatches(valid, limits.batchSize);
	const outcomes = batches.length ? await sendBatches(this, batches, limits) : [];
	const output = report(collected, batches, outcomes);
	if (!continueOnFail) failOnFailedBatches(this, output, batches.length);
	return [output];
}
