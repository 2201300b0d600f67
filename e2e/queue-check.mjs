// Assertions of the queue-mode run (called by e2e/queue.sh), and the snapshot it takes before the jobs run.
//
//   node queue-check.mjs --snapshot <out.json>   (env SIM_URL, SIM_TOKEN, SIM_BOT_ID, SIM_CUSTOMER_ID)
//       every contact and the first lead, read straight from the simulator: what the workflows must see
//   node queue-check.mjs <runDir>
//       reads <runDir>/results: before.json, inputs.json, requests.jsonl (the simulator's log while the
//       jobs ran), <name>.http / .response (webhook answers), <name>.execution-<id>.json (main's REST API),
//       processes.txt, main.log (both runs of main: before and after its restart), worker1.log,
//       worker2.log, and the trigger's files (see trigger-checks.mjs)
//
// Prints "PASS|FAIL <group>: <what>" per check, then "N passed, M failed"; exit code 1 on any failure.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { triggerChecks } from './trigger-checks.mjs';

if (process.argv[2] === '--snapshot') {
	await snapshot(process.argv[3]);
	process.exit(0);
}

async function snapshot(out) {
	const { SIM_URL, SIM_TOKEN, SIM_BOT_ID, SIM_CUSTOMER_ID } = process.env;
	const headers = { authorization: `Bearer ${SIM_TOKEN}`, authtype: 'Key', 'content-type': 'application/json' };
	// The simulator wants every field of the search body; empty values and no applicableFilters = everything.
	const empty = {
		searchText: '', tags: [], status: [], isOnline: false, _botWebsite: [], _botWhatsapp: [],
		_botTelegram: [], _botFacebook: [], _agentAssigned: [], segments: [], applicableFilters: [],
		lastSeenAt: { startAt: '', endsAt: '' }, createdAt: { startAt: '', endsAt: '' },
		userInteracted: false, lastMessageBy: [], isLiveChatActive: false,
		hasOrdered: { status: false, lastAt: '' }, isExport: '', isContact: true,
	};
	const contacts = [];
	for (let page = 1; page <= 1000; page++) {
		const res = await fetch(`${SIM_URL}/inbox/users`, { method: 'POST', headers, body: JSON.stringify({ ...empty, page }) });
		if (!res.ok) throw new Error(`POST /inbox/users page ${page}: HTTP ${res.status} ${await res.text()}`);
		const { data } = await res.json();
		if (!data.length) break;
		contacts.push(...data.map((c) => c._id));
	}
	const query = new URLSearchParams({ botId: SIM_BOT_ID, customerId: SIM_CUSTOMER_ID, page: '1', type: 'lead' });
	const res = await fetch(`${SIM_URL}/inbox/direct/chats?${query}`, { headers: { ...headers, 'x-bot-token': SIM_TOKEN } });
	if (!res.ok) throw new Error(`GET /inbox/direct/chats: HTTP ${res.status} ${await res.text()}`);
	const [lead] = (await res.json()).data;
	if (!lead?.uuid) throw new Error('the simulator has no lead');
	writeFileSync(out, `${JSON.stringify({ contacts, lead: { uuid: lead.uuid } })}\n`);
}

// ---------------------------------------------------------------------------------------------
const results = join(process.argv[2], 'results');
const read = (file) => (existsSync(join(results, file)) ? readFileSync(join(results, file), 'utf8') : '');
const json = (file) => JSON.parse(read(file) || 'null');
const requests = read('requests.jsonl')
	.split('\n')
	.filter((line) => line.trim())
	.map((line) => JSON.parse(line));
