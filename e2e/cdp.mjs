// Minimal Chrome DevTools Protocol client for headless Chromium (Node 24: global WebSocket + fetch).
// No puppeteer/playwright: their browser downloads do not work on this network, Debian's chromium does.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function launchChromium({ width = 1600, height = 1000 } = {}) {
	const profile = mkdtempSync(join(tmpdir(), 'bp-e2e-chromium-'));
	const chrome = spawn(
		process.env.CHROMIUM || 'chromium',
		[
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-dev-shm-usage',
			'--no-first-run',
			// the machine's network is closed: no background connections, no component updates, no sync
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--disable-quic',
			'--remote-debugging-port=0',
			'--remote-allow-origins=*',
			`--window-size=${width},${height}`,
			`--user-data-dir=${profile}`,
			'about:blank',
		],
		{ stdio: 'ignore' },
	);
	const close = () => {
		chrome.kill('SIGTERM');
		setTimeout(() => rmSync(profile, { recursive: true, force: true }), 500);
	};
	try {
		// With port 0, Chromium writes the port it chose to DevToolsActivePort in the profile.
		let port;
		for (let i = 0; i < 100 && !port; i++) {
			try {
				port = Number(readFileSync(join(profile, 'DevToolsActivePort'), 'utf8').split('\n')[0]);
			} catch {
				await sleep(100);
			}
		}
		if (!port) throw new Error('chromium did not start (no DevToolsActivePort after 10 s)');
		let page;
		for (let i = 0; i < 50 && !page; i++) {
			try {
				page = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()).find(
					(t) => t.type === 'page',
				);
			} catch {
				await sleep(100);
			}
		}
		if (!page) throw new Error('no page target in chromium');
		const session = await connect(page.webSocketDebuggerUrl);
		await session.send('Emulation.setDeviceMetricsOverride', {
			width,
			height,
			deviceScaleFactor: 1,
			mobile: false,
		});
		await session.send('Page.enable');
		await session.send('Runtime.enable');
		return { ...session, close: () => (session.ws.close(), close()) };
	} catch (error) {
		close();
		throw error;
	}
}

async function connect(url) {
	const ws = new WebSocket(url);
	await new Promise((resolve, reject) => {
		ws.addEventListener('open', resolve, { once: true });
		ws.addEventListener('error', reject, { once: true });
	});
	let lastId = 0;
	const pending = new Map();
	const consoleErrors = [];
	ws.addEventListener('message', (event) => {
		const msg = JSON.parse(event.data);
		if (msg.id && pending.has(msg.id)) {
			pending.get(msg.id)(msg);
			pending.delete(msg.id);
		} else if (msg.method === 'Page.javascriptDialogOpening') {
			// e.g. the editor's "leave without saving?" on navigation: accept, the checks never save.
			ws.send(
				JSON.stringify({
					id: ++lastId,
					method: 'Page.handleJavaScriptDialog',
					params: { accept: true },
				}),
			);
		} else if (msg.method === 'Runtime.exceptionThrown') {
			consoleErrors.push(
				msg.params.exceptionDetails?.exception?.description ?? msg.params.exceptionDetails?.text,
			);
		}
	});
	const send = (method, params = {}, timeoutMs = 30_000) =>
		new Promise((resolve, reject) => {
			const id = ++lastId;
			const timer = setTimeout(() => {
				pending.delete(id);
				reject(new Error(`CDP ${method} timed out`));
			}, timeoutMs);
			pending.set(id, (msg) => {
				clearTimeout(timer);
				if (msg.error) reject(new Error(`CDP ${method}: ${msg.error.message}`));
				else resolve(msg.result);
			});
			ws.send(JSON.stringify({ id, method, params }));
		});
	/** Evaluate an expression (or a function source + args) in the page; returns its JSON value. */
	const evaluate = async (fn, ...args) => {
		const expression = typeof fn === 'function' ? `(${fn})(...${JSON.stringify(args)})` : fn;
		const result = await send('Runtime.evaluate', {
			expression,
			awaitPromise: true,
			returnByValue: true,
		});
		if (result.exceptionDetails) {
			throw new Error(
				`page: ${result.exceptionDetails.exception?.description ?? result.exceptionDetails.text}`,
			);
		}
		return result.result?.value;
	};
	/** Poll a page function until it returns something truthy (bounded). */
	const waitFor = async (what, fn, args = [], timeoutMs = 20_000) => {
		const end = Date.now() + timeoutMs;
		let value;
		while (Date.now() < end) {
			value = await evaluate(fn, ...args).catch(() => undefined);
			if (value) return value;
			await sleep(200);
		}
		throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
	};
	const navigate = async (url) => {
		await send('Page.navigate', { url });
	};
	const screenshot = async () =>
		Buffer.from((await send('Page.captureScreenshot', { format: 'png' })).data, 'base64');
	/** A real mouse click at the centre of the first element matching the selector. */
	const click = async (selector, { text } = {}) => {
		const box = await evaluate(
			(sel, txt) => {
				const el = [...document.querySelectorAll(sel)].find(
					(e) => e.getClientRects().length && (!txt || e.textContent.trim() === txt),
				);
				if (!el) return null;
				el.scrollIntoView({ block: 'center' });
				const r = el.getBoundingClientRect();
				return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
			},
			selector,
			text ?? null,
		);
		if (!box)
			throw new Error(`nothing visible matches ${selector}${text ? ` with text "${text}"` : ''}`);
		for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased']) {
			await send('Input.dispatchMouseEvent', {
				type,
				x: box.x,
				y: box.y,
				button: 'left',
				clickCount: 1,
			});
		}
	};
	const pressKey = async (key) => {
		await send('Input.dispatchKeyEvent', {
			type: 'keyDown',
			key,
			code: key,
			windowsVirtualKeyCode: key === 'Escape' ? 27 : 0,
		});
		await send('Input.dispatchKeyEvent', {
			type: 'keyUp',
			key,
			code: key,
			windowsVirtualKeyCode: key === 'Escape' ? 27 : 0,
		});
	};
	return { ws, send, evaluate, waitFor, navigate, screenshot, click, pressKey, consoleErrors };
}
