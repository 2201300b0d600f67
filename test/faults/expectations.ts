/**
 * What each cell of the fault matrix must do: requests, attempts, outcome, items. Written from the
 * node's documented retry rules (README), not imported from its code: an oracle that reads the
 * policy under test cannot catch a bug in it.
 */
import {
	ATTEMPTS_WHEN_PERSISTENT,
	ENDLESS_MAX_PAGES,
	IMPORT_BATCH_SIZE,
	IMPORT_VALID,
	MAX_RETRIES,
	PARALLEL_IMPORT_VALID,
} from './rows';
import type { FaultRow, OperationSpec } from './rows';

// ---------------------------------------------------------------------------------------------
// Expectations
// ---------------------------------------------------------------------------------------------

/** What a fault-free run of the operation does (measured once per operation). */
export interface Baseline {
	requests: number;
	items: number;
}

export interface Expected {
	outcome: 'ok' | 'error' | 'partial';
	requests: number;
	/** Sleeps between attempts (= retries over the whole run). */
	retries: number;
	/** Output items (list / write operations that succeed). */
	items?: number;
	/** Import: how the valid contacts end up. */
	sent?: number;
	failed?: number;
	/** Parallel columns: the most requests / waits / sent contacts (the least is the field above). */
	requestsAtMost?: number;
	retriesAtMost?: number;
	sentAtMost?: number;
	/** Requests side by side: the waits of several retry series interleave. */
	interleaved?: boolean;
}

/** The outcome transport.ts's retry policy predicts for one cell. */
export function expectedOutcome(row: FaultRow, op: OperationSpec, base: Baseline): Expected {
	if (op.parallel) return { ...expectedParallel(row, op, base, op.parallel), interleaved: true };
	if (!row.fault) return { outcome: 'ok', requests: base.requests, retries: 0, items: base.items };
	if (row.paging === 'repeat') return { outcome: 'error', requests: 2, retries: 0 };
	if (row.paging === 'endless')
		return { outcome: 'error', requests: ENDLESS_MAX_PAGES, retries: 0 };

	const retried = row.retriedIn.includes(op.scope);
	const attempts = !retried ? 1 : row.persistent ? ATTEMPTS_WHEN_PERSISTENT : 2;
	const requestFails = !retried || !!row.persistent;

	if (op.kind !== 'import') {
		if (!requestFails)
			return { outcome: 'ok', requests: base.requests + 1, retries: 1, items: base.items };
		return { outcome: 'error', requests: op.faultAfter + attempts, retries: attempts - 1 };
	}

	// The import: batches of 2, 2 and 1 contacts; the fault strikes from batch 2 on.
	if (!requestFails) {
		return {
			outcome: 'ok',
			requests: base.requests + 1,
			retries: 1,
			sent: IMPORT_VALID,
			failed: 0,
		};
	}
	if (row.fatal || row.network) {
		// A failure without a response (or a rejected token) stops the import: batch 3 is not sent.
		return {
			outcome: 'partial',
			requests: 1 + attempts,
			retries: attempts - 1,
			sent: IMPORT_BATCH_SIZE,
			failed: IMPORT_VALID - IMPORT_BATCH_SIZE,
		};
	}
	if (row.persistent) {
		// Batch 3 meets the same fault and fails on its own after its own attempts.
		return {
			outcome: 'partial',
			requests: 1 + 2 * attempts,
			retries: 2 * (attempts - 1),
			sent: IMPORT_BATCH_SIZE,
			failed: IMPORT_VALID - IMPORT_BATCH_SIZE,
		};
	}
	// Only batch 2 fails; batch 3 is still sent.
	return {
		outcome: 'partial',
		requests: 1 + attempts + 1,
		retries: attempts - 1,
		sent: IMPORT_VALID - IMPORT_BATCH_SIZE,
		failed: IMPORT_BATCH_SIZE,
	};
}

/**
 * The parallel columns. The fault strikes from the second request on, which after page 1 / batch 1
 * (sent alone) is one of the N sent side by side, so which page or batch meets it varies; what must
 * hold does not:
 * - a passing fault costs one retry and changes nothing else;
 * - a page that fails for good fails the run; the pages in flight with it are finished or cancelled,
 *   each with at most its own attempts, and at most N pages are asked for past it;
 * - an import batch that fails affects its own contacts only, unless the failure is fatal: then no
 *   batch starts after it (those already in flight still end as sent or failed).
 */
