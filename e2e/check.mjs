// Assertions of the e2e run (called by e2e/run.sh): one check function per example, plus the
// credential test and the polling trigger (trigger-checks.mjs). Reads what run.sh collected in <runDir>:
//   results/<example>.rc | .json (n8n's IRun) | .stdout | .requests.jsonl (what the simulator saw meanwhile)
//   results/<example>.active (an example with the polling trigger: activated in n8n start; its executions
//   are in results/trigger-executions.json, the records added in results/trigger-added.jsonl)
//   results/credential-test-*.json (POST /rest/credentials/test answers), simulator.json,
//   fake-openai-requests.jsonl (what the fake chat model was asked)
// Prints "PASS|FAIL <example>: <what>" per check, then "N passed, M failed"; exit code 1 on any failure.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { triggerChecks } from './trigger-checks.mjs';

const runDir = process.argv[2];
const repoDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(runDir, 'results');
const sim = JSON.parse(readFileSync(join(runDir, 'simulator.json'), 'utf8'));
const read = (file) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
const jsonl = (file) =>
	read(file)
		.split('\n')
		.filter((line) => line.trim())
		.map((line) => JSON.parse(line));

let passed = 0;
let failed = 0;
function check(group, what, fn) {
	try {
		const detail = fn();
		passed++;
		console.log(`PASS ${group}: ${what}${detail ? ` (${detail})` : ''}`);
	} catch (error) {
		failed++;
		console.log(`FAIL ${group}: ${what}: ${error.message}`);
	}
}
function assert(condition, message) {
	if (!condition) throw new Error(message);
}
/** JSON with object keys sorted, so that deep equality does not depend on key order. */
const canonical = (value) =>
	JSON.stringify(value, (_key, v) =>
		v && typeof v === 'object' && !Array.isArray(v)
			? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
			: v,
	);
const eq = (actual, expected, what) =>
	assert(
		canonical(actual) === canonical(expected),
		`${what}: expected ${canonical(expected)}, got ${canonical(actual)}`,
	);
const short = (value) => {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return text && text.length > 300 ? `${text.slice(0, 300)}…` : text;
};

/** Everything run.sh kept about one example. */
function load(name) {
	const base = join(resultsDir, name);
	const workflowId = read(`${base}.active`).trim();
	const active = workflowId
		? {
				workflowId,
				executions: JSON.parse(read(join(resultsDir, 'trigger-executions.json')) || '[]').filter(
					(e) => e.workflowId === workflowId,
				),
				added: jsonl(join(resultsDir, 'trigger-added.jsonl')),
			}
		: undefined;
	const rc = Number(read(`${base}.rc`).trim() || NaN);
	let run;
	try {
		run = JSON.parse(read(`${base}.json`));
	} catch {
		run = undefined;
	}
	return {
		name,
		active,
		rc,
		run,
		stdout: read(`${base}.stdout`),
		stderr: read(`${base}.stderr`),
		requests: jsonl(`${base}.requests.jsonl`),
		retried: read(`${base}.retried`).trim(),
	};
}

/** The items a node put on its first main output in the (single) run of that node. */
function items(ex, node) {
	const runs = ex.run?.data?.resultData?.runData?.[node];
	assert(runs, `node "${node}" did not run`);
	const error = runs[0].error;
	assert(!error, `node "${node}" failed: ${error?.message}`);
	return (runs[0].data?.main?.[0] ?? []).map((item) => item);
}
const jsons = (ex, node) => items(ex, node).map((item) => item.json);

/** The first check of every example: n8n exited 0 and reported success. */
function succeeded(ex) {
	check(ex.name, 'n8n execute succeeded', () => {
		const error = ex.run?.data?.resultData?.error;
		assert(
			ex.rc === 0,
			`exit code ${ex.rc}${error ? `: ${error.message}` : ''}\n${(ex.stdout + ex.stderr).split('\n').slice(-15).join('\n')}`,
		);
		assert(ex.run, 'no JSON result on stdout');
		eq(ex.run.status, 'success', 'status');
		if (ex.retried) return `on the second run: the first ended with exit code ${ex.retried} (a signal or SQLITE_BUSY)`;
	});
}

