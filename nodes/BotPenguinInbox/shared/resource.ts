import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyRouting,
} from 'n8n-workflow';

import { operationField } from './descriptions';

/**
 * What every operation module (`resources/<resource>/<operation>.ts`) exports: its entry in the
 * resource's Operation dropdown, its fields, and either its `routing` (declarative, built with
 * `operation` from operation.ts) or its `execute` (code that sees all input items at once).
 */
export interface OperationModule {
	/** `value` is the operation's name in saved workflows: never change it. */
	option: { name: string; value: string; action: string; description: string };
	description: INodeProperties[];
	routing?: INodePropertyRouting;
	execute?: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;
}

export interface Resource {
	name: string;
	/** The Operation dropdown, then each operation's fields, in the order of the operations. */
	properties: INodeProperties[];
	/** The code operations, for the node's `customOperations`. */
	execute: Record<string, NonNullable<OperationModule['execute']>>;
}

/** A resource from its operation modules, listed as the dropdown lists them (alphabetically). */
export function resource(
	name: string,
	defaultOperation: string,
	operations: OperationModule[],
): Resource {
	const options = operations.map(({ option, routing }) =>
		routing ? { ...option, routing } : option,
	);
	const execute: Resource['execute'] = {};
	for (const { option, execute: run } of operations) if (run) execute[option.value] = run;
	return {
		name,
		properties: [
			operationField(name, options, defaultOperation),
			...operations.flatMap((operation) => operation.description),
		],
		execute,
	};
}

/** The node's `customOperations`: resource → operation → code, for the resources that have any. */
export function customOperations(resources: Resource[]) {
	return Object.fromEntries(
		resources
			.filter((entry) => Object.keys(entry.execute).length > 0)
			.map((entry) => [entry.name, entry.execute]),
	);
}
