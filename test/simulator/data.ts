/**
 * Deterministic seed data for the BotPenguin Inbox API simulator.
 *
 * Everything is derived from a fixed seed through a small PRNG (never Math.random), so two
 * simulators started with the same options hold byte-identical data. Shapes follow the
 * project's API notes (../shared/botpenguin-api.md): contacts = §7 (the POST /inbox/users
 * object), chats and leads = §5.2, segments = §5.1.
 *
 * Ordering invariant: `generateDataset` returns contacts and chats sorted newest `createdAt`
 * first with strictly decreasing timestamps, which is the order the listing endpoints answer in.
 * Records created later (imports, new leads) are newer than anything generated, so the
 * simulator keeps the invariant by prepending them.
 */

export type ChatStatus = 'OPEN' | 'INPROGRESS' | 'REVIEW' | 'ONHOLD' | 'DEPENDANCY' | 'CLOSED';
/** The chat/lead status enum, spelled as the API spells it (DEPENDANCY included). */
export const CHAT_STATUSES: readonly ChatStatus[] = [
	'OPEN',
	'INPROGRESS',
	'REVIEW',
	'ONHOLD',
	'DEPENDANCY',
	'CLOSED',
];

export type MessageAuthor = 'bot' | 'user' | 'agent';
export type Channel = 'website' | 'whatsapp' | 'telegram' | 'facebook';

export interface Phone {
	number: string;
	prefix: string;
}

export interface Attribute {
	key: string;
	value: string;
}

export interface Contact {
	_id: string;
	_customer: string;
	platform: string[];
	/** OPEN … CLOSED for live contacts; `PUT /inbox/users/status-update` can set anything (DELETED hides it). */
	status: string;
	isContact: true;
	isImported: boolean;
	isOnline: boolean;
	userInteracted: boolean;
	isLiveChatActive: boolean;
	hasOrdered: { status: boolean; lastAt: string };
	segments: string[];
	/** Bots (24-hex ids) the contact talked to on each channel, and the agents assigned to it. */
	_botWebsite: string[];
	_botWhatsapp: string[];
	_botTelegram: string[];
	_botFacebook: string[];
	_agentAssigned: string[];
	profile: {
		userDetails: {
			userProvidedName: string;
			contact: { email: string; phone: Phone };
			country: string;
			whatsAppNumber?: string;
			tags: string[];
			attributes: Attribute[];
		};
	};
	/** Absent on imported contacts that never exchanged a message. */
	lastMessage?: { by: MessageAuthor; at: string };
	lastSeenAt: string;
	createdAt: string;
	updatedAt: string;
	__v: number;
}

export interface Note {
	title: string;
	description: string;
	_id: string;
}

export interface Chat {
	_id: string;
	uuid: string;
	/** Simulator bookkeeping: lead or non-lead chat. Not part of the API answer. */
	isLead: boolean;
	isOnline: boolean;
	status: ChatStatus;
	websiteVisits: number;
	/** Agent id, or '' when the chat is unassigned. */
	_agentAssigned: string;
	lastMessage: { at: string; by: MessageAuthor; text: string };
	createdAt: string;
	updatedAt: string;
	lastSeenAt: string;
	profile: {
		notes: Note[];
		userDetails: {
			name: string;
			picture: string;
			contact: { email: string; phone: Phone };
			city: string;
			country: string;
			gender: string;
			tags: string[];
			attributes: Attribute[];
		};
	};
}

export interface Segment {
	_id: string;
	_customer: string;
	segmentName: string;
	createdAt: string;
	updatedAt: string;
	__v: number;
}

/** Ids of the things contacts and chats point at. */
export interface ReferenceIds {
	customerId: string;
	/** The bot whose chats `GET /inbox/direct/chats` lists (also the first website bot). */
	botId: string;
	bots: Record<Channel, string[]>;
	agentIds: string[];
	segmentIds: string[];
}

export interface DatasetSizes {
	contacts: number;
	chats: number;
	leads: number;
}