export function expectedParallel(
	row: FaultRow,
	op: OperationSpec,
	base: Baseline,
	parallel: number,
): Expected {
	if (!row.fault) return { outcome: 'ok', requests: base.requests, retries: 0, items: base.items };
	if (row.paging === 'repeat')
		return { outcome: 'error', requests: 2, requestsAtMost: 1 + parallel, retries: 0 };
	if (row.paging === 'endless')
		return { outcome: 'error', requests: ENDLESS_MAX_PAGES, retries: 0 };

	const retried = row.retriedIn.includes(op.scope);
	const attempts = !retried ? 1 : row.persistent ? ATTEMPTS_WHEN_PERSISTENT : 2;
	const requestFails = !retried || !!row.persistent;
	if (!requestFails) {
		// A 429 / 503 lowers the limit, so fewer pages are asked for past the end of the listing.
		const throttles = op.kind !== 'import' && /^(429|503)/.test(row.id);
		const ok = {
			outcome: 'ok' as const,
			requests: base.requests + 1 - (throttles ? parallel - 1 : 0),
			requestsAtMost: base.requests + 1,
			retries: 1,
		};
		return op.kind === 'import'
			? { ...ok, sent: PARALLEL_IMPORT_VALID, failed: 0 }
			: { ...ok, items: base.items };
	}
	if (op.kind !== 'import') {
		// At least page 1 and the failing page's attempts; at most every page in flight with all of
		// its attempts, and the pages asked for ahead while the pages before the failing one arrive.
		const wave = row.persistent ? parallel : 1;
		return {
			outcome: 'error',
			requests: 1 + attempts,
			requestsAtMost: 1 + wave * attempts + parallel * 2,
			retries: attempts - 1,
			retriesAtMost: wave * (attempts - 1),
		};
	}
	const batches = Math.ceil(PARALLEL_IMPORT_VALID / IMPORT_BATCH_SIZE);
	const later = batches - 1;
	if (row.fatal || row.network) {
		// Batch 1 is sent; the first failure that ends for good stops every batch not yet started.
		// Batches in flight with it may still be sent (a passing fault) or fail on their own.
		return {
			outcome: 'partial',
			requests: 1 + attempts,
			requestsAtMost: 1 + later * attempts,
			retries: attempts - 1,
			retriesAtMost: later * (attempts - 1),
			sent: IMPORT_BATCH_SIZE,
			sentAtMost: row.persistent ? IMPORT_BATCH_SIZE : PARALLEL_IMPORT_VALID - IMPORT_BATCH_SIZE,
			failed: 0,
		};
	}
	if (row.persistent) {
		return {
			outcome: 'partial',
			requests: 1 + later * attempts,
			retries: later * (attempts - 1),
			sent: IMPORT_BATCH_SIZE,
			failed: PARALLEL_IMPORT_VALID - IMPORT_BATCH_SIZE,
		};
	}
	return {
		outcome: 'partial',
		requests: base.requests + attempts - 1,
		retries: attempts - 1,
		sent: PARALLEL_IMPORT_VALID - IMPORT_BATCH_SIZE,
		failed: IMPORT_BATCH_SIZE,
	};
}

/** Checks the waits `sleep` was asked for (jest, where `sleep` is mocked). Returns a problem or undefined. */
export function checkDelays(
	row: FaultRow,
	expected: Expected,
	delays: number[],
): string | undefined {
	const most = expected.retriesAtMost ?? expected.retries;
	if (delays.length < expected.retries || delays.length > most) {
		const wanted =
			most === expected.retries ? `${expected.retries}` : `${expected.retries}–${most}`;
		return `expected ${wanted} waits, the node asked for ${delays.length}: [${delays.join(', ')}]`;
	}
	if (expected.interleaved && row.delay === 'backoff') {
		// Pages / batches side by side each start their own series; their waits interleave.
		const longest = 500 * 2 ** (MAX_RETRIES - 1);
		const wrong = delays.find((delay) => delay < 250 || delay > longest);
		return wrong === undefined
			? undefined
			: `a wait was ${wrong} ms, expected within [250, ${longest}] ms (backoff)`;
	}
	if (expected.interleaved) {
		const rule = row.delay === 'retryAfter1' ? (delay: number) => delay === 1000 : () => true;
		const dated = row.delay === 'retryAfterDate';
		const wrong = delays.find((delay) => !rule(delay) || (dated && (delay <= 0 || delay > 2000)));
		return wrong === undefined ? undefined : `a wait was ${wrong} ms, not what ${row.label} asks`;
	}
	if (delays.length !== expected.retries) {
		return `expected ${expected.retries} waits, the node asked for ${delays.length}: [${delays.join(', ')}]`;
	}
	for (const [index, delay] of delays.entries()) {
		let ok = true;
		let bounds = '';
		if (row.delay === 'retryAfter1') {
			ok = delay === 1000;
			bounds = '= 1000 ms (Retry-After: 1)';
		} else if (row.delay === 'retryAfterDate') {
			ok = delay > 0 && delay <= 2000;
			bounds = 'in (0, 2000] ms (Retry-After date 2 s ahead)';
		} else if (row.delay === 'backoff') {
			// Each failing request starts its own series: 500·2^n ms ceiling, equal jitter.
			const ceiling = Math.min(15_000, 500 * 2 ** (index % MAX_RETRIES));
			ok = delay >= ceiling / 2 && delay <= ceiling;
			bounds = `in [${ceiling / 2}, ${ceiling}] ms (backoff step ${index % MAX_RETRIES})`;
		}
		if (!ok) return `wait ${index + 1} was ${delay} ms, expected ${bounds}`;
	}
	return undefined;
}
