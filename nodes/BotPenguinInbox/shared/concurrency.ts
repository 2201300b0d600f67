import { NodeOperationError, sleep } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { failureOf } from './errors';

export interface Slot {
	/** Waits `ms`, then queues again (ahead of new requests) if the limit was lowered meanwhile. */
	wait(ms: number): Promise<void>;
}

/** Options → Parallel Requests: what it allows, and its value when unset. */
export const DEFAULT_PARALLEL_REQUESTS = 4;
export const PARALLEL_REQUESTS_RANGE = { min: 1, max: 10, fallback: DEFAULT_PARALLEL_REQUESTS };

/** A request that was not sent because its answer was no longer needed; never retried. */
export class Cancelled extends NodeOperationError {
	constructor(node: INode) {
		super(node, 'Not sent: its answer was no longer needed');
	}
}

/** The answers that mean "too many requests at once": the server is shedding load. */
const THROTTLE_STATUSES: readonly number[] = [429, 503];

/**
 * Successes needed before one more request may be in flight. It doubles after every throttle, so a
 * server with a hard cap on concurrent requests answers a number of 429s that grows with the log of
 * the requests sent, not with the requests themselves.
 */
const FIRST_GROWTH_RUN = 8;

/**
 * How many requests of one listing or one import may be in flight, adapted to what the server says
 * (additive increase, multiplicative decrease, as TCP does):
 * - it starts at Options → Parallel Requests, and never goes above it;
 * - an HTTP 429 or 503 halves it (never below 1), once per round of requests: answers to requests
 *   sent before the last decrease say nothing about the new limit;
 * - after a run of successes it grows back by one.
 * A throttled request waits for Retry-After (withRetries does that) in its slot, then queues again
 * if it is over the lowered limit (`Slot.wait`).
 */
export class AdaptiveConcurrency {
	private current: number;
	private inFlight = 0;
	private readonly queue: Array<() => void> = [];
	/** Bumped on every decrease; an attempt remembers the epoch it was sent in. */
	private epoch = 0;
	private successes = 0;
	private growthRun = FIRST_GROWTH_RUN;
	/** 429 / 503 answers seen (for the benchmark and tests). */
	throttled = 0;
	/** The most requests that were ever in flight at once. */
	peak = 0;

	constructor(readonly max: number) {
		this.current = Math.max(1, Math.floor(max));
	}

	get limit(): number {
		return this.current;
	}

	/**
	 * Runs `task` once a slot is free; slots are handed out in the order they were asked for. The task
	 * gets its slot to wait in: after `slot.wait(ms)` (a retry's back-off), a request that is over a
	 * limit lowered meanwhile queues again, ahead of every request still waiting, so retries obey the
	 * lowered limit too.
	 * The slot is held until the task is over, so a caller decides what an answer means (e.g. "stop
	 * sending") before the next task starts.
	 */
	async run<T>(task: (slot: Slot) => Promise<T>): Promise<T> {
		await this.acquire(false);
		const slot: Slot = {
			wait: async (ms: number) => {
				await sleep(ms);
				// Over the limit (it was lowered meanwhile): queue again, ahead of those not yet sent.
				if (this.inFlight > this.current) {
					this.release();
					await this.acquire(true);
				}
			},
		};
		try {
			return await task(slot);
		} finally {
			this.release();
		}
	}

	/** Wraps one attempt (one HTTP request) so that its answer adjusts the limit. */
	async observe<T>(attempt: () => Promise<T>): Promise<T> {
		const sentIn = this.epoch;
		const outcome = await attempt().then(
			(value) => ({ value }),
			(error: unknown) => ({ error }),
		);
		if ('value' in outcome) {
			this.succeeded();
			return outcome.value;
		}
		const status = failureOf(outcome.error)?.status;
		if (status !== undefined && THROTTLE_STATUSES.includes(status)) this.throttle(sentIn);
		throw outcome.error;
	}

	private async acquire(first: boolean) {
		if (this.inFlight < this.current && !this.queue.length) this.inFlight++;
		// `wake` takes the slot on the waiting task's behalf before it resolves.
		else
			await new Promise<void>((resolve) =>
				first ? this.queue.unshift(resolve) : this.queue.push(resolve),
			);
		this.peak = Math.max(this.peak, this.inFlight);
	}

	private release() {
		this.inFlight--;
		this.wake();
	}

	private succeeded() {
		if (this.current >= this.max) return;
		if (++this.successes < this.growthRun) return;
		this.successes = 0;
		this.current++;
		this.wake();
	}

	private throttle(sentIn: number) {
		this.throttled++;
		this.successes = 0;
		if (sentIn !== this.epoch) return;
		this.epoch++;
		this.growthRun *= 2;
		this.current = Math.max(1, Math.floor(this.current / 2));
	}

	private wake() {
		while (this.queue.length && this.inFlight < this.current) {
			this.inFlight++;
			(this.queue.shift() as () => void)();
		}
	}
}