const before = json('before.json');
const inputs = json('inputs.json');
// n8n stores run data "flatted" (shared references); its REST API hands it out as that string.
const { parse: unflatten } = createRequire(import.meta.url)('flatted');

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
const eq = (actual, expected, what) =>
	assert(
		JSON.stringify(actual) === JSON.stringify(expected),
		`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
	);
const only = (method, path) => requests.filter((r) => r.method === method && r.path === path);

/** The executions main's REST API lists for one workflow, with their run data. */
function executions(name) {
	return readdirSync(results)
		.filter((f) => f.startsWith(`${name}.execution-`))
		.map((f) => {
			const answer = JSON.parse(readFileSync(join(results, f), 'utf8'));
			const execution = answer.data ?? answer;
			const data = typeof execution.data === 'string' ? unflatten(execution.data) : execution.data;
			return { ...execution, data };
		});
}
/** The one execution of a workflow, successful, and the items its node put out. */
function outputOf(name, node) {
	const list = executions(name);
	eq(list.length, 1, `executions of ${name}`);
	const [execution] = list;
	eq(execution.status, 'success', `status of execution ${execution.id}`);
	eq(execution.mode, 'webhook', `mode of execution ${execution.id}`);
	const runs = execution.data?.resultData?.runData?.[node];
	assert(runs?.length === 1, `node "${node}" did not run once`);
	assert(!runs[0].error, `node "${node}" failed: ${runs[0].error?.message}`);
	return { id: String(execution.id), items: (runs[0].data?.main?.[0] ?? []).map((i) => i.json) };
}
function webhookAnswered(name) {
	eq(read(`${name}.http`).trim(), '200', `HTTP status of the ${name} webhook (${read(`${name}.response`).slice(0, 200)})`);
}

const ran = {}; // workflow → execution id
check('contacts', 'Return All over the contacts: every contact once, page after page', () => {
	webhookAnswered('contacts');
	const { id, items } = outputOf('contacts', 'All contacts');
	ran.contacts = id;
	const pages = only('POST', '/inbox/users');
	// Pages after page 1 are asked for side by side (Parallel Requests): any order, each page once.
	eq(pages[0]?.body.page, 1, 'first page requested');
	eq(pages.map((r) => r.body.page).sort((a, b) => a - b), pages.map((_r, i) => i + 1), 'pages requested');
	for (const r of pages) {
		assert(r.body.applicableFilters.includes('createdAt'), `applicableFilters ${JSON.stringify(r.body.applicableFilters)}`);
		eq(r.body.createdAt.endsAt, inputs.cutoff, 'createdAt.endsAt (the webhook body)');
	}
	eq([...items.map((c) => c.id)].sort(), [...before.contacts].sort(), 'contact ids (vs. the simulator)');
	return `${items.length} contacts in ${pages.length} pages, execution ${id}`;
});
check('import', 'bulk import of 1,000 contacts: 10 requests of 100, 1,000 items "sent"', () => {
	webhookAnswered('import');
	const { id, items } = outputOf('import', 'Import contacts');
	ran.import = id;
	const imports = only('POST', '/inbox/users/import');
	eq(imports.map((r) => r.body.length), Array(10).fill(100), 'batch sizes');
	const phones = new Set(imports.flatMap((r) => r.body.map((c) => c.profile.userDetails.contact.phone.number)));
	eq(phones.size, 1000, 'distinct phone numbers sent');
	eq(items.length, 1000, 'output items');
	eq([...new Set(items.map((i) => i.status))], ['sent'], 'statuses');
	return `execution ${id}`;
});
check('lead', 'lead update: one PUT /inbox/direct/lead with the uuid, status and note from the webhook', () => {
	webhookAnswered('lead');
	const { id, items } = outputOf('lead', 'Update lead');
	ran.lead = id;
	const puts = only('PUT', '/inbox/direct/lead');
	eq(puts.length, 1, 'updates');
	eq([puts[0].body.uuid, puts[0].body.status], [inputs.leadUuid, 'ONHOLD'], 'uuid, status');
	eq(puts[0].body.notes?.map((n) => n.description), [inputs.note], 'note');
	eq(items.length, 1, 'output items');
	return `execution ${id}`;
});
check('auth', 'every request the jobs made carried the credential and got 200', () => {
	assert(requests.length, 'the simulator saw no request');
	for (const r of requests) {
		assert(r.headers.authorization && r.headers.authtype === 'Key', `${r.method} ${r.path} without the credential`);
		eq(r.status, 200, `answer to ${r.method} ${r.path}`);
	}
	return `${requests.length} requests`;
});

// Which process ran what: main enqueues ("Enqueued execution N"), a worker runs it ("Worker started
// execution N", then "Worker finished execution N"); n8n logs both at info level.
const logs = { main: read('main.log'), worker1: read('worker1.log'), worker2: read('worker2.log') };
const started = (log) => [...log.matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]);
const finished = (log) => [...log.matchAll(/Worker finished execution (\d+)/g)].map((m) => m[1]);
check('workers', 'each execution was run by exactly one worker, none by main', () => {
	const ids = Object.values(ran);
	eq(ids.length, 3, 'executions found');
	eq(started(logs.main), [], 'executions main ran');
	for (const id of ids) {
		const by = ['worker1', 'worker2'].filter((w) => started(logs[w]).includes(id) && finished(logs[w]).includes(id));
		eq(by.length, 1, `workers that started and finished execution ${id}`);
	}
	return ['worker1', 'worker2'].map((w) => `${w}: ${started(logs[w]).join(', ') || 'none'}`).join('; ');
});
check('workers', 'both workers took jobs', () => {
	for (const w of ['worker1', 'worker2']) assert(started(logs[w]).length, `${w} ran no execution`);
});
check('main', 'main received the webhooks and enqueued the executions', () => {
	for (const id of Object.values(ran)) {
		assert(new RegExp(`Enqueued execution ${id}\\b`).test(logs.main), `main did not log "Enqueued execution ${id}"`);
	}
});

// The polling trigger: main polls (also after its restart), the workers run what it emits.
const triggerExecutions = triggerChecks({ runDir: process.argv[2], check, assert });
const polled = (log) => new Set([...log.matchAll(/Poll(?:ing)? trigger initiated for workflow "([^"]+)"/g)].map((m) => m[1]));
check('trigger', 'main polls: its log names a poll of every trigger workflow, the workers\' logs none', () => {
	const workflows = JSON.parse(read('trigger-workflows.json') || '[]');
	assert(workflows.length, 'no trigger workflow was activated');
	eq(workflows.map((wf) => polled(logs.main).has(wf.name)), workflows.map(() => true), `workflows polled by main (${[...polled(logs.main)].join(', ')})`);
	eq([...polled(logs.worker1), ...polled(logs.worker2)], [], 'workflows polled by a worker');
	return `main polled ${[...polled(logs.main)].join(', ')}`;
});
check('trigger', 'each trigger execution was enqueued by main and run by exactly one worker, before and after the restart', () => {
	assert(triggerExecutions.length, 'no trigger execution');
	for (const { id } of triggerExecutions) {
		assert(new RegExp(`Enqueued execution ${id}\\b`).test(logs.main), `main did not log "Enqueued execution ${id}"`);
		const by = ['worker1', 'worker2'].filter((w) => started(logs[w]).includes(id) && finished(logs[w]).includes(id));
		eq(by.length, 1, `workers that started and finished execution ${id}`);
	}
	eq(started(logs.main), [], 'executions main ran');
	return triggerExecutions.map((e) => `${e.id} (${e.kind}): ${['worker1', 'worker2'].find((w) => started(logs[w]).includes(e.id))}`).join(', ');
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
