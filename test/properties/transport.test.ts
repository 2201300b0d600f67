/**
 * Properties of the transport's pure pieces: interpretResponse never throws and never repeats a secret
 * the server echoed; Retry-After parsing and the retry delay stay within their bounds; redaction,
 * the retry decision and the Base URL check hold for any input.
 */
import fc from 'fast-check';

import { checkBaseUrl } from '../../nodes/BotPenguinInbox/shared/baseUrl';
import { redact } from '../../nodes/BotPenguinInbox/shared/errors';
import { interpretResponse } from '../../nodes/BotPenguinInbox/shared/response';
import type { RawResponse } from '../../nodes/BotPenguinInbox/shared/response';
import {
	MAX_RETRY_AFTER_MS,
	formatDuration,
	isRetryable,
	parseRetryAfter,
	retryDelay,
} from '../../nodes/BotPenguinInbox/shared/retry';
import type { RetryScope } from '../../nodes/BotPenguinInbox/shared/retry';

/** Tokens as BotPenguin issues them (and as users paste them), never shorter than 8 characters. */
const secret = fc.stringMatching(/^[A-Za-z0-9._-]{8,64}$/);

const status = fc.oneof(
	fc.integer({ min: 100, max: 599 }),
	fc.constantFrom(200, 201, 204, 400, 401, 403, 404, 429, 500, 502, 503, 504),
);

const body = fc.oneof(
	fc.jsonValue(),
	fc.jsonValue().map((value) => JSON.stringify(value)),
	fc.string(),
	fc.constantFrom(
		'',
		'   ',
		'<html><body><h1>502 Bad Gateway</h1></body></html>',
		'{"success":tr',
		'null',
		'[]',
	),
	fc.record(
		{
			success: fc.oneof(fc.boolean(), fc.jsonValue()),
			message: fc.oneof(fc.string(), fc.jsonValue()),
			data: fc.oneof(fc.array(fc.jsonValue()), fc.array(fc.string()), fc.jsonValue()),
			code: fc.jsonValue(),
		},
		{ requiredKeys: [] },
	),
);

const headers = fc.option(
	fc.dictionary(
		fc.constantFrom('retry-after', 'Retry-After', 'content-type', 'x-other'),
		fc.oneof(
			fc.string(),
			fc.integer().map(String),
			fc.date({ noInvalidDate: true }).map((date) => date.toUTCString()),
			fc.array(fc.string()),
		),
	),
	{ nil: undefined },
);

const response = fc.record({ statusCode: status, headers, body }) as fc.Arbitrary<RawResponse>;

/** Puts the secret somewhere in a response body: the message, a data string, an HTML page, anywhere in raw text. */
function echoing(token: string): fc.Arbitrary<unknown> {
	const around = fc.string({ maxLength: 300 });
	return fc.oneof(
		fc
			.tuple(around, around)
			.map(([a, b]) => ({ success: false, message: `${a}${token}${b}`, code: 400 })),
		fc.tuple(around, around).map(([a, b]) => ({
			success: false,
			message: 'Validation failed',
			data: [`${a}${token}${b}`],
		})),
		fc.tuple(around, around).map(([a, b]) => ({ success: true, data: `${a}${token}${b}` })),
		fc.tuple(around, around).map(([a, b]) => ({ success: false, code: `${a}${token}${b}` })),
		fc
			.tuple(around, around)
			.map(([a, b]) => ({ success: false, code: { detail: `${a}${token}${b}` } })),
		fc
			.tuple(around, around)
			.map(
				([a, b]) => `<html><body><pre>${a}Authorization: Bearer ${token}${b}</pre></body></html>`,
			),
		fc.tuple(around, around).map(([a, b]) => `${a}${token}${b}`),
		fc.tuple(around, around).map(([a, b]) => JSON.stringify({ message: `${a}${token}${b}` })),
		fc
			.tuple(fc.string({ minLength: 100, maxLength: 200 }), around)
			.map(([a, b]) => `${a}${token}${b}`),
		fc.tuple(around).map(([a]) => [`${a}${token}`]),
	);
}

/**
 * Whether an 8-character window of the secret shows up (a cut-off token is still a leak), leaving out
 * windows that the body holds anyway, apart from the token itself.
 */
function containsPartOf(text: string, token: string, body: unknown): boolean {
	const rest = (typeof body === 'string' ? body : JSON.stringify(body)).split(token).join('\u0000');
	for (let at = 0; at + 8 <= token.length; at++) {
		const window = token.slice(at, at + 8);
		if (text.includes(window) && !rest.includes(window)) return true;
	}
	return false;
}

