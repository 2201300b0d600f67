/**
 * Runs the BotPenguin Inbox Trigger the way an n8n main process does for an active workflow:
 * one `PollContext` per activation, each poll through n8n-core's own `PollTriggerExecutor` and
 * `TriggersAndPollers` (the activation poll as `executePollTrigger(true)`, the scheduled ones as
 * `executePollTrigger()`), and the workflow's static data kept in memory from poll to poll.
 *
 * n8n writes static data to its database when a poll emits items (the execution that follows saves
 * it) and once an activation has run its first poll (n8n 2.41: `saveStaticData` at the end of
 * `workflow-trigger-activator.js`'s activation; 1.123: `active-workflow-manager.js`); a scheduled poll
 * that returns nothing changes it in memory only. `saved` is that database copy, and `restart()`
 * starts a new "process" from it, as n8n does after a restart.
 *
 * Fetch Test Event runs the node through `WorkflowExecute` in manual mode (n8n-core's
 * `executePollNode`), on the same workflow, so a test can check it leaves the static data alone.
 */
import {
	DirectoryLoader,
	ExecutionLifecycleHooks,
	PollContext,
	PollTriggerExecutor,
	TriggersAndPollers,
	WorkflowExecute,
} from 'n8n-core';
import { Workflow, createRunExecutionData } from 'n8n-workflow';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
} from 'n8n-workflow';

import { BotPenguinInboxTrigger } from '../../nodes/BotPenguinInboxTrigger/BotPenguinInboxTrigger.node.ts';
import { CredentialsHelper, LOCAL_INSTANCE } from './engine';

export const TRIGGER_NAME = 'BotPenguin Inbox Trigger';
const TRIGGER_TYPE = 'n8n-nodes-botpenguin-inbox.botPenguinInboxTrigger';

function loadTriggerType(): INodeType {
	const nodeType = new BotPenguinInboxTrigger();
	// What n8n's loader does for `polling: true`: adds the standard Poll Times parameter.
	(
		DirectoryLoader.prototype as unknown as { applySpecialNodeParameters(t: INodeType): void }
	).applySpecialNodeParameters.call({}, nodeType);
	return nodeType;
}

export const triggerType = loadTriggerType();

const nodeTypes: INodeTypes = {
	getByName: () => triggerType,
	getByNameAndVersion: () => triggerType,
	getKnownTypes: () => ({}),
};

/** n8n-core's observability services, reduced to what the executor calls. */
const quietLogger = {
	scoped() {
		return this;
	},
	debug() {},
	info() {},
	warn() {},
	error() {},
};
const tracing = {
	startSpan: async (_o: unknown, run: (span: { setStatus(): void }) => unknown) =>
		await run({ setStatus() {} }),
	startNewTraceSpan: async (_o: unknown, run: (span: { setStatus(): void }) => unknown) =>
		await run({ setStatus() {} }),
	pickWorkflowAttributes: () => ({}),
	pickNodeAttributes: () => ({}),
};
const errorReporter = { error() {} };

type ExecutorArgs = ConstructorParameters<typeof PollTriggerExecutor>;
const executor = new PollTriggerExecutor(
	quietLogger as unknown as ExecutorArgs[0],
	new TriggersAndPollers(),
	tracing as unknown as ExecutorArgs[2],
	errorReporter as unknown as ExecutorArgs[3],
);

export interface PollOutcome {
	/** Items of the execution the poll started (empty when it emitted nothing). */
	items: IDataObject[];
	/** The error n8n recorded as a failed execution. */
	error?: Error & { description?: string | null };
}

export interface PollerOptions {
	parameters: INodeParameters;
	credentials: { apiToken: string; baseUrl: string };
	/** What n8n's getPollBudgetMs() answers; `null` = an n8n without it (1.x). */
	pollBudgetMs?: number | null;
}

let counter = 0;

export class Poller {
	/** The static data as n8n's database holds it. */
	saved: IDataObject = {};
	/** Every execution a poll started, in order. */
	readonly executions: IDataObject[][] = [];
	readonly errors: Error[] = [];

	private workflow!: Workflow;
	private node!: INode;
	private context!: PollContext;
	private parameters: INodeParameters;
	private pending?: PollOutcome;

	constructor(private readonly options: PollerOptions) {
		this.parameters = options.parameters;
	}

	/** The node's static data in this process's memory, as the node left it. */
	get memory(): IDataObject {
		return this.workflow.getStaticData('node', this.node);
	}

