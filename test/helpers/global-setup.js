/**
 * One n8n user folder for the whole Jest run (n8n-core writes a config with an encryption key there),
 * created before the workers start and removed by global-teardown.js.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async function globalSetup() {
	if (process.env.N8N_USER_FOLDER) return;
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-n8n-'));
	process.env.N8N_USER_FOLDER = folder;
	process.env.BP_TEST_OWN_USER_FOLDER = folder;
};
