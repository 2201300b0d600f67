/**
 * The node's operations as the scenario tests run them, keyed by the name they are reported under:
 * the parameters each needs against the simulator's data, and nothing more. A test file picks the
 * operations it is about with `pick`, adding what its scenarios need; a misspelt name does not
 * compile.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../simulator/server';
import { someEmail } from './scenario';

export const OPERATIONS = {
	'segment → Get Many': () => ({ resource: 'segment', operation: 'getAll' }),
	'contact → Get Many': () => ({ resource: 'contact', operation: 'getAll' }),
	'contact → Get': (sim: Simulator) => ({
		resource: 'contact',
		operation: 'get',
		lookupBy: 'email',
		email: someEmail(sim),
	}),
	'contact → Delete': (sim: Simulator) => ({
		resource: 'contact',
		operation: 'delete',
		contactIds: sim.state.contacts[0]._id,
	}),
	'contact → Create or Update': () => ({
		resource: 'contact',
		operation: 'upsert',
		phone: '+91 98765 43210',
	}),
	'lead → Get Many': (sim: Simulator) => ({
		resource: 'lead',
		operation: 'getAll',
		botId: sim.botId,
		customerId: sim.customerId,
	}),
	'lead → Update': (sim: Simulator) => ({
		resource: 'lead',
		operation: 'update',
		uuid: sim.state.chats[0].uuid,
		botId: sim.botId,
		customerId: sim.customerId,
		updateFields: { status: 'CLOSED' },
	}),
} satisfies Record<string, (sim: Simulator) => INodeParameters>;

export type OperationName = keyof typeof OPERATIONS;

/** What a test file adds to an operation's parameters, and anything else it keeps per operation. */
export interface Picked<T> {
	/** The operation names, in the order given: for `it.each` / `describe.each`. */
	names: OperationName[];
	parameters(name: OperationName, sim: Simulator): INodeParameters;
	extra(name: OperationName): T;
}

/** What a test file keeps per operation: the parameters it adds, and its own extras. */
export type Entry<T = object> = T & { parameters?: INodeParameters };

/** The operations a test file is about, each with the parameters it adds and its own extras. */
export function pick<T = object>(
	table: Partial<Record<OperationName, Entry<T>>>,
): Picked<Entry<T>> {
	const names = Object.keys(table) as OperationName[];
	return {
		names,
		parameters: (name, sim) => ({ ...OPERATIONS[name](sim), ...(table[name]?.parameters ?? {}) }),
		extra: (name) => table[name] as Entry<T>,
	};
}
