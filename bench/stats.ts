/** Small statistics and formatting helpers. */

export function median(values: readonly number[]): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function round(value: number, digits = 2): number {
	const factor = 10 ** digits;
	return Math.round(value * factor) / factor;
}

export function pages(records: number, pageSize: number): number {
	return Math.ceil(records / pageSize);
}

export const MB = 1024 * 1024;

export function mb(bytes: number): string {
	return `${(bytes / MB).toFixed(1)} MB`;
}

export function ms(value: number): string {
	return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

export function thousands(value: number): string {
	return value.toLocaleString('en-US');
}