	/** The node's static data as the database holds it. */
	get savedNode(): IDataObject {
		return (this.saved[`node:${TRIGGER_NAME}`] as IDataObject | undefined) ?? {};
	}

	/** Activates the workflow: n8n runs one poll at once, and an error there fails the activation. */
	async activate(activation: WorkflowActivateMode = 'activate'): Promise<PollOutcome> {
		this.load(activation);
		const outcome = await this.run(true);
		// A failed activation poll fails the activation before n8n saves anything.
		if (!outcome.error)
			this.saved = JSON.parse(JSON.stringify(this.workflow.staticData)) as IDataObject;
		return outcome;
	}

	/** One scheduled poll. */
	async poll(): Promise<PollOutcome> {
		return await this.run(false);
	}

	/** n8n stopped and started again: memory is gone, the database copy is loaded, the workflow re-activated. */
	async restart(): Promise<PollOutcome> {
		return await this.activate('init');
	}

	/** The user changed the node and saved (re-activation with the database's static data). */
	async update(parameters: INodeParameters): Promise<PollOutcome> {
		this.parameters = parameters;
		return await this.activate('update');
	}

	/** Fetch Test Event in the editor: the node in manual mode, on this workflow. */
	async fetchTestEvent(): Promise<IDataObject[]> {
		// Before the first activation the editor still has the workflow: load it without polling.
		if (!this.workflow) this.load('activate');
		const executionId = `test-${++counter}`;
		const additionalData = this.additionalData(executionId);
		const hooks = new ExecutionLifecycleHooks('manual', executionId, {
			id: this.workflow.id,
			name: this.workflow.name,
			nodes: [this.node],
			connections: {},
			active: false,
			settings: {},
		} as never);
		(additionalData as { hooks?: unknown }).hooks = hooks;
		const runData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node: this.node, data: { main: [[{ json: {} }]] }, source: null }],
			},
		});
		const run = await new WorkflowExecute(
			additionalData,
			'manual',
			runData,
		).processRunExecutionData(this.workflow);
		const task = run.data.resultData.runData[TRIGGER_NAME]?.[0];
		const error = task?.error ?? run.data.resultData.error;
		if (error) throw error;
		return (task?.data?.main?.[0] ?? []).map((item: INodeExecutionData) => item.json);
	}

	private load(activation: WorkflowActivateMode) {
		this.node = {
			id: '7d1f0c3a-5b2e-4e1a-9c3d-2a6b8e4f0001',
			name: TRIGGER_NAME,
			type: TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, ...this.parameters },
			credentials: { botPenguinInboxApi: { id: 'cred-1', name: 'BotPenguin Inbox account' } },
		};
		this.workflow = new Workflow({
			id: 'wf-trigger',
			name: 'BotPenguin Inbox Trigger test',
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes,
			staticData: JSON.parse(JSON.stringify(this.saved)) as IDataObject,
			settings: { executionOrder: 'v1', timezone: 'UTC' },
		});
		const budget = this.options.pollBudgetMs;
		this.context = new PollContext(
			this.workflow,
			this.node,
			this.additionalData(`poll-${++counter}`),
			'trigger',
			activation,
			(data) => {
				const items = data[0]?.map((item) => item.json) ?? [];
				this.executions.push(items);
				// The execution n8n starts for the items saves the workflow's static data.
				this.saved = JSON.parse(JSON.stringify(this.workflow.staticData)) as IDataObject;
				this.pending = { items };
			},
			(error) => {
				this.errors.push(error);
				this.pending = { items: [], error };
			},
			undefined,
			undefined,
			undefined,
			typeof budget === 'number' ? () => budget : undefined,
		);
		if (budget === null) {
			(this.context as unknown as { getPollBudgetMs?: unknown }).getPollBudgetMs = undefined;
		}
	}

	private async run(atActivation: boolean): Promise<PollOutcome> {
		this.pending = undefined;
		const execute = executor.create(this.workflow, this.node, this.context, () => true);
		await execute(atActivation);
		return this.pending ?? { items: [] };
	}

	private additionalData(executionId: string): IWorkflowExecuteAdditionalData {
		return {
			credentialsHelper: new CredentialsHelper(this.options.credentials),
			executionId,
			currentNodeExecutionIndex: 0,
			...LOCAL_INSTANCE,
		} as unknown as IWorkflowExecuteAdditionalData;
	}
}