/** The legacy token header each /inbox/direct endpoint documents, besides Authorization + authtype. */
const LEGACY_TOKEN_HEADER = {
	'/inbox/direct/chats': 'x-bot-token',
	'/inbox/direct/lead': 'x-bp-token',
};

/** Every request carried the credential the node got from n8n (values are redacted in the log). */
function authenticated(ex) {
	check(
		ex.name,
		'every request authenticated (Authorization + authtype: Key, x-bot-token/x-bp-token where documented)',
		() => {
			assert(ex.requests.length > 0, 'the simulator saw no request');
			for (const r of ex.requests) {
				assert(r.headers.authorization, `${r.method} ${r.path} without Authorization`);
				eq(r.headers.authtype, 'Key', `authtype header of ${r.method} ${r.path}`);
				const legacy = LEGACY_TOKEN_HEADER[r.path];
				if (legacy) assert(r.headers[legacy], `${r.method} ${r.path} without ${legacy}`);
				assert(r.status === 200, `${r.method} ${r.path} answered ${r.status}`);
			}
			return `${ex.requests.length} requests, all 200`;
		},
	);
}

const only = (ex, method, path) =>
	ex.requests.filter((r) => r.method === method && r.path === path);

// ---------------------------------------------------------------------------------------------
const EXAMPLES = {
	'01-form-to-contact'(ex) {
		succeeded(ex);
		authenticated(ex);
		check(
			ex.name,
			'one import request with the form data, phone split into prefix + number',
			() => {
				eq(
					ex.requests.map((r) => `${r.method} ${r.path}`),
					['POST /inbox/users/import'],
					'requests',
				);
				const body = ex.requests[0].body;
				assert(
					Array.isArray(body) && body.length === 1,
					`body is not a one-element array: ${short(body)}`,
				);
				eq(
					body[0],
					{
						profile: {
							userDetails: {
								contact: {
									phone: { number: '9876543210', prefix: '91' },
									email: 'asha.verma@example.com',
								},
								userProvidedName: 'Asha Verma',
								tags: ['web-form'],
								attributes: [{ key: 'source', value: 'website form' }],
							},
						},
					},
					'import element',
				);
			},
		);
		check(ex.name, 'one output item, status "sent"', () => {
			const out = jsons(ex, 'Create or update contact');
			eq(out.length, 1, 'items');
			eq(out[0].status, 'sent', 'status');
			eq(out[0].contact?.phone, '+919876543210', 'contact.phone');
		});
	},

	'02-nightly-crm-sync'(ex) {
		succeeded(ex);
		authenticated(ex);
		check(
			ex.name,
			'contact search sends createdAt ≈ now − 24 h and the tag, both listed in applicableFilters',
			() => {
				const reqs = only(ex, 'POST', '/inbox/users');
				assert(reqs.length >= 1, 'no POST /inbox/users');
				eq(reqs.length, ex.requests.length, 'only contact searches');
				// Page 1 goes alone; the pages after it are asked for side by side (Parallel Requests), so
				// they may reach the server in any order: each page once, none missing.
				eq(reqs[0].body.page, 1, 'page of request 1');
				eq(
					reqs.map((r) => r.body.page).sort((a, b) => a - b),
					reqs.map((_, i) => i + 1),
					'pages requested',
				);
				for (const r of reqs) {
					eq(r.body.tags, ['web-form'], 'tags');
					assert(
						r.body.applicableFilters.includes('createdAt') &&
							r.body.applicableFilters.includes('tags'),
						`applicableFilters ${JSON.stringify(r.body.applicableFilters)}`,
					);
				}
				const startAt = Date.parse(reqs[0].body.createdAt.startAt);
				const drift = Math.abs(Date.now() - 24 * 3600e3 - startAt);
				assert(
					drift < 30 * 60e3,
					`createdAt.startAt ${reqs[0].body.createdAt.startAt} is not about 24 h ago`,
				);
				return `${reqs.length} page(s), startAt ${reqs[0].body.createdAt.startAt}`;
			},
		);
		check(ex.name, 'finds the contact example 01 created (and only new web-form contacts)', () => {
			const out = jsons(ex, 'New web-form contacts');
			assert(
				out.some((c) => c.name === 'Asha Verma' && c.phone === '+919876543210'),
				`no Asha Verma in ${short(out)}`,
			);
			const dayAgo = Date.now() - 25 * 3600e3;
			for (const c of out) {
				assert(c.tags.includes('web-form'), `contact ${c.id} lacks the tag: ${short(c)}`);
				assert(
					Date.parse(c.createdAt) > dayAgo,
					`contact ${c.id} is older than a day: ${c.createdAt}`,
				);
			}
			return `${out.length} contact(s)`;
		});
		check(ex.name, 'CRM rows become a CSV file', () => {
			const rows = jsons(ex, 'CRM row');
			assert(rows.length >= 1 && rows[0]['BotPenguin ID'] && rows[0].Phone, `rows: ${short(rows)}`);
			const [file] = items(ex, 'CSV file');
			const binary = file?.binary?.data;
			assert(binary, `no binary "data": ${short(file)}`);
			assert(
				/^botpenguin-new-contacts-\d{4}-\d\d-\d\d\.csv$/.test(binary.fileName),
				`fileName ${binary.fileName}`,
			);
			assert(/csv/.test(binary.mimeType), `mimeType ${binary.mimeType}`);
			// n8n 2.x keeps binary data on disk ("filesystem-v2:<path>" under .n8n/storage), older modes inline.
			const csv = binary.id?.startsWith('filesystem-v2:')
				? read(join(runDir, 'user/.n8n/storage', binary.id.slice('filesystem-v2:'.length)))
				: Buffer.from(binary.data ?? '', 'base64').toString('utf8');
			const lines = csv.trim().split('\n');
			eq(lines[0], 'BotPenguin ID,Name,Email,Phone,Tags,Created At', 'CSV header');
			eq(lines.length, rows.length + 1, 'CSV lines');
			assert(
				lines.some((l) => l.includes('Asha Verma') && l.includes('+919876543210')),
				`CSV:\n${csv}`,
			);
			return `${binary.fileName}, ${rows.length} row(s)`;
		});
	},

	'03-bulk-import'(ex) {
		succeeded(ex);
		authenticated(ex);
		check(ex.name, '250 contacts go out in ⌈250/100⌉ = 3 import requests (100, 100, 50)', () => {
			const reqs = only(ex, 'POST', '/inbox/users/import');
			eq(reqs.length, ex.requests.length, 'only import requests');
			// The batches go out side by side (Parallel Requests), so they may reach the server in any order.
			eq(
				reqs.map((r) => r.body.length).sort((a, b) => b - a),
				[100, 100, 50],
				'batch sizes',
			);
			const phones = new Set(
				reqs.flatMap((r) => r.body.map((c) => JSON.stringify(c.profile.userDetails.contact.phone))),
			);
			eq(phones.size, 250, 'distinct phones');
			const batchOne = reqs.find((r) => r.body[0].profile.userDetails.contact.phone?.number === '9810000001');
			assert(batchOne, 'no batch starts with the first contact (9810000001)');
			eq(batchOne.body.length, 100, 'size of the batch that starts with the first contact');
			const first = batchOne.body[0].profile.userDetails;
			eq(first.contact.phone, { number: '9810000001', prefix: '91' }, 'first phone');
			eq(first.tags, ['bulk-import'], 'tags');
			assert(
				first.attributes.some((a) => a.key === 'plan'),
				`attributes ${short(first.attributes)}`,
			);
		});
		check(ex.name, 'one output item per contact, all "sent"', () => {
			const out = jsons(ex, 'Import contacts');
			eq(out.length, 250, 'items');
			const statuses = [...new Set(out.map((o) => o.status))];
			eq(statuses, ['sent'], 'statuses');
			eq([...new Set(out.map((o) => o.batch))], [1, 2, 3], 'batch numbers');
		});
	},

	'04-lead-followup'(ex) {
		succeeded(ex);
		authenticated(ex);
		const leads = () => jsons(ex, 'First 5 leads');
		check(ex.name, 'lists the leads of the bot, 5 items with uuids', () => {
			const reqs = only(ex, 'GET', '/inbox/direct/chats');
			assert(reqs.length >= 1, 'no GET /inbox/direct/chats');
			eq(
				reqs[0].query,
				{ botId: sim.botId, customerId: sim.customerId, page: '1', type: 'lead' },
				'query',
			);
			assert(
				reqs.every((r) => r.headers['x-bot-token']),
				'x-bot-token missing',
			);
			eq(leads().length, 5, 'items');
			assert(
				leads().every((l) => typeof l.uuid === 'string' && l.uuid),
				`uuids: ${short(leads())}`,
			);
			return `${reqs.length} page request(s)`;
		});
		check(
			ex.name,
			'each lead is set to INPROGRESS with a follow-up note (5 PUT /inbox/direct/lead)',
			() => {
				const puts = only(ex, 'PUT', '/inbox/direct/lead');
				eq(puts.length, 5, 'updates');
				eq(
					puts.map((r) => r.body.uuid).sort(),
					leads()
						.map((l) => l.uuid)
						.sort(),
					'updated uuids',
				);
				for (const r of puts) {
					assert(r.headers['x-bp-token'], 'x-bp-token missing');
					eq(
						[r.body.botId, r.body.customerId, r.body.status],
						[sim.botId, sim.customerId, 'INPROGRESS'],
						'botId, customerId, status',
					);
					eq(r.body.notes?.length, 1, 'notes');
					eq(r.body.notes[0].title, 'Follow-up', 'note title');
					assert(
						/^Picked up by n8n on \d{4}-\d\d-\d\d/.test(r.body.notes[0].description),
						`note ${r.body.notes[0].description}`,
					);
				}
				eq(jsons(ex, 'Mark in progress').length, 5, 'output items');
			},
		);
	},

	'05-ai-agent-lookup'(ex) {
		// Contact → Get, as a plain node and as the agent's tool: one search for the address, exact matches only.
		const EMAIL = 'Layla.Mehta56@example.com';
		const isLayla = (c) => String(c.email).toLowerCase() === EMAIL.toLowerCase();
		succeeded(ex);
		authenticated(ex);
		const searches = () => only(ex, 'POST', '/inbox/users');
		check(ex.name, `direct lookup: Contact → Get finds exactly ${EMAIL}`, () => {
			assert(searches().length >= 1, 'no POST /inbox/users');
			for (const r of searches()) {
				eq(r.body.searchText, EMAIL, 'searchText');
				eq(r.body.applicableFilters, ['searchText'], 'applicableFilters');
			}
			const out = jsons(ex, 'Look up contact');
			assert(out.length === 1, `${out.length} items: ${short(out)}`);
			assert(isLayla(out[0]), `not the contact asked for: ${short(out[0])}`);
			return `${out[0].name}, ${out[0].phone}`;
		});
		check(
			ex.name,
			'AI agent: the model calls the Contact → Get tool with the email, the answer uses the result',
			() => {
				const calls = jsonl(join(runDir, 'fake-openai-requests.jsonl')).filter((r) =>
					r.path.endsWith('/chat/completions'),
				);
				assert(calls.length >= 2, `the model was asked ${calls.length} time(s)`);
				const tool = calls[0].body.tools?.find((t) => /find/i.test(t.function.name));
				assert(tool, `no Find contact tool offered to the model: ${short(calls[0].body.tools)}`);
				assert(
					tool.function.parameters?.properties?.email,
					`tool has no email parameter: ${short(tool.function)}`,
				);
				// Each lookup reads page 1, and page 2 unless page 1 ended the results: node + tool.
				eq(
					searches().filter((r) => r.body.page === 1).length,
					2,
					'lookups started (direct node + tool)',
				);
				const toolResult = calls.at(-1).body.messages.find((m) => m.role === 'tool');
				assert(
					toolResult &&
						JSON.stringify(toolResult.content).toLowerCase().includes(EMAIL.toLowerCase()),
					`tool result given to the model: ${short(toolResult)}`,
				);
				const [answer] = jsons(ex, 'AI Agent');
				assert(
					/BotPenguin returned: .*Layla Mehta/s.test(answer?.output ?? ''),
					`agent output ${short(answer)}`,
				);
				return `tool "${tool.function.name}"`;
			},
		);
	},

	'06-new-lead-to-crm-row'(ex) {
		// Run both ways: its Test workflow path with `n8n execute`, its trigger path activated in n8n start
		// (the trigger node pointed at the trigger simulator, where leads are added while n8n runs and while
		// it is down).
		succeeded(ex);
		authenticated(ex);
		check(ex.name, 'Test workflow: the newest lead becomes one CRM row and a CSV file', () => {
			const reqs = only(ex, 'GET', '/inbox/direct/chats');
			eq(ex.requests.length, reqs.length, 'only lead listings');
			eq(reqs[0]?.query, { botId: sim.botId, customerId: sim.customerId, page: '1', type: 'lead' }, 'query');
			const [lead] = jsons(ex, 'Newest lead (test)');
			const rows = jsons(ex, 'CRM row');
			eq(rows.length, 1, 'CRM rows');
			eq(
				[rows[0]['BotPenguin UUID'], rows[0].Name, rows[0].Email, rows[0].Status, rows[0].Source],
				[lead.uuid, lead.name, lead.email, lead.status, 'BotPenguin lead'],
				'CRM row columns',
			);
			const [file] = items(ex, 'CRM file');
			eq(file?.binary?.data?.fileName, `botpenguin-lead-${lead.uuid}.csv`, 'file name');
			return rows[0]['BotPenguin UUID'];
		});
		check(ex.name, 'activated: every lead added while n8n ran or was down becomes one CRM row, once', () => {
			assert(ex.active, 'the example was not activated');
			const leads = ex.active.added.filter((r) => r.kind === 'lead');
			assert(leads.length, 'no lead was added');
			assert(ex.active.executions.length, 'no execution of the example');
			for (const e of ex.active.executions) {
				eq([e.status, e.mode], ['success', 'trigger'], `status, mode of execution ${e.id}${e.error ? ` (${e.error})` : ''}`);
				const files = (e.outputs['CRM file'] ?? []).map((i) => i.binary.data);
				assert(files.length === 1 && /csv/.test(files[0]?.mimeType), `execution ${e.id}: CRM file ${short(files)}`);
			}
			const rows = ex.active.executions.flatMap((e) => (e.outputs['CRM row'] ?? []).map((i) => i.json));
			eq(rows.map((r) => r['BotPenguin UUID']).sort(), leads.map((r) => r.key).sort(), 'CRM rows (BotPenguin UUID)');
			assert(rows.every((r) => r.Source === 'BotPenguin lead' && r['Lead since']), `rows ${short(rows)}`);
			return `${rows.length} rows in ${ex.active.executions.length} executions`;
		});
	},
};

