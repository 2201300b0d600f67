/**
 * Runs the credential's `test` request the way n8n's CredentialsTester does (packages/cli
 * credentials-tester.service.ts): a stand-in node whose only property routes `test.request`, run by
 * RoutingNode with the credential applied through its own `authenticate`, then the `rules` checked
 * against the first output item.
 */
import type { INodeType } from 'n8n-workflow';

import { BotPenguinInboxApi } from '../../credentials/BotPenguinInboxApi.credentials';
import { runNode } from './engine';
import type { RunResult } from './engine';

export interface CredentialTestOutcome {
	status: 'OK' | 'Error';
	message: string;
	run: RunResult;
}

/** lodash's `get` for the dotted keys n8n's rules use. */
function get(value: unknown, path: string): unknown {
	return path
		.split('.')
		.reduce<unknown>(
			(current, key) => (current as Record<string, unknown> | undefined)?.[key],
			value,
		);
}

function standInNode(): INodeType {
	const credential = new BotPenguinInboxApi();
	return {
		description: {
			displayName: 'Credential Test',
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			description: 'Stand-in node for the credential test',
			defaults: { name: 'Credential Test' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credential.name, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: credential.test.request },
					default: '',
				},
			],
		},
	};
}

export async function testCredential(credentials: {
	apiToken: string;
	baseUrl: string;
}): Promise<CredentialTestOutcome> {
	const { rules = [] } = new BotPenguinInboxApi().test;
	const run = await runNode({ parameters: {}, credentials, nodeType: standInNode() });
	if (run.error) {
		// n8n treats every non-2xx answer (and every transport error) as a failed test; for an HTTP error
		// it answers with the message of the `responseCode` rule for that status, if there is one.
		const status = Number((run.error as { httpCode?: string | null }).httpCode);
		for (const rule of rules) {
			if (rule.type === 'responseCode' && rule.properties.value === status) {
				return { status: 'Error', message: rule.properties.message, run };
			}
		}
		return { status: 'Error', message: run.error.message, run };
	}
	for (const rule of rules) {
		if (rule.type === 'responseSuccessBody') {
			const json = run.items[0]?.json;
			if (get(json, rule.properties.key) === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message, run };
			}
		}
	}
	return { status: 'OK', message: 'Connection successful!', run };
}
