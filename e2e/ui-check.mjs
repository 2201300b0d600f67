// Editor UI checks in a real n8n, driven through headless Chromium (called by e2e/ui.sh; Node 24).
// Opens the BotPenguin Inbox node's parameter panel (NDV) for every resource and checks what a user sees.
// Env: N8N_URL, OWNER_EMAIL, OWNER_PASSWORD, SCREENSHOTS (folder), SIM_URL + SIM_TOKEN (to know the segments).
// Prints "PASS|FAIL ui: <what>" per check, then "N passed, M failed"; exit code 1 on any failure.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchChromium, sleep } from './cdp.mjs';

const { N8N_URL, OWNER_EMAIL, OWNER_PASSWORD, SCREENSHOTS, SIM_URL, SIM_TOKEN } = process.env;
const EXAMPLES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples');
const UI_WORKFLOW = 'bpInboxUiCheck01'; // e2e/ui-workflow.json
const NODES = {
	segments: `${UI_WORKFLOW}/6de2e0cf-d2ef-42e2-89f2-c18a944749e6`,
	contacts: `${UI_WORKFLOW}/f0721289-775a-4ed3-a8bb-539b849f7530`,
	chats: `${UI_WORKFLOW}/0a279aba-d92a-4bff-b797-474f322639e7`,
	leadUpdate: `${UI_WORKFLOW}/4076f7d3-a735-40b4-abe1-ca45d3d47759`,
	contactUpsert: 'bpInboxExample01/1ec4ea8b-8310-4c25-91ad-7164adb0d1aa', // examples/01-form-to-contact.json
};

let passed = 0;
let failed = 0;
const assert = (condition, message) => {
	if (!condition) throw new Error(message);
};
const missing = (expected, actual) => expected.filter((x) => !actual.includes(x));

mkdirSync(SCREENSHOTS, { recursive: true });
const browser = await launchChromium();

async function screenshot(name) {
	await sleep(400); // dropdowns and panels fade in
	const png = await browser.screenshot().catch(() => undefined);
	if (png) writeFileSync(join(SCREENSHOTS, `${name}.png`), png);
}

async function check(what, fn, shot) {
	try {
		const detail = await fn();
		passed++;
		console.log(`PASS ui: ${what}${detail ? ` (${detail})` : ''}`);
	} catch (error) {
		failed++;
		console.log(`FAIL ui: ${what}: ${error.message}`);
		shot = shot ?? `fail-${passed + failed}`;
	}
	if (shot) await screenshot(shot);
}

// ---------------------------------------------------------------------------------------------
// Page helpers (run inside the page)

/** Labels of the visible parameters in the open node panel, top to bottom. */
const visibleLabels = () =>
	browser.evaluate(() =>
		[
			...document.querySelectorAll(
				'[data-test-id="node-parameters"] [data-test-id="parameter-item"]',
			),
		]
			.filter((item) => item.getClientRects().length)
			.map((item) =>
				item.querySelector('[data-test-id="input-label"]')?.innerText.split('\n')[0].trim(),
			)
			.filter(Boolean),
	);
const visibleOptions = () =>
	browser.evaluate(() =>
		[...document.querySelectorAll('li.el-select-dropdown__item')]
			.filter((li) => li.getClientRects().length)
			.map((li) => li.textContent.trim()),
	);
const parameterVisible = (name) =>
	browser.evaluate(
		(n) =>
			!!document
				.querySelector(`[data-test-id="node-parameters"] [data-test-id="parameter-input-${n}"]`)
				?.getClientRects().length,
		name,
	);

/** Open the "Add …" dropdown of a collection parameter (by its label) and return the offered options. */
async function openCollectionAdd(label) {
	const index = await browser.evaluate((l) => {
		const items = [
			...document.querySelectorAll(
				'[data-test-id="node-parameters"] [data-test-id="parameter-item"]',
			),
		].filter(
			(item) =>
				item.getClientRects().length &&
				item.querySelector('[data-test-id="collection-parameter-add"]'),
		);
		return items.findIndex(
			(item) =>
				item.querySelector('[data-test-id="input-label"]')?.innerText.split('\n')[0].trim() === l,
		);
	}, label);
	assert(index >= 0, `no collection "${label}" with an Add button`);
	await browser.evaluate((i) => {
		const adds = [
			...document.querySelectorAll(
				'[data-test-id="node-parameters"] [data-test-id="collection-parameter-add"]',
			),
		].filter((el) => el.getClientRects().length);
		adds[i].setAttribute('data-e2e-target', 'add');
	}, index);
	await browser.click('[data-e2e-target="add"]');
	await browser.evaluate(() =>
		document.querySelector('[data-e2e-target="add"]')?.removeAttribute('data-e2e-target'),
	);
	return browser.waitFor(`the options of "${label}"`, () => {
		const items = [...document.querySelectorAll('li.el-select-dropdown__item')].filter(
			(li) => li.getClientRects().length,
		);
		return items.length ? items.map((li) => li.textContent.trim()) : null;
	});
}