// ---------------------------------------------------------------------------------------------
const names = [
	...new Set(
		readdirSync(resultsDir)
			.filter((f) => f.endsWith('.rc') || f.endsWith('.active'))
			.map((f) => f.replace(/\.(rc|active)$/, '')),
	),
].sort();
for (const name of Object.keys(EXAMPLES)) {
	if (!names.includes(name))
		check(name, 'was executed', () => assert(false, `no result for examples/${name}.json`));
}
for (const name of names) {
	const fn = EXAMPLES[name];
	if (fn) fn(load(name));
	else
		check(name, 'has checks in e2e/check.mjs', () =>
			assert(false, 'add a check function for this example'),
		);
}

// Every BotPenguin parameter an example sets exists in the node and is shown for that resource/operation.
// n8n silently ignores unknown parameters, so a renamed parameter would otherwise go unnoticed.
// The node as n8n loaded it: the packed copy in the run's user folder (run.sh sets NODE_PATH to n8n's
// node_modules so its n8n-workflow import resolves, as n8n does for community packages).
const packageDir = join(runDir, 'user/.n8n/nodes/node_modules/n8n-nodes-botpenguin-inbox/dist/nodes');
const requireBuilt = createRequire(import.meta.url);
const { BotPenguinInbox } = requireBuilt(join(packageDir, 'BotPenguinInbox/BotPenguinInbox.node.js'));
const { BotPenguinInboxTrigger } = requireBuilt(join(packageDir, 'BotPenguinInboxTrigger/BotPenguinInboxTrigger.node.js'));
const PROPERTIES_OF = {
	'n8n-nodes-botpenguin-inbox.botPenguinInbox': new BotPenguinInbox().description.properties,
	'n8n-nodes-botpenguin-inbox.botPenguinInboxTool': new BotPenguinInbox().description.properties,
	'n8n-nodes-botpenguin-inbox.botPenguinInboxTrigger': new BotPenguinInboxTrigger().description.properties,
};
function shown(properties, property, values) {
	const { show = {}, hide = {} } = property.displayOptions ?? {};
	const valueOf = (key) =>
		key in values
			? values[key]
			: properties.find((p) => p.name === key && shown(properties, p, values))?.default;
	const matches = (key, allowed) => key.startsWith('@') || allowed.includes(valueOf(key));
	return (
		Object.entries(show).every(([k, v]) => matches(k, v)) &&
		!Object.entries(hide).some(([k, v]) => !k.startsWith('@') && v.includes(valueOf(k)))
	);
}
function unknownParameters(type, parameters) {
	const problems = [];
	const properties = PROPERTIES_OF[type];
	if (!properties) return [`(unknown node type ${type})`];
	// Added by n8n: to the Tool variant, and Poll Times to every polling trigger.
	const byN8n = new Set(['descriptionType', 'toolDescription', 'pollTimes']);
	for (const [key, value] of Object.entries(parameters)) {
		if (byN8n.has(key)) continue;
		const property = properties.find((p) => p.name === key && shown(properties, p, parameters));
		if (!property) {
			problems.push(key);
			continue;
		}
		if (property.type === 'collection' && value && typeof value === 'object') {
			for (const sub of Object.keys(value))
				if (!property.options.some((o) => o.name === sub)) problems.push(`${key}.${sub}`);
		}
		if (
			property.type === 'options' &&
			typeof value === 'string' &&
			!value.startsWith('=') &&
			!property.options.some((o) => o.value === value)
		) {
			problems.push(`${key}=${value}`);
		}
	}
	return problems;
}
for (const file of readdirSync(join(repoDir, 'examples'))
	.filter((f) => f.endsWith('.json'))
	.sort()) {
	check('examples', `${file}: every BotPenguin parameter exists for its resource/operation`, () => {
		const workflow = JSON.parse(readFileSync(join(repoDir, 'examples', file), 'utf8'));
		const nodes = workflow.nodes.filter((n) => n.type.startsWith('n8n-nodes-botpenguin-inbox.'));
		assert(nodes.length, 'no BotPenguin Inbox node');
		for (const node of nodes) {
			const problems = unknownParameters(node.type, node.parameters);
			assert(
				!problems.length,
				`node "${node.name}": unknown or hidden parameter(s) ${problems.join(', ')}`,
			);
			eq(
				node.credentials?.botPenguinInboxApi,
				{ id: 'bpE2eCredential01', name: 'BotPenguin Inbox (simulator)' },
				`credential of "${node.name}"`,
			);
		}
		return nodes
			.map((n) => n.parameters.event ?? `${n.parameters.resource}/${n.parameters.operation}`)
			.join(', ');
	});
}

