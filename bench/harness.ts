/* eslint-disable @n8n/community-nodes/no-restricted-globals */
/** Running the node for the benchmark: the real engine from test/helpers/engine.ts, timed. */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode } from '../test/helpers/engine';
import type { RunResult } from '../test/helpers/engine';
import type { Simulator } from '../test/simulator/server';

export interface TimedRun {
	ms: number;
	result: RunResult;
}

/** The in-process simulator, or the one in its own process (bench/remoteSimulator.ts). */
type Server = Pick<Simulator, 'token' | 'url'>;

export function credentialsOf(sim: Server) {
	return { apiToken: sim.token, baseUrl: sim.url };
}

export async function timedRun(
	sim: Server,
	parameters: INodeParameters,
	items?: IDataObject[],
): Promise<TimedRun> {
	const start = performance.now();
	const result = await runNode({ parameters, credentials: credentialsOf(sim), items });
	const ms = performance.now() - start;
	if (result.error) {
		throw new Error(
			`The node failed during the benchmark: ${result.error.message} ${result.error.description ?? ''}`,
		);
	}
	return { ms, result };
}

export function getManyParameters(options: {
	returnAll?: boolean;
	limit?: number;
	simplify: boolean;
	/** Default 1: P1–P4 are the one-request-at-a-time figures. */
	parallelRequests?: number;
}): INodeParameters {
	return {
		resource: 'contact',
		operation: 'getAll',
		returnAll: options.returnAll ?? false,
		...(options.limit === undefined ? {} : { limit: options.limit }),
		simplify: options.simplify,
		// With the stopping rule of the fetch baseline.
		options: { parallelRequests: options.parallelRequests ?? 1, stopAtShortPage: true },
	};
}

/** Return All / Create or Update with the node's own defaults in Options (P5–P7), or `options`. */
export function defaultsParameters(
	operation: 'getAll' | 'upsert',
	options: INodeParameters = {},
): INodeParameters {
	return operation === 'getAll'
		? { resource: 'contact', operation, returnAll: true, simplify: false, options }
		: {
				resource: 'contact',
				operation,
				source: 'list',
				contacts: '={{ $json.contacts }}',
				options,
			};
}

/** Lets a run release what it allocated before the next one is timed (when node runs with --expose-gc). */
export function collectGarbage(): void {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (gc) gc();
}
