/**
 * Switchable faults for resilience tests of the BotPenguin Inbox simulator.
 *
 * A test arms faults with `addFault`; every incoming request asks the injector which fault (if
 * any) applies to it. Faults are checked in the order they were added, and a fault whose `times`
 * is used up disarms itself.
 */

export type FaultKind =
	/** Answer with `status` (default 500) and a JSON error envelope; optional `Retry-After` header. */
	| 'status'
	/** 502 with an HTML error page, as a gateway in front of the API would send. */
	| 'html'
	/** 200 with a JSON content type but a body cut off mid-object. */
	| 'invalidJson'
	/** List endpoints: 200 `{success:true, message:'', code:200}` without a `data` key. */
	| 'missingData'
	/** 200 whose envelope says `success: false`. */
	| 'successFalse'
	/**
	 * 200 `success: true` whose `data` lists problems (`data` of the fault, default two strings): one
	 * reading of how an import reports contacts it skipped (open question 8). Nothing is processed.
	 */
	| 'successWithProblems'
	/** Wait `delayMs` (default 2000) before answering normally. */
	| 'slow'
	/** Destroy the socket without answering (connection reset). */
	| 'reset'
	/** Paged endpoints: always answer page 1, whatever `page` says. */
	| 'ignorePage'
	/** Paged endpoints: page N >= 2 answers the data of page N-1. */
	| 'repeatPage'
	/** Paged endpoints: every page is full of new records with unique ids, never empty. */
	| 'endless';

export interface Fault {
	kind: FaultKind;
	/** Exact request path (without query string) to match; default any path. */
	path?: string;
	/** HTTP method to match (case-insensitive); default any method. */
	method?: string;
	/** How many matching requests the fault affects; default 1, `Infinity` allowed. */
	times?: number;
	/** Let the first N matching requests through untouched; default 0. */
	afterRequests?: number;
	/** `status` fault: the HTTP status to answer with. */
	status?: number;
	/** `status` fault: value of the `Retry-After` header (seconds or an HTTP date). */
	retryAfter?: string;
	/**
	 * `status` fault: a `Retry-After` HTTP date this many ms after the moment the answer is sent (so a
	 * slow test run cannot let a date fixed in advance pass before the node reads it).
	 */
	retryAfterDateMs?: number;
	/** `slow` fault: how long to wait. */
	delayMs?: number;
	/** `status` / `successFalse` / `successWithProblems` faults: the envelope `message`. */
	message?: string;
	/** `successWithProblems` fault: the envelope `data`. */
	data?: string[];
}

/** Faults that change which page a paged endpoint answers, rather than replacing the answer. */
export type PageFaultKind = 'ignorePage' | 'repeatPage' | 'endless';

const FAULT_KINDS: ReadonlySet<FaultKind> = new Set<FaultKind>([
	'status',
	'html',
	'invalidJson',
	'missingData',
	'successFalse',
	'successWithProblems',
	'slow',
	'reset',
	'ignorePage',
	'repeatPage',
	'endless',
]);
const PAGE_FAULT_KINDS: ReadonlySet<FaultKind> = new Set<FaultKind>([
	'ignorePage',
	'repeatPage',
	'endless',
]);

export const DEFAULT_FAULT_STATUS = 500;
export const DEFAULT_SLOW_MS = 2000;
export const DEFAULT_SUCCESS_FALSE_MESSAGE = 'Something went wrong on BotPenguin';

export function isPageFault(kind: FaultKind): kind is PageFaultKind {
	return PAGE_FAULT_KINDS.has(kind);
}

/** What kind of endpoint a request reached; decides which faults can apply to it at all. */
export interface RequestTarget {
	method: string;
	path: string;
	/** The endpoint answers a `data` array (missingData applies). */
	isList: boolean;
	/** The endpoint is paged (ignorePage / repeatPage / endless apply). */
	isPaged: boolean;
}

interface ArmedFault {
	fault: Fault;
	remaining: number;
	toSkip: number;
}

function validate(f: Fault): void {
	if (!FAULT_KINDS.has(f.kind)) throw new TypeError(`Unknown fault kind: ${String(f.kind)}`);
	const times = f.times ?? 1;
	if (times !== Infinity && !(Number.isInteger(times) && times >= 1)) {
		throw new TypeError(`Fault "times" must be a positive integer or Infinity, got ${times}`);
	}
	const after = f.afterRequests ?? 0;
	if (!(Number.isInteger(after) && after >= 0)) {
		throw new TypeError(`Fault "afterRequests" must be a non-negative integer, got ${after}`);
	}
	if (
		f.status !== undefined &&
		!(Number.isInteger(f.status) && f.status >= 100 && f.status <= 599)
	) {
		throw new TypeError(`Fault "status" must be an HTTP status code, got ${f.status}`);
	}
	if (f.delayMs !== undefined && !(Number.isFinite(f.delayMs) && f.delayMs >= 0)) {
		throw new TypeError(`Fault "delayMs" must be a finite number >= 0, got ${f.delayMs}`);
	}
}

export class FaultInjector {
	private armed: ArmedFault[] = [];

	add(fault: Fault): void {
		validate(fault);
		this.armed.push({
			fault: { ...fault },
			remaining: fault.times ?? 1,
			toSkip: fault.afterRequests ?? 0,
		});
	}

	clear(): void {
		this.armed = [];
	}

	/**
	 * Picks the fault for one request and uses up one of its `times`.
	 *
	 * A fault "matches" a request when its path/method filters fit and its kind makes sense for
	 * the endpoint (a paging fault never matches `GET /inbox/segments`, so it is not wasted
	 * there). Every matching fault still in its `afterRequests` grace period counts the request,
	 * even when an earlier fault takes it: `afterRequests: N` always means "from the (N+1)th
	 * matching request on".
	 */
	take(target: RequestTarget): Fault | undefined {
		let chosen: ArmedFault | undefined;
		for (const armed of this.armed) {
			if (!this.matches(armed.fault, target)) continue;
			if (armed.toSkip > 0) {
				armed.toSkip--;
			} else if (!chosen) {
				chosen = armed;
			}
		}
		if (!chosen) return undefined;
		chosen.remaining--;
		if (chosen.remaining <= 0) this.armed = this.armed.filter((a) => a !== chosen);
		return chosen.fault;
	}

	private matches(f: Fault, target: RequestTarget): boolean {
		if (f.path !== undefined && f.path !== target.path) return false;
		if (f.method !== undefined && f.method.toUpperCase() !== target.method.toUpperCase())
			return false;
		if (f.kind === 'missingData') return target.isList;
		if (isPageFault(f.kind)) return target.isPaged;
		return true;
	}
}