export interface Dataset {
	refs: ReferenceIds;
	segments: Segment[];
	contacts: Contact[];
	/** Leads and non-lead chats of `refs.botId` in one newest-first array, told apart by `isLead`. */
	chats: Chat[];
	/** Continues the id sequences, so records made later (imports, endless pages) never collide. */
	factory: RecordFactory;
}

/** What an import element carries once validated (see the import endpoint). */
export interface ImportedDetails {
	name?: string;
	email?: string;
	phone: Phone;
	tags: string[];
	attributes: Attribute[];
}

const SEED = 0x5eed_b07;
/** The generated history ends here; anything the simulator creates at run time is newer. */
const TIMELINE_END_MS = Date.UTC(2025, 5, 30, 12, 0, 0);
const TIMELINE_SPAN_MS = 2 * 365 * 24 * 3600 * 1000;
const REFERENCE_CREATED_MS = TIMELINE_END_MS - TIMELINE_SPAN_MS - 30 * 24 * 3600 * 1000;

// Hot paths use these module-level bindings: inside Jest's vm sandbox every lookup of a global
// such as `Math` or `Date` goes through the context's interceptors and made generating 50,000
// contacts several times slower.
const { imul, floor, max } = Math;
const scratchDate = new Date(0);

/** mulberry32: tiny, fast and good enough for test data. */
export class Rng {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	/** Uniform in [0, 1). */
	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = imul(t ^ (t >>> 15), t | 1);
		t ^= t + imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** Integer in [0, maxExclusive). */
	int(maxExclusive: number): number {
		return floor(this.next() * maxExclusive);
	}

	/** Integer in [min, max]. */
	between(min: number, max: number): number {
		return min + this.int(max - min + 1);
	}

	chance(probability: number): boolean {
		return this.next() < probability;
	}

	pick<T>(items: readonly T[]): T {
		return items[this.int(items.length)];
	}

	/** `count` distinct items in random order (partial Fisher-Yates on a copy). */
	sample<T>(items: readonly T[], count: number): T[] {
		if (count <= 0) return [];
		const copy = items.slice();
		const n = Math.min(count, copy.length);
		for (let i = 0; i < n; i++) {
			const j = i + this.int(copy.length - i);
			[copy[i], copy[j]] = [copy[j], copy[i]];
		}
		return copy.slice(0, n);
	}

	/** `digits` lowercase hex characters (at most 8). */
	hex(digits: number): string {
		return this.int(0x1_0000_0000).toString(16).padStart(8, '0').slice(0, digits);
	}
}

interface Dialing {
	prefix: string;
	country: string;
	cities: readonly string[];
	/** Length of the national number and the digits it may start with. */
	digits: number;
	leading: string;
	weight: number;
}

const DIALING: readonly Dialing[] = [
	{
		prefix: '91',
		country: 'India',
		cities: ['Mumbai', 'Delhi', 'Bengaluru', 'Pune'],
		digits: 10,
		leading: '6789',
		weight: 5,
	},
	{
		prefix: '1',
		country: 'United States',
		cities: ['New York', 'Austin', 'Seattle'],
		digits: 10,
		leading: '2345678',
		weight: 3,
	},
	{
		prefix: '44',
		country: 'United Kingdom',
		cities: ['London', 'Manchester', 'Leeds'],
		digits: 10,
		leading: '7',
		weight: 2,
	},
	{
		prefix: '971',
		country: 'United Arab Emirates',
		cities: ['Dubai', 'Abu Dhabi'],
		digits: 9,
		leading: '5',
		weight: 2,
	},
	{
		prefix: '61',
		country: 'Australia',
		cities: ['Sydney', 'Melbourne'],
		digits: 9,
		leading: '4',
		weight: 1,
	},
	{
		prefix: '49',
		country: 'Germany',
		cities: ['Berlin', 'Munich'],
		digits: 11,
		leading: '1',
		weight: 1,
	},
	{
		prefix: '65',
		country: 'Singapore',
		cities: ['Singapore'],
		digits: 8,
		leading: '89',
		weight: 1,
	},
	{
		prefix: '234',
		country: 'Nigeria',
		cities: ['Lagos', 'Abuja'],
		digits: 10,
		leading: '789',
		weight: 1,
	},
];
const WEIGHTED_DIALING: readonly Dialing[] = DIALING.flatMap((d) =>
	Array<Dialing>(d.weight).fill(d),
);

