import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/** Users paste the token as shown in BotPenguin, sometimes with a `Bearer ` prefix or stray spaces. */
export function cleanApiToken(raw: unknown): string {
	return String(raw ?? '')
		.trim()
		.replace(/^bearer\s+/i, '')
		.trim();
}

const WRONG_TOKEN =
	'BotPenguin rejected the API token. Copy it again from More → API Tokens in BotPenguin, and check the Base URL if you use a white-label platform.';

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
			{ type: 'responseCode', properties: { value: 400, message: WRONG_TOKEN } },
			{
				type: 'responseSuccessBody',
				properties: { key: 'success', value: false, message: WRONG_TOKEN },
			},
		] as unknown as ICredentialTestRequest['rules'],
	};
}
