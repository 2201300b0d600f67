/** Removes the n8n user folder global-setup.js created (and only that one). */
const fs = require('node:fs');

module.exports = async function globalTeardown() {
	const folder = process.env.BP_TEST_OWN_USER_FOLDER;
	if (folder) fs.rmSync(folder, { recursive: true, force: true });
};