const FIRST_NAMES = [
	'Aarav',
	'Priya',
	'Rohan',
	'Ananya',
	'John',
	'Emily',
	'Michael',
	'Sarah',
	'Oliver',
	'Amelia',
	'Fatima',
	'Omar',
	'Layla',
	'Chloe',
	'Liam',
	'Lukas',
	'Zoë',
	'Mei Ling',
	'Chiamaka',
	'Tunde',
	'José',
	'Łukasz',
	'Sofia',
	'Noah',
	'Isha',
	'Arjun',
	'Hannah',
	'Yusuf',
	'Grace',
	'Kenji',
];
const LAST_NAMES = [
	'Sharma',
	'Patel',
	'Iyer',
	'Smith',
	'Johnson',
	'Brown',
	'Taylor',
	'Williams',
	'Al Mansouri',
	'Haddad',
	'Müller',
	'Schmidt',
	'Tan',
	'Lim',
	'Okafor',
	'Adeyemi',
	'García',
	'Nowak',
	"O'Brien",
	'Nguyen',
	'Khan',
	'Mehta',
	'Wilson',
	'Davies',
	'Chen',
];
const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.test'];
const TAGS = [
	'vip',
	'newsletter',
	'wholesale',
	'trial',
	'repeat-buyer',
	'support',
	'webinar-2024',
	'churn-risk',
];
const PLANS = ['free', 'starter', 'pro', 'business'];
const SOURCES = ['ctwa-ad', 'website', 'import', 'referral'];
const SEGMENT_NAMES = [
	'VIP customers',
	'Newsletter subscribers',
	'Webinar 2024 attendees',
	'Churn risk',
	'Wholesale buyers',
	'Beta testers',
];
const CONTACT_STATUSES: readonly ChatStatus[] = [
	'OPEN',
	'OPEN',
	'OPEN',
	'INPROGRESS',
	'REVIEW',
	'ONHOLD',
	'DEPENDANCY',
	'CLOSED',
	'CLOSED',
];
const PLATFORMS: readonly { platform: string; channel: Channel }[] = [
	{ platform: 'WHATSAPP', channel: 'whatsapp' },
	{ platform: 'WHATSAPP', channel: 'whatsapp' },
	{ platform: 'WEBSITE', channel: 'website' },
	{ platform: 'WEBSITE', channel: 'website' },
	{ platform: 'TELEGRAM', channel: 'telegram' },
	{ platform: 'FACEBOOK', channel: 'facebook' },
];
const AUTHORS: readonly MessageAuthor[] = ['bot', 'bot', 'user', 'user', 'agent'];
const MESSAGES: Record<MessageAuthor, readonly string[]> = {
	bot: [
		'Hi! How can I help you today?',
		'Could you share your email address?',
		'Thanks, our team will get back to you.',
	],
	user: [
		'What are your opening hours?',
		'I want to track my order',
		'Do you ship to Dubai?',
		'Is the pro plan billed monthly?',
	],
	agent: [
		'Hello, this is Maya from support.',
		'I have refunded the order.',
		'Let me check that for you.',
	],
};
const NOTE_TEXTS: readonly { title: string; description: string }[] = [
	{ title: 'Follow up', description: 'Call back after the demo next week.' },
	{ title: 'Pricing', description: 'Asked for a volume discount on the business plan.' },
	{ title: 'Complaint', description: 'Late delivery, offered a 10% coupon.' },
];
const GENDERS = ['MALE', 'FEMALE', ''];

/** Makes the phone tail unique per generated record (multiplier coprime with 10, so injective). */
const PHONE_SCRAMBLE = 7_654_321;

function iso(ms: number): string {
	scratchDate.setTime(ms);
	return scratchDate.toISOString();
}

function within(rng: Rng, fromMs: number, toMs: number): number {
	return fromMs + floor(rng.next() * max(0, toMs - fromMs));
}

