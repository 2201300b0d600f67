// Copy workflow files (examples/*.json, e2e/trigger/*.json) into a run folder, adapted to the local test
// servers:
//  - YOUR_BOT_ID / YOUR_CUSTOMER_ID placeholders (what users edit) → the simulator's bot and customer ids;
//  - OpenAI Chat Model nodes (no credential in the examples: users pick their own) → the fake model's
//    credential, so the AI Agent example runs without a real model;
//  - a workflow started by the BotPenguin Inbox Trigger cannot run with `n8n execute` (no Manual Trigger):
//    it is marked "active" (run.sh activates it instead). When TRIGGER_CREDENTIAL_ID and TRIG_BOT_ID are set, its BotPenguin
//    nodes use that credential (the trigger simulator, which adds records on request) and its ids
//    (TRIG_BOT_ID, TRIG_CUSTOMER_ID).
// usage: node prepare-examples.mjs <srcDir> <outDir>
//   env SIM_BOT_ID, SIM_CUSTOMER_ID, FAKE_MODEL_CREDENTIAL_ID/_NAME, TRIGGER_CREDENTIAL_ID/_NAME, TRIG_BOT_ID, TRIG_CUSTOMER_ID
// Prints one line per workflow: "<id>\t<file>\t<manual|active>".
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
const PACKAGE = 'n8n-nodes-botpenguin-inbox.';
const TRIGGER_TYPE = `${PACKAGE}botPenguinInboxTrigger`;
mkdirSync(out, { recursive: true });

for (const file of readdirSync(src)
	.filter((f) => f.endsWith('.json'))
	.sort()) {
	const original = readFileSync(join(src, file), 'utf8');
	const active = JSON.parse(original).nodes.some((node) => node.type === TRIGGER_TYPE);
	const toTrigger = active && Boolean(TRIGGER_CREDENTIAL_ID && TRIG_BOT_ID);
	const text = original
		.replaceAll('YOUR_BOT_ID', toTrigger ? TRIG_BOT_ID : SIM_BOT_ID)
		.replaceAll('YOUR_CUSTOMER_ID', toTrigger ? TRIG_CUSTOMER_ID : SIM_CUSTOMER_ID);
	const workflow = JSON.parse(text);
	for (const node of workflow.nodes) {
		if (node.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi' && FAKE_MODEL_CREDENTIAL_ID) {
			node.credentials = {
				openAiApi: { id: FAKE_MODEL_CREDENTIAL_ID, name: FAKE_MODEL_CREDENTIAL_NAME },
			};
		}
		if (toTrigger && node.type.startsWith(PACKAGE)) {
			node.credentials = {
				botPenguinInboxApi: { id: TRIGGER_CREDENTIAL_ID, name: TRIGGER_CREDENTIAL_NAME },
			};
		}
	}
	writeFileSync(join(out, file), `${JSON.stringify(workflow, null, 2)}\n`);
	console.log(`${workflow.id}\t${file}\t${active ? 'active' : 'manual'}`);
}
