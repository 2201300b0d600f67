/**
 * The cross-item input check on its own, driven the way n8n's RoutingNode drives it: every item's
 * preSend is started in one synchronous loop, and the items' pagination hooks run after that.
 */
import { NodeOperationError } from 'n8n-workflow';
import type {
	IExecutePaginationFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';

import { InvalidInput } from '../../nodes/BotPenguinInbox/shared/errors';
import { checkInput, guarded } from '../../nodes/BotPenguinInbox/shared/inputCheck';

const node: INode = {
	id: 'node',
	name: 'BotPenguin Inbox',
	type: 'botPenguinInbox',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** One item's context: the run's execute data is the object all items of the run share. */
function itemContext(run: object, itemIndex: number, value: string, continueOnFail: boolean) {
	return {
		getNode: () => node,
		getItemIndex: () => itemIndex,
		getExecuteData: () => run,
		continueOnFail: () => continueOnFail,
		getNodeParameter: () => value,
	} as unknown as IExecutePaginationFunctions;
}

const preSend = checkInput(async (context, request) => {
	const value = context.getNodeParameter('value', '') as string;
	if (value === 'bad') throw new InvalidInput('Value', `"${value}" is not allowed`, 'Use "good".');
	// An await after the check, as a build that asks BotPenguin has.
	await Promise.resolve();
	request.qs = { value };
});

/**
 * As RoutingNode's `runNode` and `makeRequest` do it: for each item in one synchronous loop, its
 * preSend, then (once that is done) its pagination hook; the loop does not wait for an item.
 */
async function runItems(values: string[], continueOnFail = false) {
	const run = {};
	const sent: number[] = [];
	const presend: Array<'ok' | Error> = [];
	const requests = values.map(async (value, index) => {
		const context = itemContext(run, index, value, continueOnFail);
		try {
			await preSend.call(context, { url: '/x' } as IHttpRequestOptions);
			presend[index] = 'ok';
		} catch (error) {
			presend[index] = error as Error;
			return [] as INodeExecutionData[];
		}
		return await guarded(context, async () => {
			sent.push(index);
			return [{ json: { index } }];
		});
	});
	const outputs = await Promise.all(requests);
	return { presend, outputs, sent };
}

describe('checkInput + guarded (the cross-item input check)', () => {
	it('all items valid: every item is sent and gives its output', async () => {
		const { outputs, sent } = await runItems(['good', 'good', 'good']);
		expect(sent).toEqual([0, 1, 2]);
		expect(outputs).toEqual([
			[{ json: { index: 0 } }],
			[{ json: { index: 1 } }],
			[{ json: { index: 2 } }],
		]);
	});

	it('a later invalid item stops the earlier valid ones from being sent, and its error says so', async () => {
		const { presend, outputs, sent } = await runItems(['good', 'good', 'bad']);
		expect(sent).toEqual([]);
		expect(outputs).toEqual([[], [], []]);
		expect(presend.slice(0, 2)).toEqual(['ok', 'ok']);
		const error = presend[2] as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Invalid Value: "bad" is not allowed');
		expect(error.description).toBe(
			'Use "good". Item 3 has this problem, so the other items were not sent either. Fix it, or turn on Settings → On Error → Continue to send the valid items.',
		);
	});

	it('under Continue On Fail the valid items are sent and the invalid one is its own paired error item', async () => {
		const { presend, outputs, sent } = await runItems(['good', 'bad', 'good'], true);
		expect(presend).toEqual(['ok', 'ok', 'ok']);
		expect(sent).toEqual([0, 2]);
		const second = outputs[1];
		expect(second).toHaveLength(1);
		expect(second[0].pairedItem).toEqual({ item: 1 });
		expect(second[0].error?.message).toBe('Invalid Value: "bad" is not allowed');
	});

	it('another run of the node does not see this run’s input errors', async () => {
		await runItems(['bad']);
		const { sent } = await runItems(['good']);
		expect(sent).toEqual([0]);
	});
});