export class RecordFactory {
	private objectIdCounter: number;
	private phoneSeq = 0;
	private readonly phoneOffset: number;

	constructor(
		private readonly rng: Rng,
		private readonly refs: ReferenceIds,
	) {
		this.objectIdCounter = rng.int(0x100_0000);
		this.phoneOffset = rng.int(1_000_000);
	}

	/** MongoDB-style ObjectId: 4-byte timestamp, 5 random bytes, 3-byte counter (unique per factory). */
	objectId(atMs: number): string {
		this.objectIdCounter = (this.objectIdCounter + 1) & 0xff_ffff;
		const seconds = floor(atMs / 1000)
			.toString(16)
			.padStart(8, '0');
		return (
			seconds +
			this.rng.hex(8) +
			this.rng.hex(2) +
			this.objectIdCounter.toString(16).padStart(6, '0')
		);
	}

	/** RFC 4122 version 4 layout, from the seeded stream. */
	uuid(): string {
		const h = this.rng.hex(8) + this.rng.hex(8) + this.rng.hex(8) + this.rng.hex(8);
		const variant = '89ab'[this.rng.int(4)];
		return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
	}

	contact(createdAtMs: number): Contact {
		const { rng, refs } = this;
		const dialing = rng.pick(WEIGHTED_DIALING);
		const first = rng.pick(FIRST_NAMES);
		const last = rng.pick(LAST_NAMES);
		const email = this.email(first, last);
		const phone = this.phone(dialing);
		const { platform, channel } = rng.pick(PLATFORMS);

		const lastSeenMs = within(rng, createdAtMs, TIMELINE_END_MS);
		const lastMessageMs = within(rng, createdAtMs, lastSeenMs);
		const updatedMs = within(rng, lastSeenMs, TIMELINE_END_MS);
		const ordered = rng.chance(0.2);

		const attributes: Attribute[] = [];
		if (rng.chance(0.4)) attributes.push({ key: 'plan', value: rng.pick(PLANS) });
		if (rng.chance(0.3)) attributes.push({ key: 'source', value: rng.pick(SOURCES) });
		// About one contact in eight keeps its email only as an attribute (seen in real data, §7).
		const emailInAttributesOnly = rng.chance(0.125);
		if (emailInAttributesOnly) attributes.push({ key: 'email', value: email });
		const hasEmail = !emailInAttributesOnly && rng.chance(0.8);

		const bots = (c: Channel, extraChance: number): string[] =>
			channel === c
				? [rng.pick(refs.bots[c])]
				: rng.chance(extraChance)
					? [rng.pick(refs.bots[c])]
					: [];

		return {
			_id: this.objectId(createdAtMs),
			_customer: refs.customerId,
			platform: [platform],
			status: rng.pick(CONTACT_STATUSES),
			isContact: true,
			isImported: rng.chance(0.15),
			isOnline: rng.chance(0.15),
			userInteracted: rng.chance(0.7),
			isLiveChatActive: rng.chance(0.1),
			hasOrdered: {
				status: ordered,
				lastAt: ordered ? iso(within(rng, createdAtMs, lastSeenMs)) : '',
			},
			segments: rng.sample(refs.segmentIds, rng.int(3)),
			_botWebsite: bots('website', 0.2),
			_botWhatsapp: bots('whatsapp', 0.1),
			_botTelegram: bots('telegram', 0.05),
			_botFacebook: bots('facebook', 0.05),
			_agentAssigned: rng.chance(0.4) ? [rng.pick(refs.agentIds)] : [],
			profile: {
				userDetails: {
					userProvidedName: `${first} ${last}`,
					contact: { email: hasEmail ? email : '', phone },
					country: dialing.country,
					...(platform === 'WHATSAPP' ? { whatsAppNumber: dialing.prefix + phone.number } : {}),
					tags: rng.sample(TAGS, rng.int(4)),
					attributes,
				},
			},
			lastMessage: { by: rng.pick(AUTHORS), at: iso(lastMessageMs) },
			lastSeenAt: iso(lastSeenMs),
			createdAt: iso(createdAtMs),
			updatedAt: iso(updatedMs),
			__v: 0,
		};
	}

