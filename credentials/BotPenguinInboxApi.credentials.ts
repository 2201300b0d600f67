import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { DEFAULT_BASE_URL, checkBaseUrl } from '../nodes/BotPenguinInbox/shared/baseUrl';

/** Users paste the token as shown in BotPenguin, sometimes with a `Bearer ` prefix or stray spaces. */
export function cleanApiToken(raw: unknown): string {
	return String(raw ?? '')
		.trim()
		.replace(/^bearer\s+/i, '')
		.trim();
}

const WRONG_TOKEN =
	'BotPenguin rejected the API token. Copy it again from More → API Tokens in BotPenguin, and check the Base URL if you use a white-label platform.';

const BAD_REQUEST =
	'BotPenguin answered HTTP 400. Some BotPenguin platforms reject a wrong API token this way: copy the token again from More → API Tokens in BotPenguin. If it is right, check the Base URL.';

/**
 * Where a request goes: an absolute `url` (or the legacy `uri`) wins over `baseURL`, as in axios;
 * otherwise the base URL.
 */
function targetOf(requestOptions: IHttpRequestOptions): string {
	const { uri } = requestOptions as { uri?: unknown };
	for (const candidate of [requestOptions.url, uri]) {
		if (typeof candidate === 'string' && /^[a-z][a-z\d+.-]*:\/\//i.test(candidate)) {
			try {
				return new URL(candidate).origin;
			} catch {
				return candidate;
			}
		}
	}
	return requestOptions.baseURL || DEFAULT_BASE_URL;
}

export class BotPenguinInboxApi implements ICredentialType {
	name = 'botPenguinInboxApi';

	displayName = 'BotPenguin Inbox API';

	icon: Icon = { light: 'file:../icons/botpenguin.svg', dark: 'file:../icons/botpenguin.dark.svg' };

	documentationUrl =
		'https://github.com/botpenguin-community/n8n-nodes-botpenguin-inbox?tab=readme-ov-file#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'In BotPenguin open More → API Tokens (or More → Developer → API Access Token) and copy the token. A leading "Bearer " is ignored.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.v7.botpenguin.com',
			placeholder: 'https://api.v7.botpenguin.com',
			description:
				'Only change this for a white-label (partner) platform, e.g. https://api-v7.express-chat.com. Host only, no path.',
		},
	];

	/**
	 * The current docs say every endpoint takes `Authorization: Bearer` plus `authtype: Key`; older pages
	 * name `x-bot-token` for the chats listing and `x-bp-token` for the lead update. Sending both schemes
	 * to those two endpoints works on either reading. A function (not an expression) keeps the token
	 * cleaning in one place and costs nothing per request.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// Checked here too, not only by the node: the credential's Test button sends the token before any
		// node runs, and plain http or a path in the Base URL would carry it somewhere it should not go.
		const checked = checkBaseUrl(targetOf(requestOptions));
		if (typeof checked !== 'string') {
			throw new Error(
				`Invalid Base URL in the BotPenguin Inbox credential: ${checked.problem}. Use the API host only, e.g. https://api.v7.botpenguin.com. Nothing was sent.`,
			);
		}
		const token = cleanApiToken(credentials.apiToken);
		const headers: Record<string, string> = {
			...(requestOptions.headers as Record<string, string> | undefined),
			Authorization: `Bearer ${token}`,
			authtype: 'Key',
		};
		const path = (requestOptions.url ?? '').split('?')[0];
		if (path.endsWith('/inbox/direct/chats')) headers['x-bot-token'] = token;
		if (path.endsWith('/inbox/direct/lead')) headers['x-bp-token'] = token;
		return { ...requestOptions, headers };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ String($credentials.baseUrl || "https://api.v7.botpenguin.com").trim().replace(/\\/+$/, "") }}',
			url: '/inbox/segments',
			method: 'GET',
		},
		// n8n's tester checks `responseCode` rules on an error status and `responseSuccessBody` rules on a
		// 2xx answer; BotPenguin's docs give 401 or 400 for a wrong token, and it may answer 200 with
		// `success: false`. The declared type does not allow both kinds in one list, the tester does.
		rules: [
			{ type: 'responseCode', properties: { value: 401, message: WRONG_TOKEN } },
			{ type: 'responseCode', properties: { value: 400, message: BAD_REQUEST } },
			{
				type: 'responseSuccessBody',
				properties: { key: 'success', value: false, message: WRONG_TOKEN },
			},
		] as unknown as ICredentialTestRequest['rules'],
	};
}