describe('interpretResponse', () => {
	it('never throws; ok means 2xx with a JSON object, a failure always has a message', () => {
		fc.assert(
			fc.property(response, fc.boolean(), fc.array(fc.string()), (raw, expectList, secrets) => {
				const result = interpretResponse(raw, expectList, secrets);
				if (result.ok) {
					expect(raw.statusCode).toBeGreaterThanOrEqual(200);
					expect(raw.statusCode).toBeLessThan(300);
					expect(result.envelope).toEqual(expect.any(Object));
					if (expectList) expect(Array.isArray(result.data)).toBe(true);
				} else {
					expect(result.message.trim()).not.toBe('');
					expect(result.info.status).toBe(raw.statusCode);
					if (result.info.retryAfterMs !== undefined)
						expect(result.info.retryAfterMs).toBeGreaterThanOrEqual(0);
				}
			}),
			{
				numRuns: 3000,
				// Found by this property: a `code` whose `toString` is not a function made String() throw.
				examples: [
					[{ statusCode: 200, body: '{"success":false,"code":{"toString":[]}}' }, false, []],
				],
			},
		);
	});

	it('describes any `code` of a failure envelope, objects as JSON, without throwing', () => {
		const cases: Array<[unknown, string]> = [
			[{ toString: [] }, 'code {"toString":[]}.'],
			[{ valueOf: 1, toString: null }, 'code {"valueOf":1,"toString":null}.'],
			[[1, 'two'], 'code [1,"two"].'],
			['E_LIMIT', 'code E_LIMIT.'],
			[422, 'code 422.'],
			[false, 'code false.'],
			[null, 'code none.'],
			[undefined, 'code none.'],
		];
		for (const [code, said] of cases) {
			for (const body of [{ success: false, code }, JSON.stringify({ success: false, code })]) {
				const result = interpretResponse({ statusCode: 200, body }, false, []);
				expect(result).toMatchObject({ ok: false, description: `HTTP 200, ${said}` });
			}
		}
	});

	it('never repeats the secret (or a piece of it) that the server echoed, in the message or the description', () => {
		fc.assert(
			fc.property(
				secret.chain((token) => fc.tuple(fc.constant(token), echoing(token), status, fc.boolean())),
				([token, echoed, statusCode, expectList]) => {
					const raw: RawResponse = {
						statusCode,
						headers: { 'content-type': 'text/html' },
						body: echoed,
					};
					const result = interpretResponse(raw, expectList, [` Bearer ${token} `, token]);
					if (result.ok) return;
					const texts = `${result.message}\n${result.description ?? ''}`;
					expect(texts).not.toContain(token);
					expect(containsPartOf(texts, token, echoed)).toBe(false);
				},
			),
			{ numRuns: 3000 },
		);
	});

	it('quotes what BotPenguin said when it said something', () => {
		fc.assert(
			fc.property(
				fc.stringMatching(/^[A-Za-z][A-Za-z ]{2,40}[a-z]$/),
				fc.constantFrom(200, 400, 403, 404, 422, 500, 503),
				(said, statusCode) => {
					const result = interpretResponse(
						{ statusCode, body: { success: false, message: said } },
						false,
						[],
					);
					expect(result.ok).toBe(false);
					if (!result.ok) expect(result.message).toContain(said);
				},
			),
		);
	});
});

describe('redact', () => {
	it('leaves no secret of 4 characters or more in the text', () => {
		fc.assert(
			fc.property(
				fc.array(secret, { minLength: 1, maxLength: 3 }),
				fc.array(fc.string(), { maxLength: 5 }),
				(secrets, parts) => {
					const text = parts
						.flatMap((part, index) => [part, secrets[index % secrets.length]])
						.join('');
					const clean = redact(text, secrets);
					for (const token of secrets) expect(clean).not.toContain(token);
				},
			),
		);
	});
});

describe('Retry-After and the retry delay', () => {
	it('delta-seconds become milliseconds', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 10_000_000 }),
				fc.constantFrom('', ' '),
				(seconds, pad) => {
					expect(parseRetryAfter(`${pad}${seconds}${pad}`)).toBe(seconds * 1000);
					expect(parseRetryAfter([String(seconds)])).toBe(seconds * 1000);
				},
			),
		);
	});

	it('an HTTP date becomes the time until then, never negative', () => {
		fc.assert(
			fc.property(
				fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
				fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
				(at, now) => {
					const header = at.toUTCString();
					const wholeSeconds = Math.floor(at.getTime() / 1000) * 1000;
					expect(parseRetryAfter(header, now.getTime())).toBe(
						Math.max(0, wholeSeconds - now.getTime()),
					);
				},
			),
		);
	});

	it('any other header value is undefined or a wait >= 0', () => {
		// What an HTTP client hands over for a header: a string, several strings, rarely a number.
		const headerValue = fc.oneof(
			fc.string(),
			fc.stringMatching(/^[ 0-9.:,-]{0,30}$/),
			fc.array(fc.string()),
			fc.double(),
			fc.constantFrom(
				'-5',
				'1e3',
				'0',
				'0.5',
				'Infinity',
				'9'.repeat(400),
				'Wed, 21 Oct 2015 07:28:00 GMT',
				'',
			),
		);
		fc.assert(
			fc.property(headerValue, fc.integer({ min: 0, max: 4_102_444_800_000 }), (value, now) => {
				const wait = parseRetryAfter(value, now);
				if (wait !== undefined) expect(wait).toBeGreaterThanOrEqual(0);
			}),
			{ numRuns: 2000 },
		);
	});

	it('backoff: exponential with equal jitter, capped at 15 s; Retry-After wins, capped at 60 s', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 60 }),
				fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
				fc.option(fc.oneof(fc.integer({ min: -10_000, max: 10_000_000 }), fc.constant(Infinity)), {
					nil: undefined,
				}),
				(attempt, random, retryAfterMs) => {
					const delay = retryDelay(attempt, retryAfterMs, () => random);
					if (retryAfterMs === undefined) {
						const ceiling = Math.min(15_000, 500 * 2 ** attempt);
						expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
						expect(delay).toBeLessThanOrEqual(ceiling);
					} else {
						expect(delay).toBe(Math.min(Math.max(retryAfterMs, 0), MAX_RETRY_AFTER_MS));
					}
					expect(Number.isFinite(delay)).toBe(true);
				},
			),
		);
	});

	it('the backoff never shrinks from one attempt to the next (same jitter)', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 30 }),
				fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
				(attempt, random) => {
					expect(retryDelay(attempt + 1, undefined, () => random)).toBeGreaterThanOrEqual(
						retryDelay(attempt, undefined, () => random),
					);
				},
			),
		);
	});
});

