// A scripted stand-in for an OpenAI-compatible chat model, so the AI Agent example runs for real
// without any model being reachable. It is deliberately dumb and deterministic:
//   1st call (no tool result yet): call the first offered tool, passing the text in double quotes
//      from the user's message (or the whole message) to every string parameter of the tool;
//   next call (a tool result is present): answer "BotPenguin returned: <the tool result>".
// Supports POST /v1/chat/completions (plain and stream: true) and GET /v1/models.
//
// usage: FAKE_OPENAI_LOG=requests.jsonl node fake-openai.mjs   → prints {"url": "http://127.0.0.1:PORT/v1"}
// Every request body is appended to FAKE_OPENAI_LOG as one JSON line.
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';

const LOG = process.env.FAKE_OPENAI_LOG;
const MODEL = 'gpt-4o-mini';
const MAX_SECONDS = Number(process.env.FAKE_OPENAI_MAX_SECONDS || 900);

const text = (content) =>
	typeof content === 'string'
		? content
		: Array.isArray(content)
			? content.map((part) => part?.text ?? '').join('')
			: '';

function reply(body) {
	const messages = body.messages ?? [];
	const toolResults = messages.filter((m) => m.role === 'tool');
	const tools = body.tools ?? [];
	if (tools.length && !toolResults.length) {
		const question = text([...messages].reverse().find((m) => m.role === 'user')?.content);
		const quoted = /"([^"]+)"/.exec(question)?.[1] ?? question;
		const fn = tools[0].function;
		const args = {};
		for (const [name, schema] of Object.entries(fn.parameters?.properties ?? {})) {
			if (!schema.type || schema.type === 'string') args[name] = quoted;
		}
		return {
			tool_calls: [
				{
					id: 'call_fake_1',
					type: 'function',
					function: { name: fn.name, arguments: JSON.stringify(args) },
				},
			],
		};
	}
	const last = toolResults.at(-1);
	return {
		content: last
			? `BotPenguin returned: ${text(last.content).slice(0, 4000)}`
			: 'Hello from the fake model.',
	};
}

function completion(message) {
	return {
		id: 'chatcmpl-fake',
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: MODEL,
		choices: [
			{
				index: 0,
				message: {
					role: 'assistant',
					content: message.content ?? null,
					...(message.tool_calls ? { tool_calls: message.tool_calls } : {}),
				},
				finish_reason: message.tool_calls ? 'tool_calls' : 'stop',
			},
		],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

function streamChunks(message) {
	const base = {
		id: 'chatcmpl-fake',
		object: 'chat.completion.chunk',
		created: Math.floor(Date.now() / 1000),
		model: MODEL,
	};
	const delta = message.tool_calls
		? {
				role: 'assistant',
				content: null,
				tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })),
			}
		: { role: 'assistant', content: message.content };
	return [
		{ ...base, choices: [{ index: 0, delta, finish_reason: null }] },
		{
			...base,
			choices: [{ index: 0, delta: {}, finish_reason: message.tool_calls ? 'tool_calls' : 'stop' }],
		},
		{ ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } },
	];
}

const server = createServer((req, res) => {
	let raw = '';
	req.on('data', (chunk) => (raw += chunk));
	req.on('end', () => {
		let body = {};
		try {
			body = raw ? JSON.parse(raw) : {};
		} catch {
			/* not JSON: logged as is */
		}
		if (LOG)
			appendFileSync(
				LOG,
				`${JSON.stringify({ method: req.method, path: req.url, body: raw ? body : undefined })}\n`,
			);
		const path = (req.url ?? '').split('?')[0];
		if (req.method === 'GET' && path.endsWith('/models')) {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					object: 'list',
					data: [{ id: MODEL, object: 'model', created: 0, owned_by: 'fake' }],
				}),
			);
			return;
		}
		if (req.method === 'POST' && path.endsWith('/chat/completions')) {
			const message = reply(body);
			if (body.stream) {
				res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
				for (const chunk of streamChunks(message)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
				res.end('data: [DONE]\n\n');
			} else {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify(completion(message)));
			}
			return;
		}
		res.writeHead(404, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ error: { message: `fake model: no route ${req.method} ${path}` } }));
	});
});

server.listen(0, '127.0.0.1', () => {
	console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}/v1` }));
});
setTimeout(() => process.exit(0), MAX_SECONDS * 1000).unref();
for (const signal of ['SIGTERM', 'SIGINT'])
	process.on(signal, () => {
		server.closeAllConnections();
		server.close(() => process.exit(0));
	});
