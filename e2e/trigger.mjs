// The polling trigger in a running n8n (used by e2e/run.sh and e2e/queue.sh): activate the workflows that
// start with the BotPenguin Inbox Trigger, add records to the trigger simulator while n8n runs (or while it
// is down), and wait until n8n's execution list shows them. The assertions are in trigger-checks.mjs.
//
//   node trigger.mjs activate <runDir> <workflow.json...>   activate through the REST API, as the editor's
//        Publish/Active switch does; for a trigger workflow, wait until n8n has saved the first poll's state
//        (its static data). Other workflows (queue.sh's webhook ones) are only activated.
//   node trigger.mjs add <runDir> <phase> <contact|lead|chat> <count>   POST /__simulator/records
//   node trigger.mjs wait <runDir> <phase> <seconds>   until every record added up to <phase> is in an
//        execution of each workflow watching its kind (exit 1 when the time is up)
//
// Env: N8N_PORT, OWNER_EMAIL, OWNER_PASSWORD (n8n's REST API), TRIG_URL (the trigger simulator).
// Files in <runDir>/results: trigger-workflows.json (what was activated), trigger-added.jsonl (what was
// added, per phase), trigger-executions.json (every execution of those workflows, with the records each
// emitted), trigger-state-<workflow id>.json (the static data n8n saved at activation).
// Needs flatted (n8n's run-data format): NODE_PATH=<n8n>/node_modules.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';

const TRIGGER_TYPE = 'n8n-nodes-botpenguin-inbox.botPenguinInboxTrigger';
const KIND_OF_EVENT = { newContact: 'contact', newLead: 'lead', newChat: 'chat' };
/** The ID the trigger dedupes by: a contact's `_id` (simplified: `id`), a chat's or lead's `uuid`. */
const keyOf = (kind, json) => (kind === 'contact' ? (json.id ?? json._id) : json.uuid);