	/** A contact created by `POST /inbox/users/import` for a phone number not seen before. */
	importedContact(details: ImportedDetails, createdAtMs: number): Contact {
		const at = iso(createdAtMs);
		return {
			_id: this.objectId(createdAtMs),
			_customer: this.refs.customerId,
			platform: ['WHATSAPP'],
			status: 'OPEN',
			isContact: true,
			isImported: true,
			isOnline: false,
			userInteracted: false,
			isLiveChatActive: false,
			hasOrdered: { status: false, lastAt: '' },
			segments: [],
			_botWebsite: [],
			_botWhatsapp: [],
			_botTelegram: [],
			_botFacebook: [],
			_agentAssigned: [],
			profile: {
				userDetails: {
					userProvidedName: details.name ?? '',
					contact: { email: details.email ?? '', phone: { ...details.phone } },
					country: DIALING.find((d) => d.prefix === details.phone.prefix)?.country ?? '',
					whatsAppNumber: details.phone.prefix + details.phone.number,
					tags: [...new Set(details.tags)],
					attributes: details.attributes.map((a) => ({ ...a })),
				},
			},
			lastSeenAt: at,
			createdAt: at,
			updatedAt: at,
			__v: 0,
		};
	}

	chat(isLead: boolean, createdAtMs: number): Chat {
		const { rng, refs } = this;
		const dialing = rng.pick(WEIGHTED_DIALING);
		const first = rng.pick(FIRST_NAMES);
		const last = rng.pick(LAST_NAMES);
		const lastSeenMs = within(rng, createdAtMs, TIMELINE_END_MS);
		const by = rng.pick(AUTHORS);
		const notes: Note[] = isLead
			? rng.sample(NOTE_TEXTS, rng.int(3)).map((n) => ({ ...n, _id: this.objectId(lastSeenMs) }))
			: [];
		// Leads are the visitors who left their details; anonymous chats only have geo data.
		const details = isLead
			? {
					name: `${first} ${last}`,
					picture: rng.chance(0.5) ? `https://cdn.botpenguin.test/avatars/${rng.int(64)}.png` : '',
					contact: { email: this.email(first, last), phone: this.phone(dialing) },
					gender: rng.pick(GENDERS),
					tags: rng.sample(TAGS, rng.int(3)),
					attributes: rng.chance(0.5)
						? [{ key: 'ID', value: `BP${String(rng.int(1000)).padStart(3, '0')}` }]
						: [],
				}
			: {
					name: '',
					picture: '',
					contact: { email: '', phone: { number: '', prefix: '' } },
					gender: '',
					tags: [],
					attributes: [],
				};

		return {
			_id: this.objectId(createdAtMs),
			uuid: this.uuid(),
			isLead,
			isOnline: rng.chance(0.1),
			status: rng.pick(CHAT_STATUSES),
			websiteVisits: rng.between(1, 40),
			_agentAssigned: rng.chance(0.7) ? rng.pick(refs.agentIds) : '',
			lastMessage: {
				at: iso(within(rng, createdAtMs, lastSeenMs)),
				by,
				text: rng.pick(MESSAGES[by]),
			},
			createdAt: iso(createdAtMs),
			updatedAt: iso(within(rng, lastSeenMs, TIMELINE_END_MS)),
			lastSeenAt: iso(lastSeenMs),
			profile: {
				notes,
				userDetails: {
					name: details.name,
					picture: details.picture,
					contact: details.contact,
					city: rng.pick(dialing.cities),
					country: dialing.country,
					gender: details.gender,
					tags: details.tags,
					attributes: details.attributes,
				},
			},
		};
	}

