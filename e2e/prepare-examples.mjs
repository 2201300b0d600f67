// Copy examples/*.json into a run folder, adapted to the local test servers:
//  - YOUR_BOT_ID / YOUR_CUSTOMER_ID placeholders (what users edit) → the simulator's bot and customer ids;
//  - OpenAI Chat Model nodes (no credential in the examples: users pick their own) → the fake model's
//    credential, so the AI Agent example runs without a real model.
// usage: node prepare-examples.mjs <examplesDir> <outDir>   (env SIM_BOT_ID, SIM_CUSTOMER_ID, FAKE_MODEL_CREDENTIAL_ID/_NAME)
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [src, out] = process.argv.slice(2);
const {
	SIM_BOT_ID = '',
	SIM_CUSTOMER_ID = '',
	FAKE_MODEL_CREDENTIAL_ID,
	FAKE_MODEL_CREDENTIAL_NAME,
} = process.env;
mkdirSync(out, { recursive: true });

for (const file of readdirSync(src)
	.filter((f) => f.endsWith('.json'))
	.sort()) {
	const text = readFileSync(join(src, file), 'utf8')
		.replaceAll('YOUR_BOT_ID', SIM_BOT_ID)
		.replaceAll('YOUR_CUSTOMER_ID', SIM_CUSTOMER_ID);
	const workflow = JSON.parse(text);
	for (const node of workflow.nodes) {
		if (node.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi' && FAKE_MODEL_CREDENTIAL_ID) {
			node.credentials = {
				openAiApi: { id: FAKE_MODEL_CREDENTIAL_ID, name: FAKE_MODEL_CREDENTIAL_NAME },
			};
		}
	}
	writeFileSync(join(out, file), `${JSON.stringify(workflow, null, 2)}\n`);
	console.log(`${workflow.id}\t${file}`);
}
