// Copy workflow files (examples/*.json, e2e/trigger/*.json) into a run folder, adapted to the local test
// servers:
//  - YOUR_BOT_ID / YOUR_CUSTOMER_ID placeholders (what users edit) → the simulator's bot and customer ids;
//  - OpenAI Chat Model nodes (no credential in the examples: users pick their own) → the fake model's
//    credential, so the AI Agent example runs without a real model;
//  - a workflow with a BotPenguin Inbox Trigger is marked "active" (run.sh activates it in n8n start).
//    When TRIGGER_CREDENTIAL_ID and TRIG_BOT_ID are set (the e2e run), the trigger node uses that credential
//    (the trigger simulator, which adds records on request) and its ids (TRIG_BOT_ID, TRIG_CUSTOMER_ID);
//    if the workflow has a Manual Trigger as well (its "Test workflow" path), a copy without the polling
//    trigger is written too, marked "manual": `n8n execute` starts a workflow from its polling trigger when
//    it has one (with an empty item), while the editor's Test workflow starts from the Manual Trigger.
// usage: node prepare-examples.mjs <srcDir> <outDir>
//   env SIM_BOT_ID, SIM_CUSTOMER_ID, FAKE_MODEL_CREDENTIAL_ID/_NAME, TRIGGER_CREDENTIAL_ID/_NAME, TRIG_BOT_ID, TRIG_CUSTOMER_ID
// Prints one line per workflow written: "<id>\t<file>\t<manual|active>\t<source file name without .json>".
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [src, out] = process.argv.slice(2);
const {
	SIM_BOT_ID = '',
	SIM_CUSTOMER_ID = '',
	FAKE_MODEL_CREDENTIAL_ID,
	FAKE_MODEL_CREDENTIAL_NAME,
	TRIGGER_CREDENTIAL_ID,
	TRIGGER_CREDENTIAL_NAME,
	TRIG_BOT_ID = '',
	TRIG_CUSTOMER_ID = '',
} = process.env;
const TRIGGER_TYPE = 'n8n-nodes-botpenguin-inbox.botPenguinInboxTrigger';
mkdirSync(out, { recursive: true });

for (const file of readdirSync(src)
	.filter((f) => f.endsWith('.json'))
	.sort()) {
	const original = JSON.parse(readFileSync(join(src, file), 'utf8'));
	const name = file.replace(/\.json$/, '');
	const manual = original.nodes.some((node) => node.type === 'n8n-nodes-base.manualTrigger');
	const active = original.nodes.some((node) => node.type === TRIGGER_TYPE);
	const toTrigger = Boolean(TRIGGER_CREDENTIAL_ID && TRIG_BOT_ID);
	const workflow = {
		...original,
		nodes: original.nodes.map((node) => {
			const trigger = toTrigger && node.type === TRIGGER_TYPE;
			return JSON.parse(
				JSON.stringify(node)
					.replaceAll('YOUR_BOT_ID', trigger ? TRIG_BOT_ID : SIM_BOT_ID)
					.replaceAll('YOUR_CUSTOMER_ID', trigger ? TRIG_CUSTOMER_ID : SIM_CUSTOMER_ID),
			);
		}),
	};
	for (const node of workflow.nodes) {
		if (node.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi' && FAKE_MODEL_CREDENTIAL_ID) {
			node.credentials = {
				openAiApi: { id: FAKE_MODEL_CREDENTIAL_ID, name: FAKE_MODEL_CREDENTIAL_NAME },
			};
		}
		if (toTrigger && node.type === TRIGGER_TYPE) {
			node.credentials = {
				botPenguinInboxApi: { id: TRIGGER_CREDENTIAL_ID, name: TRIGGER_CREDENTIAL_NAME },
			};
		}
	}
	if (active && manual && toTrigger) {
		const triggers = workflow.nodes.filter((node) => node.type === TRIGGER_TYPE).map((node) => node.name);
		const testPath = {
			...workflow,
			id: `${workflow.id}T`,
			name: `${workflow.name} (Test workflow path)`,
			nodes: workflow.nodes.filter((node) => !triggers.includes(node.name)),
			connections: Object.fromEntries(
				Object.entries(workflow.connections).filter(([from]) => !triggers.includes(from)),
			),
		};
		writeFileSync(join(out, `${name}.test-path.json`), `${JSON.stringify(testPath, null, 2)}\n`);
		console.log(`${testPath.id}\t${name}.test-path.json\tmanual\t${name}`);
	}
	writeFileSync(join(out, file), `${JSON.stringify(workflow, null, 2)}\n`);
	console.log(`${workflow.id}\t${file}\t${active && (toTrigger || !manual) ? 'active' : 'manual'}\t${name}`);
}