const [command, runDir, ...args] = process.argv.slice(2);
const results = join(runDir, 'results');
const file = (name) => join(results, name);
const base = `http://127.0.0.1:${process.env.N8N_PORT}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const { parse: unflatten } = createRequire(import.meta.url)('flatted');

let cookie;
async function rest(method, path, body) {
	const headers = { 'browser-id': 'botpenguin-e2e-trigger', 'content-type': 'application/json' };
	if (!cookie && path !== '/rest/login') {
		const login = await rest('POST', '/rest/login', {
			emailOrLdapLoginId: process.env.OWNER_EMAIL,
			password: process.env.OWNER_PASSWORD,
		});
		cookie = login.cookie;
	}
	if (cookie) headers.cookie = cookie;
	const res = await fetch(`${base}${path}`, {
		method,
		headers,
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(60_000),
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
	const parsed = JSON.parse(text);
	const setCookie = res.headers.getSetCookie().map((c) => c.split(';')[0]);
	return { data: parsed.data ?? parsed, cookie: setCookie.join('; ') || undefined };
}

function workflowOf(path) {
	const workflow = JSON.parse(readFileSync(path, 'utf8'));
	const node = workflow.nodes.find((n) => n.type === TRIGGER_TYPE);
	if (!node) return { id: workflow.id, name: workflow.name };
	return {
		id: workflow.id,
		name: workflow.name,
		file: basename(path, '.json'),
		node: node.name,
		kind: KIND_OF_EVENT[node.parameters.event ?? 'newContact'],
	};
}

async function activate(paths) {
	const all = paths.map(workflowOf);
	for (const wf of all) {
		const { data: stored } = await rest('GET', `/rest/workflows/${wf.id}`);
		await rest('POST', `/rest/workflows/${wf.id}/activate`, { versionId: stored.versionId });
	}
	const workflows = all.filter((wf) => wf.node);
	if (all.length > workflows.length) console.log(`activated ${all.filter((wf) => !wf.node).map((wf) => wf.id).join(', ')}`);
	// n8n 2.x publishes through an outbox, so the answer can come before the trigger is registered. n8n
	// saves the static data once the first poll (run by the activation) has returned: that is the moment
	// the trigger has recorded where the inbox stands.
	for (const wf of workflows) {
		const deadline = Date.now() + 90_000;
		let state;
		while (!(state = (await rest('GET', `/rest/workflows/${wf.id}`)).data.staticData?.[`node:${wf.node}`]?.state)) {
			if (Date.now() > deadline) throw new Error(`${wf.name}: no trigger state saved 90 s after activation`);
			await sleep(500);
		}
		wf.activatedAt = new Date().toISOString();
		writeFileSync(file(`trigger-state-${wf.id}.json`), `${JSON.stringify(state)}\n`);
		console.log(`activated ${wf.id} (${wf.name}): ${Object.keys(state.recent ?? {}).length} recent ids in its saved state`);
	}
	const known = existsSync(file('trigger-workflows.json')) ? JSON.parse(readFileSync(file('trigger-workflows.json'), 'utf8')) : [];
	writeFileSync(file('trigger-workflows.json'), `${JSON.stringify([...known, ...workflows], null, 2)}\n`);
}

async function add(phase, kind, count) {
	const res = await fetch(`${process.env.TRIG_URL}/__simulator/records`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ kind, count: Number(count) }),
		signal: AbortSignal.timeout(30_000),
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`POST /__simulator/records: HTTP ${res.status} ${text}`);
	for (const record of JSON.parse(text).data) {
		const key = kind === 'contact' ? record._id : record.uuid;
		appendFileSync(file('trigger-added.jsonl'), `${JSON.stringify({ phase: Number(phase), kind, key, createdAt: record.createdAt })}\n`);
	}
	console.log(`added ${count} ${kind}(s) (phase ${phase})`);
}

/** Every finished execution of the trigger workflows, with the keys of the records its trigger emitted. */
async function executions(workflows, cache) {
	const out = [];
	for (const wf of workflows) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId: wf.id }));
		const { data } = await rest('GET', `/rest/executions?filter=${filter}&limit=100`);
		for (const summary of data.results ?? data) {
			if (!['success', 'error', 'crashed', 'canceled'].includes(summary.status)) continue; // still running
			if (!cache.has(summary.id)) {
				const { data: execution } = await rest('GET', `/rest/executions/${summary.id}`);
				const run = typeof execution.data === 'string' ? unflatten(execution.data) : execution.data;
				const runData = run?.resultData?.runData ?? {};
				const items = runData[wf.node]?.[0]?.data?.main?.[0] ?? [];
				// What every node put out (an example's later nodes are checked too); binary data by its metadata.
				const outputs = Object.fromEntries(
					Object.entries(runData).map(([name, runs]) => [
						name,
						(runs[0]?.data?.main?.[0] ?? []).map((item) => ({
							json: item.json,
							binary: Object.fromEntries(Object.entries(item.binary ?? {}).map(([key, b]) => [key, { fileName: b.fileName, mimeType: b.mimeType }])),
						})),
					]),
				);
				cache.set(summary.id, {
					id: String(summary.id),
					workflowId: wf.id,
					kind: wf.kind,
					mode: execution.mode,
					status: execution.status ?? summary.status,
					startedAt: execution.startedAt,
					stoppedAt: execution.stoppedAt,
					error: run?.resultData?.error?.message,
					keys: items.map((item) => keyOf(wf.kind, item.json)),
					items: items.map((item) => item.json),
					outputs,
				});
			}
			out.push(cache.get(summary.id));
		}
	}
	return out.sort((a, b) => Number(a.id) - Number(b.id));
}

async function wait(phase, seconds) {
	const workflows = JSON.parse(readFileSync(file('trigger-workflows.json'), 'utf8'));
	const added = readFileSync(file('trigger-added.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
	const cache = new Map();
	const deadline = Date.now() + Number(seconds) * 1000;
	for (;;) {
		const list = await executions(workflows, cache);
		writeFileSync(file('trigger-executions.json'), `${JSON.stringify(list, null, 2)}\n`);
		const missing = workflows.flatMap((wf) => {
			const emitted = new Set(list.filter((e) => e.workflowId === wf.id).flatMap((e) => e.keys));
			return added.filter((r) => r.phase <= Number(phase) && r.kind === wf.kind && !emitted.has(r.key)).map((r) => `${wf.id}:${r.key}`);
		});
		if (!missing.length) {
			console.log(`phase ${phase}: every record added so far is in an execution (${list.length} executions)`);
			return;
		}
		if (Date.now() > deadline) {
			console.log(`phase ${phase}: after ${seconds} s still not emitted: ${missing.join(', ')}`);
			process.exitCode = 1;
			return;
		}
		await sleep(2000);
	}
}

try {
	if (command === 'activate') await activate(args);
	else if (command === 'add') await add(...args);
	else if (command === 'wait') await wait(...args);
	else throw new Error(`unknown command ${command}`);
} catch (error) {
	console.error(`trigger.mjs ${command}: ${error.message}`);
	process.exitCode = 2;
}
