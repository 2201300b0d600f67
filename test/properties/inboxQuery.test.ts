/**
 * Properties of buildInboxBody (POST /inbox/users): for any set of filters with valid values the body
 * is complete, `applicableFilters` lists exactly the filters given, everything else keeps its empty
 * default, and dates are ISO 8601 UTC instants.
 */
import fc from 'fast-check';

import { InvalidInput } from '../../nodes/BotPenguinInbox/shared/errors';
import {
	INBOX_FILTERS,
	buildInboxBody,
	emptyInboxBody,
} from '../../nodes/BotPenguinInbox/shared/inboxQuery';
import type { InboxBody } from '../../nodes/BotPenguinInbox/shared/inboxQuery';

const DOCUMENTED_KEYS = [
	'searchText',
	'tags',
	'status',
	'isOnline',
	'_botWebsite',
	'_botWhatsapp',
	'_botTelegram',
	'_botFacebook',
	'_agentAssigned',
	'segments',
	'applicableFilters',
	'lastSeenAt',
	'createdAt',
	'userInteracted',
	'lastMessageBy',
	'isLiveChatActive',
	'hasOrdered',
	'page',
	'isExport',
	'isContact',
].sort();

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const word = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_ -]{0,11}[A-Za-z0-9_]$|^[A-Za-z0-9_]$/);
const objectId = fc.stringMatching(/^[0-9a-f]{24}$/);
const instant = fc.date({
	min: new Date('2000-01-01T00:00:00Z'),
	max: new Date('2099-12-31T23:59:59Z'),
	noInvalidDate: true,
});

/** A list as a user may give it: an array, or a comma-separated text with stray spaces and blanks. */
function listInput(items: fc.Arbitrary<string>, options: { unique?: boolean } = {}) {
	const list = options.unique
		? fc.uniqueArray(items, { minLength: 1, maxLength: 4 })
		: fc.array(items, { minLength: 1, maxLength: 4 });
	return list.chain((values) =>
		fc.oneof(
			fc.constant({ input: values as unknown, expected: values }),
			fc.constant({
				input: (values.map((value) => ` ${value} `).join(',') + ', ,') as unknown,
				expected: values,
			}),
			fc.constant({ input: [...values, '', '  '] as unknown, expected: values }),
		),
	);
}

const pad = (value: number, size = 2) => String(value).padStart(size, '0');