	/** A lead created by `PUT /inbox/direct/lead` for a uuid the bot has not seen (legacy doc: "create and update"). */
	newLead(uuid: string, createdAtMs: number): Chat {
		const at = iso(createdAtMs);
		return {
			_id: this.objectId(createdAtMs),
			uuid,
			isLead: true,
			isOnline: false,
			status: 'OPEN',
			websiteVisits: 1,
			_agentAssigned: '',
			lastMessage: { at, by: 'bot', text: '' },
			createdAt: at,
			updatedAt: at,
			lastSeenAt: at,
			profile: {
				notes: [],
				userDetails: {
					name: '',
					picture: '',
					contact: { email: '', phone: { number: '', prefix: '' } },
					city: '',
					country: '',
					gender: '',
					tags: [],
					attributes: [],
				},
			},
		};
	}

	private email(first: string, last: string): string {
		const local = `${first}.${last}`
			.normalize('NFKD')
			.replace(/[^A-Za-z.]/g, '')
			.toLowerCase();
		return `${local}${this.rng.int(100)}@${this.rng.pick(EMAIL_DOMAINS)}`;
	}

	private phone(dialing: Dialing): Phone {
		const tailDigits = dialing.digits - 1;
		const tail = (((this.phoneSeq++ + this.phoneOffset) * PHONE_SCRAMBLE) % 10 ** tailDigits)
			.toString()
			.padStart(tailDigits, '0');
		// Real data holds some prefixes with a leading '+' ("+44"), although the import takes digits only.
		const prefix = this.rng.chance(0.1) ? `+${dialing.prefix}` : dialing.prefix;
		return { number: dialing.leading[this.rng.int(dialing.leading.length)] + tail, prefix };
	}
}

/** Strictly decreasing timestamps spread over the generated history, newest first. */
function timeline(rng: Rng, count: number): number[] {
	const meanGap = Math.max(60_000, Math.floor(TIMELINE_SPAN_MS / Math.max(1, count)));
	const times: number[] = [];
	let t = TIMELINE_END_MS - rng.int(3_600_000);
	for (let i = 0; i < count; i++) {
		times.push(t);
		t -= 1000 + rng.int(2 * meanGap);
	}
	return times;
}

function referenceIds(
	factory: RecordFactory,
	rng: Rng,
	segmentCount: number,
): Omit<ReferenceIds, 'customerId'> {
	const ids = (n: number): string[] =>
		Array.from({ length: n }, () =>
			factory.objectId(within(rng, REFERENCE_CREATED_MS - 86_400_000 * 90, REFERENCE_CREATED_MS)),
		);
	const website = ids(2);
	return {
		botId: website[0],
		bots: { website, whatsapp: ids(2), telegram: ids(1), facebook: ids(1) },
		agentIds: ids(4),
		segmentIds: ids(segmentCount),
	};
}

export function generateDataset(sizes: DatasetSizes): Dataset {
	const rng = new Rng(SEED);
	// Reference ids need a factory, the factory needs the reference ids: fill them in place.
	const refs: ReferenceIds = {
		customerId: '',
		botId: '',
		bots: { website: [], whatsapp: [], telegram: [], facebook: [] },
		agentIds: [],
		segmentIds: [],
	};
	const factory = new RecordFactory(rng, refs);
	refs.customerId = factory.objectId(REFERENCE_CREATED_MS - 86_400_000 * 365);
	const segmentCount = rng.between(3, 6);
	Object.assign(refs, referenceIds(factory, rng, segmentCount));

	const segmentNames = rng.sample(SEGMENT_NAMES, segmentCount);
	const segments: Segment[] = refs.segmentIds.map((_id, i) => {
		const createdAtMs = parseInt(_id.slice(0, 8), 16) * 1000;
		return {
			_id,
			_customer: refs.customerId,
			segmentName: segmentNames[i],
			createdAt: iso(createdAtMs),
			updatedAt: iso(within(rng, createdAtMs, TIMELINE_END_MS)),
			__v: 0,
		};
	});

	const contacts = timeline(rng, sizes.contacts).map((ms) => factory.contact(ms));

	const leadFlags = rng.sample(
		Array.from({ length: sizes.chats + sizes.leads }, (_, i) => i < sizes.leads),
		sizes.chats + sizes.leads,
	);
	const chats = timeline(rng, leadFlags.length).map((ms, i) => factory.chat(leadFlags[i], ms));

	return { refs, segments, contacts, chats, factory };
}