async function closeDropdowns() {
	await browser.pressKey('Escape');
	await sleep(300);
}

async function openNode(path) {
	await browser.navigate(`${N8N_URL}/workflow/${path}`);
	await browser.waitFor('the node panel', () =>
		[
			...document.querySelectorAll(
				'[data-test-id="node-parameters"] [data-test-id="parameter-input-resource"]',
			),
		].some((e) => e.getClientRects().length),
	);
	await sleep(800); // let the panel finish its opening animation (for the screenshots)
}

async function toggleReturnAllHidesLimit() {
	assert(await parameterVisible('limit'), 'Limit is not shown while Return All is off');
	await browser.click(
		'[data-test-id="node-parameters"] [data-test-id="parameter-input-returnAll"] .el-switch',
	);
	await browser.waitFor(
		'Limit to disappear',
		() =>
			!document
				.querySelector('[data-test-id="node-parameters"] [data-test-id="parameter-input-limit"]')
				?.getClientRects().length,
		[],
		5000,
	);
}

// ---------------------------------------------------------------------------------------------
try {
	await check('log in as the owner', async () => {
		await browser.navigate(`${N8N_URL}/signin`);
		await browser.waitFor('the sign-in page', () => !!localStorage.getItem('n8n-browserId'));
		// The auth cookie is bound to the browser id, so the login must come from the page itself.
		const status = await browser.evaluate(
			async (email, password) =>
				(
					await fetch('/rest/login', {
						method: 'POST',
						credentials: 'include',
						headers: {
							'content-type': 'application/json',
							'browser-id': localStorage.getItem('n8n-browserId') || '',
						},
						body: JSON.stringify({ emailOrLdapLoginId: email, password }),
					})
				).status,
			OWNER_EMAIL,
			OWNER_PASSWORD,
		);
		assert(status === 200, `POST /rest/login answered ${status}`);
	});

	await check(
		'the workflow canvas shows the BotPenguin Inbox nodes',
		async () => {
			await browser.navigate(`${N8N_URL}/workflow/${UI_WORKFLOW}`);
			const names = await browser.waitFor('5 canvas nodes', () => {
				const nodes = [...document.querySelectorAll('[data-test-id="canvas-node"]')];
				return nodes.length === 5
					? nodes.map((n) => n.getAttribute('data-node-name') ?? n.innerText.split('\n')[0].trim())
					: null;
			});
			await sleep(1000);
			const subtitles = await browser.evaluate(
				() => document.querySelector('[data-test-id="canvas"]').innerText,
			);
			assert(
				/getAll: contact/.test(subtitles),
				`no "getAll: contact" subtitle on the canvas: ${subtitles}`,
			);
			return names.join(', ');
		},
		'01-canvas',
	);

	await check(
		'segment → Get Many: Return All, Limit, Options; Limit hides when Return All is on',
		async () => {
			await openNode(NODES.segments);
			const labels = await visibleLabels();
			const absent = missing(['Resource', 'Operation', 'Return All', 'Limit', 'Options'], labels);
			assert(!absent.length, `missing ${absent.join(', ')} in [${labels.join(', ')}]`);
			const credential = await browser.evaluate(
				() => document.querySelector('[data-test-id="node-credentials-select"] input')?.value,
			);
			assert(
				credential === 'BotPenguin Inbox (simulator)',
				`credential field shows "${credential}"`,
			);
			await screenshot('02-segment-getAll');
			await toggleReturnAllHidesLimit();
			return labels.join(', ');
		},
		'03-segment-returnAll-on',
	);

	let contactLabels = [];
	await check(
		'contact → Get Many: Return All, Limit, Simplify, Filters, Options',
		async () => {
			await openNode(NODES.contacts);
			contactLabels = await visibleLabels();
			const absent = missing(
				['Resource', 'Operation', 'Return All', 'Limit', 'Simplify', 'Filters', 'Options'],
				contactLabels,
			);
			assert(!absent.length, `missing ${absent.join(', ')} in [${contactLabels.join(', ')}]`);
			return contactLabels.join(', ');
		},
		'04-contact-getAll',
	);

	await check('contact → Get Many: "Add Filter" offers every filter', async () => {
		const offered = await openCollectionAdd('Filters');
		const expected = [
			'Agent IDs',
			'Created After',
			'Created Before',
			'Facebook Bot IDs',
			'Has Ordered',
			'Is Live Chat Active',
			'Is Online',
			'Last Message By',
			'Last Seen After',
			'Last Seen Before',
			'Search Text',
			'Segment Names or IDs',
			'Status',
			'Tags',
			'Telegram Bot IDs',
			'User Interacted',
			'Website Bot IDs',
			'WhatsApp Bot IDs',
		];
		const absent = missing(expected, offered);
		assert(!absent.length, `missing ${absent.join(', ')} in [${offered.join(', ')}]`);
		await screenshot('05-contact-filters');
		return `${offered.length} filters`;
	});

	await check(
		"contact → Get Many: the Segments filter lists the simulator's segments",
		async () => {
			const segments = (
				await (
					await fetch(`${SIM_URL}/inbox/segments`, {
						headers: { Authorization: `Bearer ${SIM_TOKEN}`, authtype: 'Key' },
					})
				).json()
			).data.map((s) => s.segmentName);
			assert(segments.length, 'the simulator has no segments');
			await browser.click('li.el-select-dropdown__item', { text: 'Segment Names or IDs' });
			await browser.waitFor(
				'the Segments filter',
				() =>
					!!document
						.querySelector(
							'[data-test-id="node-parameters"] [data-test-id="parameter-input-segments"]',
						)
						?.getClientRects().length,
			);
			await closeDropdowns();
			// The select opens on click once its options request is done; retry a missed click a few times.
			let offered;
			for (let attempt = 1; !offered; attempt++) {
				await browser.click(
					'[data-test-id="node-parameters"] [data-test-id="parameter-input-segments"] .el-select',
				);
				offered = await browser
					.waitFor(
						'the segment options (loadOptions → GET /inbox/segments)',
						(names) => {
							const items = [...document.querySelectorAll('li.el-select-dropdown__item')]
								.filter((li) => li.getClientRects().length)
								.map((li) => li.textContent.trim());
							return names.every((n) => items.includes(n)) ? items : null;
						},
						[segments],
						attempt < 3 ? 6000 : 15000,
					)
					.catch((error) => {
						if (attempt >= 3) throw error;
					});
				if (!offered) await closeDropdowns();
			}
			await screenshot('06-contact-segments-dropdown');
			await closeDropdowns();
			return offered.join(', ');
		},
	);

	await check(
		'contact → Get Many: Limit hides when Return All is on',
		async () => {
			await toggleReturnAllHidesLimit();
		},
		'07-contact-returnAll-on',
	);

	await check(
		'chat → Get Many: Bot ID, Customer ID, Return All, Limit, Simplify, Options',
		async () => {
			await openNode(NODES.chats);
			const labels = await visibleLabels();
			const absent = missing(
				[
					'Resource',
					'Operation',
					'Bot ID',
					'Customer ID',
					'Return All',
					'Limit',
					'Simplify',
					'Options',
				],
				labels,
			);
			assert(!absent.length, `missing ${absent.join(', ')} in [${labels.join(', ')}]`);
			await toggleReturnAllHidesLimit();
			return labels.join(', ');
		},
		'08-chat-getAll',
	);

	await check(
		'lead → Update: UUID, Bot ID, Customer ID and every Update Field',
		async () => {
			await openNode(NODES.leadUpdate);
			const labels = await visibleLabels();
			const absent = missing(
				['Resource', 'Operation', 'UUID', 'Bot ID', 'Customer ID', 'Update Fields'],
				labels,
			);
			assert(!absent.length, `missing ${absent.join(', ')} in [${labels.join(', ')}]`);
			const offered = await openCollectionAdd('Update Fields');
			const expected = [
				'Agent ID',
				'Attributes',
				'Dial Code',
				'Email',
				'Name',
				'Notes',
				'Phone',
				'Picture',
				'Status',
				'Tags',
			];
			const absentFields = missing(expected, offered);
			assert(
				!absentFields.length,
				`Update Fields lacks ${absentFields.join(', ')} in [${offered.join(', ')}]`,
			);
			return offered.join(', ');
		},
		'09-lead-update',
	);

	// Issue 12: the UUID of Lead → Update is a resource locator whose From List reads the bot's leads.
	await check(
		"lead → Update: the UUID locator's From List shows the bot's leads, and its search narrows them",
		async () => {
			await closeDropdowns();
			await openNode(NODES.leadUpdate);
			const ids = await browser.evaluate(() =>
				['botId', 'customerId'].map(
					(name) =>
						document.querySelector(
							`[data-test-id="node-parameters"] [data-test-id="parameter-input-${name}"] input`,
						)?.value,
				),
			);
			const leads = (
				await (
					await fetch(
						`${SIM_URL}/inbox/direct/chats?botId=${ids[0]}&customerId=${ids[1]}&page=1&type=lead`,
						{
							headers: {
								Authorization: `Bearer ${SIM_TOKEN}`,
								authtype: 'Key',
								'x-bot-token': SIM_TOKEN,
							},
						},
					)
				).json()
			).data.map((lead) => lead.profile.userDetails.name);
			assert(leads.length, `the simulator has no leads for bot ${ids[0]}`);
			await browser.click('[data-test-id="parameter-input-uuid"] [data-test-id="rlc-input"]');
			const shown = await browser.waitFor(
				'the leads in From List (listSearch → GET /inbox/direct/chats)',
				(names) => {
					const items = [...document.querySelectorAll('[data-test-id="rlc-item"]')]
						.filter((item) => item.getClientRects().length)
						.map((item) => item.textContent.trim());
					return names.every((name) => items.some((item) => item.startsWith(name))) ? items : null;
				},
				[leads],
				20000,
			);
			await screenshot('09b-lead-update-locator-list');
			const needle = leads[0].split(' ')[1];
			// The search box of the dropdown has the focus once the list is open; click it to be sure.
			await browser.click('[data-test-id="rlc-search"]');
			await browser.send('Input.insertText', { text: needle });
			const narrowed = await browser.waitFor(
				`the leads matching "${needle}"`,
				(text) => {
					const items = [...document.querySelectorAll('[data-test-id="rlc-item"]')]
						.filter((item) => item.getClientRects().length)
						.map((item) => item.textContent.trim());
					return items.length &&
						items.every((item) => item.toLowerCase().includes(text.toLowerCase()))
						? items
						: null;
				},
				[needle],
				20000,
			);
			assert(narrowed.length < shown.length, `search "${needle}" did not narrow the list`);
			await screenshot('09c-lead-update-locator-search');
			await closeDropdowns();
			return `${shown.length} leads listed; "${needle}" → ${narrowed.join(' | ')}`;
		},
	);

	await check(
		'contact → Create or Update (example 01): Contacts From, Phone, Name, Additional Fields, Options',
		async () => {
			await closeDropdowns();
			await openNode(NODES.contactUpsert);
			const labels = await visibleLabels();
			const absent = missing(
				['Resource', 'Operation', 'Contacts From', 'Phone', 'Name', 'Additional Fields', 'Options'],
				labels,
			);
			assert(!absent.length, `missing ${absent.join(', ')} in [${labels.join(', ')}]`);
			return labels.join(', ');
		},
		'10-contact-upsert',
	);

	for (const file of readdirSync(EXAMPLES_DIR)
		.filter((f) => f.endsWith('.json'))
		.sort()) {
		const workflow = JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8'));
		const expected = workflow.nodes.map((n) => n.name);
		await check(
			`example ${file} opens in the editor with all ${expected.length} nodes`,
			async () => {
				await browser.navigate(`${N8N_URL}/workflow/${workflow.id}`);
				const shown = await browser.waitFor(
					`the canvas of ${workflow.id}`,
					(count) => {
						const names = [...document.querySelectorAll('[data-test-id="canvas-node"]')].map(
							(n) =>
								n.getAttribute('data-node-name') ??
								n.querySelector('[data-node-name]')?.getAttribute('data-node-name'),
						);
						return names.length >= count ? names : null;
					},
					[expected.filter((n) => !/^Sticky Note/.test(n)).length],
				);
				const unknown = await browser.evaluate(() =>
					document.body.innerText.includes('Install this node'),
				);
				assert(!unknown, 'the canvas shows an unknown ("Install this node") node');
				const absent = missing(
					expected.filter((n) => !/^Sticky Note/.test(n)),
					shown,
				);
				assert(
					!absent.length,
					`nodes not on the canvas: ${absent.join(', ')} (shown: ${shown.join(', ')})`,
				);
			},
			`11-${file.replace(/\.json$/, '')}`,
		);
	}
} finally {
	browser.close();
}

if (browser.consoleErrors.length)
	console.log(`(page exceptions seen: ${browser.consoleErrors.slice(0, 3).join(' | ')})`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
