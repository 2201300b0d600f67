/** What bench/memoryChild.ts takes and reports. */

export const RESULT_MARKER = 'BENCH_MEMORY_RESULT ';

export interface MemoryCase {
	url: string;
	token: string;
	contacts: number;
	simplify: boolean;
	pageSize: number;
	sampleMs: number;
	/** Who reads the pages: the node through the engine (default), or a bare fetch loop (reference). */
	client?: 'node' | 'fetch';
	/** The node's Options → Parallel Requests; default 1. */
	parallelRequests?: number;
}

export interface MemorySample {
	rss: number;
	heapUsed: number;
	external: number;
	arrayBuffers: number;
}

export interface MemoryChildResult {
	items: number;
	requests?: number;
	/** After warm-up and a full GC, just before the timed run. */
	before: MemorySample;
	/** Highest values seen by the sampler (each field on its own). */
	peak: MemorySample & { heapAndExternal: number };
	/** The kernel's RSS high-water mark over the run (VmHWM after resetting it), when available. */
	peakRssKernel?: number;
	/** heapUsed after a full GC with the result still held, minus `before`. */
	retainedHeap: number;
	/** Buffer.byteLength(JSON.stringify(the output items' json)). */
	jsonBytes: number;
	samples: number;
	runMs: number;
}