/** A date as n8n may hand it over; `expected` is the instant it means (workflow time zone UTC). */
const dateInput = instant.chain((date) => {
	const iso = date.toISOString();
	const naive = iso.replace('Z', '');
	return fc.oneof(
		fc.constant({ input: iso as unknown, expected: iso }),
		fc.constant({ input: naive as unknown, expected: iso }),
		fc.constant({ input: new Date(date) as unknown, expected: iso }),
		fc.constant({ input: { toISO: () => iso } as unknown, expected: iso }),
		fc.integer({ min: -12 * 4, max: 14 * 4 }).map((quarters) => {
			const offset = quarters * 15;
			const local = new Date(date.getTime() + offset * 60_000).toISOString().replace('Z', '');
			const sign = offset < 0 ? '-' : '+';
			const text = `${local}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
			return { input: text as unknown, expected: iso };
		}),
	);
});

const booleanInput = fc
	.boolean()
	.chain((flag) =>
		fc.constantFrom(
			{ input: flag as unknown, expected: flag },
			{ input: String(flag) as unknown, expected: flag },
		),
	);

interface Generated {
	input: unknown;
	expected: unknown;
}

/** Every filter with a generator of valid values and the value the body must then hold. */
const FILTER_VALUES: Record<string, fc.Arbitrary<Generated>> = {
	searchText: word.map((text) => ({ input: `  ${text} `, expected: text })),
	tags: listInput(word),
	status: fc
		.shuffledSubarray(['OPEN', 'INPROGRESS', 'REVIEW', 'ONHOLD', 'DEPENDANCY', 'CLOSED'], {
			minLength: 1,
		})
		.map((values) => ({ input: values, expected: values })),
	lastMessageBy: fc
		.shuffledSubarray(['agent', 'bot', 'user'], { minLength: 1 })
		.map((values) => ({ input: values, expected: values })),
	segments: listInput(objectId),
	websiteBotIds: listInput(objectId),
	whatsappBotIds: listInput(objectId),
	telegramBotIds: listInput(objectId),
	facebookBotIds: listInput(objectId),
	agentIds: listInput(objectId),
	isOnline: booleanInput,
	userInteracted: booleanInput,
	isLiveChatActive: booleanInput,
	hasOrdered: booleanInput,
	createdAfter: dateInput,
	createdBefore: dateInput,
	lastSeenAfter: dateInput,
	lastSeenBefore: dateInput,
};

/** Any subset of the filters, each with a valid value; "after" never later than "before". */
const filterSets = fc.record(FILTER_VALUES, { requiredKeys: [] }).map((chosen) => {
	const picked = chosen as Record<string, Generated>;
	for (const [after, before] of [
		['createdAfter', 'createdBefore'],
		['lastSeenAfter', 'lastSeenBefore'],
	]) {
		if (
			picked[after] &&
			picked[before] &&
			String(picked[after].expected) > String(picked[before].expected)
		) {
			[picked[after], picked[before]] = [picked[before], picked[after]];
		}
	}
	return picked;
});

function bodyValue(body: InboxBody, name: string): unknown {
	const spec = INBOX_FILTERS[name];
	const value = body[spec.key];
	if (spec.kind === 'date')
		return (value as { startAt: string; endsAt: string })[spec.end ?? 'startAt'];
	if (spec.key === 'hasOrdered') return (value as { status: boolean }).status;
	return value;
}

describe('buildInboxBody', () => {
	it('sends every documented key, lists exactly the filters given, keeps the others empty', () => {
		fc.assert(
			fc.property(filterSets, (picked) => {
				const filters = Object.fromEntries(
					Object.entries(picked).map(([name, value]) => [name, value.input]),
				);
				const body = buildInboxBody(filters, 'UTC');
				const empty = emptyInboxBody();

				expect(Object.keys(body).sort()).toEqual(DOCUMENTED_KEYS);
				const keysGiven = new Set(Object.keys(picked).map((name) => INBOX_FILTERS[name].key));
				expect(new Set(body.applicableFilters)).toEqual(keysGiven);
				expect(body.applicableFilters).toHaveLength(keysGiven.size);

				for (const key of DOCUMENTED_KEYS as (keyof InboxBody)[]) {
					if (key === 'applicableFilters' || keysGiven.has(key)) continue;
					expect({ key, value: body[key] }).toEqual({ key, value: empty[key] });
				}
				for (const [name, value] of Object.entries(picked)) {
					expect({ name, value: bodyValue(body, name) }).toEqual({ name, value: value.expected });
				}
				// The half of a date range not given stays "".
				for (const range of ['createdAt', 'lastSeenAt'] as const) {
					for (const end of ['startAt', 'endsAt'] as const) {
						const text = body[range][end];
						expect(text === '' || ISO_UTC.test(text)).toBe(true);
					}
				}
				expect(body.page).toBe(1);
				expect(body.isExport).toBe('none');
				expect(body.isContact).toBe(true);
				expect(body.hasOrdered.lastAt).toBe('');
			}),
			{ numRuns: 500 },
		);
	});

	it('does not depend on the order of the filters', () => {
		fc.assert(
			fc.property(filterSets, fc.infiniteStream(fc.nat()), (picked, stream) => {
				const entries = Object.entries(picked).map(([name, value]) => [name, value.input] as const);
				const shuffled = [...entries].sort(() => (stream.next().value % 3) - 1);
				const a = buildInboxBody(Object.fromEntries(entries), 'UTC');
				const b = buildInboxBody(Object.fromEntries(shuffled), 'UTC');
				expect({ ...b, applicableFilters: [...b.applicableFilters].sort() }).toEqual({
					...a,
					applicableFilters: [...a.applicableFilters].sort(),
				});
			}),
			{ numRuns: 200 },
		);
	});

	it('reads dates without an offset in the workflow time zone and always answers in UTC', () => {
		const zones: [string, number][] = [
			['UTC', 0],
			['Asia/Kolkata', 330],
			['Asia/Kathmandu', 345],
			['Asia/Tokyo', 540],
			['America/Bogota', -300],
			['Pacific/Honolulu', -600],
		];
		fc.assert(
			fc.property(instant, fc.constantFrom(...zones), (date, [zone, offsetMinutes]) => {
				const wallClock = date.toISOString().replace('Z', '');
				const body = buildInboxBody({ createdAfter: wallClock }, zone);
				expect(body.createdAt.startAt).toMatch(ISO_UTC);
				expect(Date.parse(body.createdAt.startAt)).toBe(date.getTime() - offsetMinutes * 60_000);
				// A value with an offset is an instant, whatever the workflow's zone.
				expect(buildInboxBody({ createdAfter: date.toISOString() }, zone).createdAt.startAt).toBe(
					date.toISOString(),
				);
			}),
			{ numRuns: 300 },
		);
	});

	it('rejects a filter added without a value, an unknown filter or a reversed range with InvalidInput only', () => {
		const names = Object.keys(INBOX_FILTERS);
		fc.assert(
			fc.property(
				fc.constantFrom(...names),
				fc.constantFrom<unknown>('', '   ', [], [' ', ''], null, undefined, ','),
				(name, blank) => {
					// A comma is text for Search Text, a blank list for the list filters.
					fc.pre(!(INBOX_FILTERS[name].kind === 'text' && (blank === ',' || Array.isArray(blank))));
					expect(() => buildInboxBody({ [name]: blank })).toThrow(InvalidInput);
				},
			),
		);
		fc.assert(
			fc.property(
				fc.string().filter((name) => !(name in INBOX_FILTERS)),
				fc.anything(),
				(name, value) => {
					expect(() => buildInboxBody({ [name]: value })).toThrow(InvalidInput);
				},
			),
		);
		fc.assert(
			fc.property(instant, instant, (a, b) => {
				fc.pre(a.getTime() !== b.getTime());
				const [early, late] = a < b ? [a, b] : [b, a];
				expect(() =>
					buildInboxBody({ createdAfter: late.toISOString(), createdBefore: early.toISOString() }),
				).toThrow(InvalidInput);
			}),
		);
	});

	it('never throws anything but InvalidInput, whatever the values', () => {
		const names = Object.keys(INBOX_FILTERS);
		// Parameter values n8n can hand over. Left out: objects whose own `toString` is not a function
		// (String() itself throws for {"toString": 0}); no parameter or expression yields those in practice.
		const printable = (value: unknown): boolean => {
			try {
				String(value);
				return Array.isArray(value) ? value.every(printable) : true;
			} catch {
				return false;
			}
		};
		fc.assert(
			fc.property(
				fc.dictionary(fc.constantFrom(...names), fc.anything().filter(printable)),
				fc.constantFrom('UTC', 'Europe/Berlin', 'Not/AZone', ''),
				(filters, zone) => {
					try {
						const body = buildInboxBody(filters, zone);
						expect(Object.keys(body).sort()).toEqual(DOCUMENTED_KEYS);
					} catch (error) {
						expect(error).toBeInstanceOf(InvalidInput);
					}
				},
			),
			{ numRuns: 1000 },
		);
	});
});
