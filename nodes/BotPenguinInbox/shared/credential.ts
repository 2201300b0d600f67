import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteSingleFunctions } from 'n8n-workflow';

import { cleanApiToken } from '../../../credentials/BotPenguinInboxApi.credentials';
import { checkBaseUrl } from './baseUrl';

export const CREDENTIAL_TYPE = 'botPenguinInboxApi';

/** What the node's request code needs from whichever context it runs in (an item, a dropdown, a poll). */
export type CredentialContext = Pick<IExecuteSingleFunctions, 'getCredentials' | 'getNode'>;

/** The token in every form it may be echoed back in, to redact it from what the user sees. */
export async function secretsOf(context: Pick<CredentialContext, 'getCredentials'>) {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const raw = String(credentials.apiToken ?? '');
	return [raw, raw.trim(), cleanApiToken(raw)];
}

/** The credential's base URL as a bare origin, or an error naming what is wrong with it. */
export async function requireBaseUrl(
	context: CredentialContext,
	itemIndex?: number,
): Promise<string> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const checked = checkBaseUrl(credentials.baseUrl);
	if (typeof checked === 'string') return checked;
	throw new NodeOperationError(
		context.getNode(),
		`Invalid Base URL in the BotPenguin Inbox credential: ${checked.problem}`,
		{
			itemIndex,
			description:
				'Use the API host only, e.g. https://api.v7.botpenguin.com or your white-label host such as https://api-v7.express-chat.com.',
		},
	);
}