// Credential test, as the editor's "Test" button runs it (POST /rest/credentials/test).
const credError = read(join(resultsDir, 'credential-test.error')).trim();
const credResult = (file) => {
	const text = read(join(resultsDir, file));
	assert(text, `no answer recorded${credError ? `: ${credError}` : ''}`);
	const parsed = JSON.parse(text);
	return parsed.data ?? parsed;
};
check('credential', 'test with the right token succeeds', () => {
	const r = credResult('credential-test-ok.json');
	eq(r.status, 'OK', `status (message: ${r.message})`);
	return r.message;
});
// n8n 1.x's credential tester does not reach the credential's responseCode rules for this error and shows
// its generic text instead (a limit stated in the README's Compatibility section); 2.x shows the rule's.
const N8N_1X = process.env.E2E_N8N_MAJOR === '1';
check(
	'credential',
	N8N_1X
		? "test with a wrong token fails (n8n 1.x: n8n's generic authorization text)"
		: 'test with a wrong token fails with a message that names the token',
	() => {
		const r = credResult('credential-test-wrong.json');
		eq(r.status, 'Error', 'status');
		// n8n's bare fallback is the HTTP status text ("Unauthorized"); a user needs to learn that the token is wrong.
		assert(
			/token/i.test(r.message ?? '') ||
				(N8N_1X && /^Authorization failed - please check your credentials/.test(r.message ?? '')),
			`message "${r.message}" does not say that the API token was rejected`,
		);
		return `"${r.message}"`;
	},
);
check('credential', 'test with a plain-http Base URL fails before the token is sent', () => {
	const r = credResult('credential-test-http.json');
	eq(r.status, 'Error', 'status');
	assert(
		/Invalid Base URL/.test(r.message ?? ''),
		`message "${r.message}" does not say that the Base URL is invalid`,
	);
	return `"${r.message}"`;
});
check(
	'credential',
	'test of the saved credential (secrets redacted by the editor) succeeds',
	() => {
		const r = credResult('credential-test-stored.json');
		eq(r.status, 'OK', `status (message: ${r.message})`);
	},
);

// The contact → Get Many "Segment Names or IDs" dropdown as the editor fills it
// (POST /rest/dynamic-node-parameters/options → the node's getSegments → GET /inbox/segments).
check('editor', "the Segments dropdown lists the simulator's segments by name, sorted, with their IDs", () => {
	const text = read(join(resultsDir, 'segments-dropdown.json'));
	assert(text, `no answer recorded${credError ? `: ${credError}` : ''}`);
	const answer = JSON.parse(text);
	const options = answer.data ?? answer;
	assert(Array.isArray(options), `not a list of options: ${short(answer)}`);
	const segments = JSON.parse(read(join(resultsDir, 'segments-simulator.json'))).data;
	assert(segments?.length, 'the simulator has no segments');
	eq(
		options,
		segments
			.map((segment) => ({ name: segment.segmentName, value: segment._id }))
			.sort((a, b) => a.name.localeCompare(b.name)),
		'options',
	);
	return `${options.length} segments`;
});

// The polling trigger in n8n start: records added while it runs and while it is down (e2e/trigger/*.json).
triggerChecks({ runDir, check, assert });

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