describe('isRetryable', () => {
	const scopes: RetryScope[] = ['read', 'idempotentWrite', 'write'];

	it('a plain write is retried only when a repeat cannot apply it twice, and never more than a read', () => {
		fc.assert(
			fc.property(
				fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }),
				fc.option(
					fc.constantFrom(
						'ECONNRESET',
						'ECONNREFUSED',
						'ETIMEDOUT',
						'ECONNABORTED',
						'EPIPE',
						'ENOTFOUND',
						'EAI_AGAIN',
						'EOTHER',
					),
					{
						nil: undefined,
					},
				),
				(statusCode, networkCode) => {
					const info = { status: statusCode, networkCode };
					if (isRetryable(info, 'write')) {
						expect(isRetryable(info, 'read')).toBe(true);
						expect(
							statusCode === undefined ? ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'] : [429, 503],
						).toContain(statusCode ?? networkCode);
					}
					expect(isRetryable(info, 'idempotentWrite')).toBe(isRetryable(info, 'read'));
					if (
						statusCode !== undefined &&
						(statusCode < 400 || [400, 401, 403, 404, 500].includes(statusCode))
					) {
						for (const scope of scopes) expect(isRetryable(info, scope)).toBe(false);
					}
				},
			),
		);
	});
});

describe('checkBaseUrl and formatDuration', () => {
	it('checkBaseUrl answers an origin or a problem for any text, never throws, never keeps a path or credentials', () => {
		fc.assert(
			fc.property(
				fc.oneof(
					fc.string(),
					fc.webUrl({ withQueryParameters: true, withFragments: true }),
					fc.webUrl().map((url) => url.replace(/^https?/, 'http')),
					fc.constantFrom<unknown>(
						undefined,
						null,
						42,
						true,
						' https://api.v7.botpenguin.com/ ',
						'http://localhost:5678',
						'http://127.0.0.1:1',
						'http://[::1]:8080',
					),
				),
				(raw) => {
					const result = checkBaseUrl(raw);
					if (typeof result === 'string') {
						const url = new URL(result);
						expect(result).toBe(url.origin);
						expect(url.username + url.password).toBe('');
						expect(['https:', 'http:']).toContain(url.protocol);
						if (url.protocol === 'http:')
							expect(url.hostname).toMatch(/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i);
					} else {
						expect(result.problem).not.toBe('');
					}
				},
			),
			{ numRuns: 2000 },
		);
	});

	it('formatDuration never says "0 s" for a wait or timeout that is not zero', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 86_400_000 }), (ms) => {
				const text = formatDuration(ms);
				expect(text).toMatch(/^\d+(\.\d)? (ms|s|min)$/);
				expect(text).not.toMatch(/^0 /);
			}),
		);
	});
});

describe('interpretResponse: which HTTP 400 means a rejected token', () => {
	const answer400 = (message: string): RawResponse => ({
		statusCode: 400,
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ success: false, message, code: 400 }),
	});

	it.each([
		['Invalid token', true],
		['Unauthorized access', true],
		['Unauthorised', true],
		['authtype header is missing', true],
		['Validation failed', false],
		['No bot found for this botId and customerId', false],
	])('%j → token rejected: %s', (message, rejected) => {
		const result = interpretResponse(answer400(message), false, []);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.info.tokenRejected === true).toBe(rejected);
		expect(result.message).toBe(
			rejected
				? `BotPenguin rejected the API token (HTTP 400): ${message}`
				: `BotPenguin rejected the request (HTTP 400): ${message}`,
		);
	});
});
