/**
 * The credential's Base URL rule, shared by the node and the credential's own `authenticate` (which
 * imports nothing else from the node, so this module has no imports).
 */

export const DEFAULT_BASE_URL = 'https://api.v7.botpenguin.com';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The credential's Base URL must be a bare https origin (http only for this machine, for tests and
 * local proxies): a path, query or user:password in it would be sent along with the token.
 */
export function checkBaseUrl(raw: unknown): string | { problem: string } {
	const text = String(raw ?? '').trim() || DEFAULT_BASE_URL;
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return { problem: `"${text}" is not a URL` };
	}
	if (url.username || url.password) return { problem: 'it contains a user name or password' };
	if (url.search || url.hash) return { problem: 'it contains a query string or fragment' };
	if (url.pathname !== '/' && url.pathname !== '')
		return { problem: `it contains a path (${url.pathname})` };
	if (url.protocol === 'https:') return url.origin;
	if (url.protocol === 'http:' && LOOPBACK.test(url.hostname)) return url.origin;
	return {
		problem: `it must start with https:// (http:// is only accepted for localhost), not ${url.protocol}//`,
	};
}
