import { InvalidInput } from './errors';
import { dateTime, optionalObjectIdList, stringList } from './validation';

/**
 * POST /inbox/users ("Get User Inbox"). The docs say every body field is required ("pass empty values
 * for filters you do not wish to apply") and, in the FAQ, that a filter is evaluated only when its key
 * is listed in `applicableFilters`. So the node always sends the complete body and lists exactly the
 * filters the user set. Listing every set filter also works if BotPenguin applies some filters (say
 * `searchText`) without being told to.
 */
export interface InboxBody {
	searchText: string;
	tags: string[];
	status: string[];
	isOnline: boolean;
	_botWebsite: string[];
	_botWhatsapp: string[];
	_botTelegram: string[];
	_botFacebook: string[];
	_agentAssigned: string[];
	segments: string[];
	applicableFilters: string[];
	lastSeenAt: { startAt: string; endsAt: string };
	createdAt: { startAt: string; endsAt: string };
	userInteracted: boolean;
	lastMessageBy: string[];
	isLiveChatActive: boolean;
	hasOrdered: { status: boolean; lastAt: string };
	page: number;
	isExport: string;
	isContact: boolean;
}

export function emptyInboxBody(): InboxBody {
	return {
		searchText: '',
		tags: [],
		status: [],
		isOnline: false,
		_botWebsite: [],
		_botWhatsapp: [],
		_botTelegram: [],
		_botFacebook: [],
		_agentAssigned: [],
		segments: [],
		applicableFilters: [],
		lastSeenAt: { startAt: '', endsAt: '' },
		createdAt: { startAt: '', endsAt: '' },
		userInteracted: false,
		lastMessageBy: [],
		isLiveChatActive: false,
		hasOrdered: { status: false, lastAt: '' },
		page: 1,
		isExport: 'none',
		isContact: true,
	};
}

type Kind = 'text' | 'list' | 'ids' | 'segments' | 'boolean' | 'date';
type ListKey = 'tags' | 'status' | 'lastMessageBy';
type IdKey = '_botWebsite' | '_botWhatsapp' | '_botTelegram' | '_botFacebook' | '_agentAssigned';
type BooleanKey = 'isOnline' | 'userInteracted' | 'isLiveChatActive' | 'hasOrdered';
type RangeKey = 'createdAt' | 'lastSeenAt';

interface FilterSpec {
	/** Name shown in the node, for error messages. */
	label: string;
	kind: Kind;
	/** The body key, which is also the key listed in `applicableFilters`. */
	key: keyof InboxBody;
	/** For dates: which end of the range. */
	end?: 'startAt' | 'endsAt';
}

/** Filter parameter name (as saved in workflows) → where it goes in the body. */
export const INBOX_FILTERS: Record<string, FilterSpec> = {
	searchText: { label: 'Search Text', kind: 'text', key: 'searchText' },
	tags: { label: 'Tags', kind: 'list', key: 'tags' },
	status: { label: 'Status', kind: 'list', key: 'status' },
	segments: { label: 'Segments', kind: 'segments', key: 'segments' },
	lastMessageBy: { label: 'Last Message By', kind: 'list', key: 'lastMessageBy' },
	isOnline: { label: 'Is Online', kind: 'boolean', key: 'isOnline' },
	userInteracted: { label: 'User Interacted', kind: 'boolean', key: 'userInteracted' },
	isLiveChatActive: { label: 'Is Live Chat Active', kind: 'boolean', key: 'isLiveChatActive' },
	hasOrdered: { label: 'Has Ordered', kind: 'boolean', key: 'hasOrdered' },
	createdAfter: { label: 'Created After', kind: 'date', key: 'createdAt', end: 'startAt' },
	createdBefore: { label: 'Created Before', kind: 'date', key: 'createdAt', end: 'endsAt' },
	lastSeenAfter: { label: 'Last Seen After', kind: 'date', key: 'lastSeenAt', end: 'startAt' },
	lastSeenBefore: { label: 'Last Seen Before', kind: 'date', key: 'lastSeenAt', end: 'endsAt' },
	websiteBotIds: { label: 'Website Bot IDs', kind: 'ids', key: '_botWebsite' },
	whatsappBotIds: { label: 'WhatsApp Bot IDs', kind: 'ids', key: '_botWhatsapp' },
	telegramBotIds: { label: 'Telegram Bot IDs', kind: 'ids', key: '_botTelegram' },
	facebookBotIds: { label: 'Facebook Bot IDs', kind: 'ids', key: '_botFacebook' },
	agentIds: { label: 'Agent IDs', kind: 'ids', key: '_agentAssigned' },
};

function emptyValue(label: string): InvalidInput {
	return new InvalidInput(
		`Filters → ${label}`,
		'is added but has no value',
		'Enter a value for the filter, or remove it from Filters.',
	);
}

function asBoolean(label: string, value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw new InvalidInput(
		`Filters → ${label}`,
		`"${String(value)}" is not true or false`,
		'Switch it on or off.',
	);
}

/**
 * The complete Get User Inbox body for the filters the user set (the node's `filters` collection,
 * name → value). Each filter the user added is applied and listed once in `applicableFilters`; an
 * added filter without a value or an unknown filter name is an error rather than silently ignored.
 */
export function buildInboxBody(filters: Record<string, unknown>, timeZone = 'UTC'): InboxBody {
	const body = emptyInboxBody();
	const applicable = new Set<string>();
	for (const [name, value] of Object.entries(filters)) {
		const spec = INBOX_FILTERS[name];
		if (!spec) {
			throw new InvalidInput(
				'Filters',
				`"${name}" is not a filter of Get Many contacts`,
				`Remove it; known filters are ${Object.keys(INBOX_FILTERS).join(', ')}.`,
			);
		}
		const field = `Filters → ${spec.label}`;
		switch (spec.kind) {
			case 'text': {
				const text = String(value ?? '').trim();
				if (text === '') throw emptyValue(spec.label);
				body.searchText = text;
				break;
			}
			case 'list': {
				const list = stringList(value);
				if (list.length === 0) throw emptyValue(spec.label);
				body[spec.key as ListKey] = list;
				break;
			}
			case 'ids': {
				const ids = optionalObjectIdList(field, value);
				if (ids.length === 0) throw emptyValue(spec.label);
				body[spec.key as IdKey] = ids;
				break;
			}
			case 'segments': {
				// IDs, or names from an expression: resolveSegments turns the names into IDs.
				const segments = stringList(value);
				if (segments.length === 0) throw emptyValue(spec.label);
				body.segments = segments;
				break;
			}
			case 'boolean': {
				const flag = asBoolean(spec.label, value);
				if (spec.key === 'hasOrdered') body.hasOrdered = { status: flag, lastAt: '' };
				else body[spec.key as Exclude<BooleanKey, 'hasOrdered'>] = flag;
				break;
			}
			case 'date': {
				if (value === undefined || value === null || String(value).trim() === '') {
					throw emptyValue(spec.label);
				}
				body[spec.key as RangeKey][spec.end ?? 'startAt'] = dateTime(field, value, timeZone);
				break;
			}
		}
		applicable.add(spec.key);
	}
	for (const range of ['createdAt', 'lastSeenAt'] as const) {
		const { startAt, endsAt } = body[range];
		if (startAt && endsAt && startAt > endsAt) {
			const label = range === 'createdAt' ? 'Created' : 'Last Seen';
			throw new InvalidInput(
				`Filters → ${label} After`,
				`${startAt} is later than ${label} Before (${endsAt})`,
				'Swap the two dates, or remove one of them.',
			);
		}
	}
	body.applicableFilters = [...applicable];
	return body;
}
