import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import { requireBaseUrl } from './credential';
import { InvalidInput } from './errors';
import { options } from './routing';
import { effectiveTimeout, requestJson } from './transport';
import { isObjectId } from './validation';

/** The name a segment is shown by (the Segments dropdown, the list of known names). */
export function segmentLabel(segment: IDataObject): string {
	return String(segment.segmentName ?? segment.name ?? segment._id);
}

/**
 * GET /inbox/segments of one run of the node, keyed by the run's execute data (one object shared by
 * every item of the run): a run with many items, or many pages, asks once.
 */
const segmentsOfRun = new WeakMap<object, Promise<IDataObject[]>>();

async function fetchSegments(context: IExecuteSingleFunctions): Promise<IDataObject[]> {
	const { data = [] } = await requestJson(
		context,
		{
			method: 'GET',
			baseURL: await requireBaseUrl(context, context.getItemIndex()),
			url: '/inbox/segments',
		},
		{
			scope: 'read',
			maxRetries: options(context).maxRetries,
			timeout: effectiveTimeout(context.getNodeParameter('requestOptions.timeout', 0)),
			expectList: true,
			requestOptions: context.getNodeParameter('requestOptions', {}) as IDataObject,
		},
	);
	return data;
}

function segmentsFor(context: IExecuteSingleFunctions): Promise<IDataObject[]> {
	const key: unknown = context.getExecuteData();
	if (typeof key !== 'object' || key === null) return fetchSegments(context);
	let segments = segmentsOfRun.get(key);
	if (!segments) {
		segments = fetchSegments(context);
		segmentsOfRun.set(key, segments);
	}
	return segments;
}

const MAX_NAMES_SHOWN = 30;

/**
 * The Segments filter as BotPenguin wants it, IDs only. An ID is kept as it is; anything else is a
 * segment name (from an expression: the dropdown itself sends IDs), looked up by its exact name or,
 * when that finds none, by the one name that differs only in case.
 */
export async function resolveSegments(
	context: IExecuteSingleFunctions,
	values: string[],
): Promise<string[]> {
	if (values.every(isObjectId)) return values;
	const segments = await segmentsFor(context);
	const labels = segments.map((segment) => ({ name: segmentLabel(segment), id: segment._id }));
	return values.map((value) => {
		if (isObjectId(value)) return value;
		const exact = labels.filter((segment) => segment.name === value);
		const found = exact.length
			? exact
			: labels.filter((segment) => segment.name.toLowerCase() === value.toLowerCase());
		if (found.length === 1 && typeof found[0].id === 'string') return found[0].id;
		const names = labels.map((segment) => segment.name).sort((a, b) => a.localeCompare(b));
		const shown = names.slice(0, MAX_NAMES_SHOWN).map((name) => `"${name}"`);
		if (names.length > MAX_NAMES_SHOWN) shown.push(`… and ${names.length - MAX_NAMES_SHOWN} more`);
		throw new InvalidInput(
			'Filters → Segments',
			found.length > 1
				? `"${value}" is the name of ${found.length} segments`
				: `"${value}" is not the name or ID of a segment`,
			names.length
				? `Known segments: ${shown.join(', ')}. Use one of these names or a segment ID.`
				: 'This account has no segments (GET /inbox/segments returned none).',
		);
	});
}
