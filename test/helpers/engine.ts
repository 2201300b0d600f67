/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
/**
 * Runs the node the way n8n runs it: a real `Workflow`, `WorkflowExecute` (which drives RoutingNode for
 * the declarative operations and the custom operation for the import), and the credential applied
 * through its own `authenticate`. Nothing of the node's context is mocked.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

// n8n-core's InstanceSettings writes a config file under the user folder when first loaded.
if (!process.env.N8N_USER_FOLDER) {
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-n8n-'));
	process.env.N8N_USER_FOLDER = folder;
	// n8n writes its config (an encryption key) there; nothing of it is needed after the process.
	process.on('exit', () => fs.rmSync(folder, { recursive: true, force: true }));
}

import {
	DirectoryLoader,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	WorkflowExecute,
} from 'n8n-core';
import { ICredentialsHelper, LoggerProxy, Workflow, createRunExecutionData } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	IDataObject,
	IExecuteData,
	ILoadOptionsFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodePropertyOptions,
	INodeType,
	INodeTypes,
	IRun,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { BotPenguinInboxApi } from '../../credentials/BotPenguinInboxApi.credentials';
import { BotPenguinInbox } from '../../nodes/BotPenguinInbox/BotPenguinInbox.node.ts';

export const NODE_NAME = 'BotPenguin Inbox';
const NODE_TYPE = 'n8n-nodes-botpenguin-inbox.botPenguinInbox';

const credentialType = new BotPenguinInboxApi();

function loadNodeType(): INodeType {
	const nodeType = new BotPenguinInbox();
	// n8n's loader adds "Request Options" (batching, proxy, timeout) to declarative nodes; do the same.
	DirectoryLoader.applyDeclarativeNodeOptionParameters(nodeType);
	return nodeType;
}

const nodeType = loadNodeType();

function nodeTypesOf(type: INodeType): INodeTypes {
	return {
		getByName: () => type,
		getByNameAndVersion: () => type,
		getKnownTypes: () => ({}),
	};
}

const nodeTypes = nodeTypesOf(nodeType);

/**
 * Captures what n8n and the node log, so tests can check that no secret is ever written, and keeps it
 * out of the Jest output (a full run would print hundreds of n8n's error logs between the results).
 * `BP_TEST_N8N_LOG=1 npm test` prints it too, for debugging.
 *
 * n8n-core logs through the DI container's `Logger` (@n8n/backend-common), whose constructor also
 * makes itself the LoggerProxy: both must be this capture, or the first n8n log replaces it. n8n-core
 * has its own copies of @n8n/di and @n8n/backend-common, so they are loaded from where it resolves them.
 */
export const logs: string[] = [];
const printLogs = Boolean(process.env.BP_TEST_N8N_LOG);
function capture(level: string) {
	return (message: string, meta?: object) => {
		const line = `${level} ${message} ${meta ? JSON.stringify(meta) : ''}`;
		logs.push(line);
		if (printLogs) process.stderr.write(`[n8n] ${line}\n`);
	};
}
const testLogger = {
	error: capture('error'),
	warn: capture('warn'),
	info: capture('info'),
	debug: capture('debug'),
	scoped: () => testLogger,
};
const fromCore = createRequire(require.resolve('n8n-core'));
const { Container } = fromCore('@n8n/di') as typeof import('@n8n/di');
const { Logger } = fromCore('@n8n/backend-common') as typeof import('@n8n/backend-common');
Container.set(Logger, testLogger as unknown as InstanceType<typeof Logger>);
LoggerProxy.init(testLogger as unknown as Parameters<typeof LoggerProxy.init>[0]);

/** The instance part of IWorkflowExecuteAdditionalData: a local n8n, user 1, no variables. */
export const LOCAL_INSTANCE = {
	restApiUrl: 'http://127.0.0.1:5678/rest',
	instanceBaseUrl: 'http://127.0.0.1:5678/',
	formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
	webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
	webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
	webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
	variables: {},
	userId: 'user-1',
};

export class CredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: ICredentialDataDecryptedObject) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	/** As n8n's CredentialsHelper does for a function authenticator. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const authenticate = credentialType.authenticate as (
			c: ICredentialDataDecryptedObject,
			r: IHttpRequestOptions,
		) => Promise<IHttpRequestOptions>;
		return await authenticate(credentials, requestOptions);
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by the node');
	}

	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		return { ...this.data };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties() {
		return credentialType.properties;
	}
}

export interface RunOptions {
	parameters: INodeParameters;
	credentials: { apiToken: string; baseUrl: string };
	/** Input items (default: one empty item). */
	items?: IDataObject[];
	continueOnFail?: boolean;
	timezone?: string;
	/**
	 * Run another node type under the same name instead of BotPenguin Inbox, e.g. the stand-in node n8n
	 * builds to run a credential's `test` request.
	 */
	nodeType?: INodeType;
}

