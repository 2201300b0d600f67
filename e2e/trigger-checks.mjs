// Assertions on the polling trigger in a real n8n, shared by check.mjs (one process) and queue-check.mjs
// (main + workers). What the run did is in <runDir>/results (written by trigger.mjs and the scripts):
//   trigger-workflows.json   the workflows activated (id, name, kind, node)
//   trigger-added.jsonl      the records added to the trigger simulator: phase 1 while n8n ran, phase 2 while
//                            it was down (between the "stopped" and "started" lines of trigger-restart.jsonl)
//   trigger-executions.json  every finished execution of those workflows, with the records it emitted
//   trigger-state-<id>.json  the static data n8n had saved when the activation's poll returned
//   trigger.error            why the trigger part did not run (n8n not ready, activation failed...)
// plus ../trigger-sim-requests.jsonl (what the trigger simulator was asked).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs the trigger checks through the caller's `check(group, what, fn)` and returns the executions, so
 * that queue-check.mjs can tell which process ran them.
 */
export function triggerChecks({ runDir, check, assert }) {
	// Deep equality that does not depend on key order (counts come in execution order, expectations in
	// the order the records were added).
	const canonical = (value) =>
		JSON.stringify(value, (_key, v) =>
			v && typeof v === 'object' && !Array.isArray(v)
				? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
				: v,
		);
	const eq = (actual, expected, what) =>
		assert(canonical(actual) === canonical(expected), `${what}: expected ${canonical(expected)}, got ${canonical(actual)}`);
	const results = join(runDir, 'results');
	const read = (name) => (existsSync(join(results, name)) ? readFileSync(join(results, name), 'utf8') : '');
	const lines = (text) =>
		text
			.split('\n')
			.filter((line) => line.trim())
			.map((line) => JSON.parse(line));
	const error = read('trigger.error').trim();
	const workflows = JSON.parse(read('trigger-workflows.json') || '[]');
	const added = lines(read('trigger-added.jsonl'));
	const executions = JSON.parse(read('trigger-executions.json') || '[]');
	const restart = Object.fromEntries(lines(read('trigger-restart.jsonl')).map((e) => [e.event, Date.parse(e.at)]));
	const requests = lines(existsSync(join(runDir, 'trigger-sim-requests.jsonl')) ? readFileSync(join(runDir, 'trigger-sim-requests.jsonl'), 'utf8') : '');
	const ran = () => {
		assert(!error, error);
		assert(workflows.length, 'no trigger workflow was activated');
	};
	const byKind = (kind) => workflows.filter((wf) => wf.kind === kind);
	const ofWorkflow = (wf) => executions.filter((e) => e.workflowId === wf.id);
	const keysAdded = (kind, phase) => added.filter((r) => r.kind === kind && r.phase === phase).map((r) => r.key);
	/** How many times each key was emitted by the workflow's executions (started before/after `at`). */
	const emitted = (wf, { before, after } = {}) => {
		const counts = {};
		for (const e of ofWorkflow(wf)) {
			const started = Date.parse(e.startedAt);
			if (before !== undefined && !(started < before)) continue;
			if (after !== undefined && !(started > after)) continue;
			for (const key of e.keys) counts[key] = (counts[key] ?? 0) + 1;
		}
		return counts;
	};
	const once = (keys) => Object.fromEntries(keys.map((k) => [k, 1]));

	check('trigger', 'activation: the first poll records where the inbox stands, emits nothing', () => {
		ran();
		for (const wf of workflows) {
			const state = JSON.parse(read(`trigger-state-${wf.id}.json`) || 'null');
			assert(state?.watermark, `${wf.name}: no watermark in the state n8n saved at activation: ${JSON.stringify(state)}`);
			const old = ofWorkflow(wf).flatMap((e) => e.keys).filter((k) => !added.some((r) => r.key === k));
			eq(old, [], `${wf.name}: records emitted that existed before activation`);
		}
		return workflows.map((wf) => `${wf.kind}: watermark ${new Date(JSON.parse(read(`trigger-state-${wf.id}.json`)).watermark).toISOString()}`).join('; ');
	});
	for (const kind of ['contact', 'lead']) {
		check('trigger', `${kind}s added while n8n runs are emitted once each (the per-minute poll after activation)`, () => {
			ran();
			const keys = keysAdded(kind, 1);
			assert(keys.length, `no ${kind} was added while n8n ran`);
			assert(byKind(kind).length, `no workflow watches ${kind}s`);
			for (const wf of byKind(kind)) eq(emitted(wf, { before: restart.stopped }), once(keys), `${wf.name}: times each ${kind} was emitted before the restart`);
			return `${keys.length} ${kind}s, ${byKind(kind).length} workflow(s)`;
		});
	}
	check('trigger', "n8n's execution list shows each poll that found records as one successful trigger execution", () => {
		ran();
		assert(executions.length, 'no execution');
		for (const e of executions) {
			eq([e.status, e.mode], ['success', 'trigger'], `status, mode of execution ${e.id}${e.error ? ` (${e.error})` : ''}`);
			assert(e.keys.length, `execution ${e.id} has no items`);
			eq(e.keys, [...e.keys].sort((a, b) => {
				const at = (k) => Date.parse(added.find((r) => r.key === k)?.createdAt);
				return at(a) - at(b) || (a < b ? -1 : 1);
			}), `execution ${e.id}: items oldest first`);
		}
		return executions.map((e) => `${e.id}: ${e.kind} × ${e.keys.length}`).join(', ');
	});
	check('restart', 'records added while n8n was down are emitted once after the restart', () => {
		ran();
		assert(restart.stopped && restart.started, 'n8n was not restarted');
		for (const wf of workflows) {
			const keys = keysAdded(wf.kind, 2);
			assert(keys.length, `no ${wf.kind} was added while n8n was down`);
			eq(emitted(wf, { after: restart.started }), once(keys), `${wf.name}: times each record was emitted after the restart`);
		}
		return workflows.map((wf) => `${wf.kind}: ${keysAdded(wf.kind, 2).length}`).join(', ');
	});
	check('restart', 'nothing emitted before the restart is emitted again', () => {
		ran();
		for (const wf of workflows) {
			const counts = emitted(wf);
			const twice = Object.entries(counts).filter(([, n]) => n > 1);
			eq(twice, [], `${wf.name}: records emitted more than once`);
			eq(Object.keys(counts).sort(), added.filter((r) => r.kind === wf.kind).map((r) => r.key).sort(), `${wf.name}: records emitted`);
		}
	});
	check('restart', 'a workflow that had emitted nothing before the restart (state saved at activation) emits what was added while n8n was down', () => {
		ran();
		const quiet = workflows.filter((wf) => !keysAdded(wf.kind, 1).length);
		assert(quiet.length, 'every workflow had records before the restart');
		for (const wf of quiet) {
			eq(emitted(wf, { before: restart.stopped }), {}, `${wf.name}: emitted before the restart`);
			eq(emitted(wf, { after: restart.started }), once(keysAdded(wf.kind, 2)), `${wf.name}: emitted after the restart`);
		}
		return quiet.map((wf) => wf.name).join(', ');
	});
	check('trigger', 'every poll request carried the credential and got 200; later contact polls filter on createdAt', () => {
		ran();
		assert(requests.length, 'the trigger simulator saw no request');
		const polls = requests.filter((r) => !r.path.startsWith('/__simulator'));
		for (const r of polls) {
			assert(r.headers.authorization && r.headers.authtype === 'Key', `${r.method} ${r.path} without the credential`);
			eq(r.status, 200, `answer to ${r.method} ${r.path}`);
		}
		const contactPolls = polls.filter((r) => r.method === 'POST' && r.path === '/inbox/users');
		assert(contactPolls.some((r) => r.body.applicableFilters?.includes('createdAt') && r.body.createdAt?.startAt), 'no contact poll with a createdAt window');
		return `${polls.length} requests`;
	});
	return executions;
}