export interface RunResult {
	/** The node's output items (main output 0), error items included. */
	items: INodeExecutionData[];
	/** The node's error when the run failed. */
	error?: Error & { description?: string | null; httpCode?: string | null; context?: IDataObject };
	run: IRun;
}

let executionCounter = 0;

/** The workflow of one BotPenguin Inbox node, and what n8n hands an execution or a dropdown. */
function setUp(
	options: Pick<
		RunOptions,
		'parameters' | 'credentials' | 'continueOnFail' | 'timezone' | 'nodeType'
	>,
) {
	const node: INode = {
		id: '5b8a0f2e-1c1d-4c52-9a77-6b1e0c0f0001',
		name: NODE_NAME,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: { botPenguinInboxApi: { id: 'cred-1', name: 'BotPenguin Inbox account' } },
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	const workflowData: IWorkflowBase = {
		id: 'wf-test',
		name: 'BotPenguin Inbox test',
		active: false,
		isArchived: false,
		nodes: [node],
		connections: {},
		settings: { executionOrder: 'v1', timezone: options.timezone ?? 'UTC' },
		createdAt: new Date(),
		updatedAt: new Date(),
	} as IWorkflowBase;
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes: workflowData.nodes,
		connections: workflowData.connections,
		active: false,
		nodeTypes: options.nodeType ? nodeTypesOf(options.nodeType) : nodeTypes,
		settings: workflowData.settings,
	});

	const executionId = `exec-${++executionCounter}`;
	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	const additionalData = {
		hooks,
		credentialsHelper: new CredentialsHelper(options.credentials),
		executionId,
		currentNodeExecutionIndex: 0,
		...LOCAL_INSTANCE,
		// What the editor sends along when it asks for a dropdown's options.
		currentNodeParameters: options.parameters,
	} as unknown as IWorkflowExecuteAdditionalData;
	return { node, workflow, additionalData };
}

/**
 * Calls a `methods.loadOptions` method the way the editor asks for a dropdown (n8n-core's
 * LoadOptionsContext, with the credential applied by its own authenticate).
 */
export async function loadOptions(
	method: string,
	options: Pick<RunOptions, 'parameters' | 'credentials'> & { path?: string },
): Promise<INodePropertyOptions[]> {
	const { node, workflow, additionalData } = setUp(options);
	const context = new LoadOptionsContext(workflow, node, additionalData, options.path ?? method);
	const load = nodeType.methods?.loadOptions?.[method];
	if (!load) throw new Error(`The node has no loadOptions method "${method}"`);
	return await load.call(context as unknown as ILoadOptionsFunctions);
}

/**
 * Calls a `methods.listSearch` method the way the editor asks for a resource locator's From List
 * (n8n-core's LoadOptionsContext, with the filter typed into the search and the pagination token).
 */
export async function listSearch(
	method: string,
	options: Pick<RunOptions, 'parameters' | 'credentials'> & {
		path?: string;
		filter?: string;
		paginationToken?: string;
	},
): Promise<INodeListSearchResult> {
	const { node, workflow, additionalData } = setUp(options);
	const context = new LoadOptionsContext(workflow, node, additionalData, options.path ?? method);
	const search = nodeType.methods?.listSearch?.[method];
	if (!search) throw new Error(`The node has no listSearch method "${method}"`);
	return await search.call(
		context as unknown as ILoadOptionsFunctions,
		options.filter,
		options.paginationToken,
	);
}

export async function runNode(options: RunOptions): Promise<RunResult> {
	const { node, workflow, additionalData } = setUp(options);
	const items = (options.items ?? [{}]).map((json) => ({ json }));
	const executeData: IExecuteData = { node, data: { main: [items] }, source: null };
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [executeData] },
	});
	const execution = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	const run = await execution.processRunExecutionData(workflow);

	const taskData = run.data.resultData.runData[NODE_NAME]?.[0];
	const error = (taskData?.error ?? run.data.resultData.error) as RunResult['error'];
	return { items: taskData?.data?.main?.[0] ?? [], error, run };
}

/** Output items as plain JSON objects. */
export function jsonOf(result: RunResult): IDataObject[] {
	return result.items.map((item) => item.json);
}
