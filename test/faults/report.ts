/** The fault matrix as a table: one short label per cell, the legend and the details of bad cells. */
import type { Baseline } from './expectations';
import { plural } from './judge';
import type { CellResult } from './judge';
import type { Matrix } from './matrix';

export function shortLabel(message: string | undefined): string {
	if (!message) return '?';
	const rules: [RegExp, (match: RegExpMatchArray) => string][] = [
		[/^Not sent: an earlier batch failed/, () => 'not sent'],
		[/limiting the request rate \(HTTP 429\)/, () => 'HTTP 429'],
		[/server error \(HTTP (\d+)\)/, (m) => `HTTP ${m[1]}`],
		[/rejected the API token/, () => 'token rejected'],
		[/not JSON/, () => 'not JSON'],
		[/without a data list/, () => 'no data list'],
		[/reported a failure/, () => 'success:false'],
		[/did not answer within/, () => 'timeout'],
		[/connection to BotPenguin was closed/, () => 'connection reset'],
		[/Could not reach BotPenguin \(([^)]+)\)/, (m) => m[1]],
		[/already sent/, () => 'page repeated'],
		[/Stopped after (\d+) pages/, (m) => `Max Pages (${m[1]})`],
		[/rejected the request \(HTTP (\d+)\)/, (m) => `HTTP ${m[1]}`],
	];
	for (const [pattern, label] of rules) {
		const match = message.match(pattern);
		if (match) return label(match);
	}
	return message.length > 24 ? `${message.slice(0, 23)}…` : message;
}

function attemptsOf(cell: CellResult): number {
	const note = /Gave up after (\d+) attempts/.exec(cell.description ?? '');
	return note ? Number(note[1]) : 1;
}

export function formatCell(cell: CellResult, base?: Baseline): string {
	const flags = cell.problems.map((problem) => `!${problem.split(':')[0]}`);
	const unique = [...new Set(flags)].join(' ');
	const suffix = unique ? ` ${unique}` : '';
	switch (cell.status) {
		case 'n/a':
			return '—';
		case 'hang':
			return `HANG${suffix}`;
		case 'ok': {
			const retries = base ? cell.requests - base.requests : 0;
			return `${retries > 0 ? `ok (${plural(retries, 'retry').replace('retrys', 'retries')})` : 'ok'}${suffix}`;
		}
		case 'error': {
			const attempts = attemptsOf(cell);
			return `error: ${shortLabel(cell.message)}${attempts > 1 ? ` ×${attempts}` : ''}${suffix}`;
		}
		case 'partial': {
			const sent = cell.items.filter((item) => item.status === 'sent').length;
			const failed = cell.items.filter((item) => item.status === 'failed').length;
			const reason = cell.items.find(
				(item) => item.status === 'failed' && !/^Not sent/.test(String(item.error)),
			);
			const described = String(reason?.errorDescription ?? '');
			const attempts = /Gave up after (\d+) attempts/.exec(described);
			return `${sent} sent, ${failed} failed: ${shortLabel(reason?.error as string | undefined)}${attempts ? ` ×${attempts[1]}` : ''}${suffix}`;
		}
	}
}

export function formatMatrix(matrix: Matrix): string {
	const header = ['fault \\ operation', ...matrix.operations.map((op) => op.id)];
	const body = matrix.rows.map((row, r) => [
		row.label,
		...matrix.cells[r].map((cell) => formatCell(cell, matrix.baselines.get(cell.op.id))),
	]);
	const widths = header.map((_, c) => Math.max(...[header, ...body].map((line) => line[c].length)));
	const line = (cells: string[]) =>
		cells
			.map((cell, c) => cell.padEnd(widths[c]))
			.join(' │ ')
			.trimEnd();
	const rule = widths.map((width) => '─'.repeat(width)).join('─┼─');
	return [line(header), rule, ...body.map(line)].join('\n');
}

export const LEGEND = [
	'Legend',
	'  ok                    items returned; the request count equals a fault-free run',
	'  ok (N retries)        the failed request was repeated N times (only that page / batch) and the run succeeded',
	'  error: X              the node stopped with a clear error (X = short form; messages below)',
	'  error: X ×N           ... after N attempts (1 + 3 retries): "Gave up after N attempts" in the description',
	'  S sent, F failed: X   import of 5 contacts in 3 batches of 2, fault on batch 2 (+1 invalid contact, always "rejected"):',
	'                        every contact is an output item with its status; "not sent" = stopped after a fatal error',
	'  —                     the fault cannot occur on this endpoint (paging faults on unpaged calls, missing data on writes)',
	'  retry scopes          reads: 429/502/503/504/reset/timeout; contact import, status, delete (idempotent): same;',
	'                        chat/lead update (may append notes): only 429 and 503, which mean "not processed"',
	'  !HANG !CRASH !LOST !LEAK !UNEXPECTED  a failed cell (no result in time / no clear message / a contact missing /',
	'                        token found in items, errors, run data, logs or console / outcome differs from the retry policy)',
].join('\n');

/** The full text of every distinct message in the matrix, and every problem. */
export function formatDetails(matrix: Matrix): string {
	const messages = new Map<string, string>();
	const problems: string[] = [];
	for (const row of matrix.cells) {
		for (const cell of row) {
			if (cell.message && cell.status !== 'ok') {
				const text = `${cell.message}${cell.description ? ` — ${cell.description}` : ''}`;
				if (!messages.has(text)) messages.set(text, shortLabel(cell.message));
			}
			for (const problem of cell.problems)
				problems.push(`  [${cell.row.label} × ${cell.op.id}] ${problem}`);
		}
	}
	const lines = ['Messages (each distinct message and description once, in order of appearance)'];
	for (const [text, label] of messages) lines.push(`  ${label.padEnd(16)} ${text}`);
	if (problems.length) lines.push('', `Problems (${problems.length})`, ...problems);
	return lines.join('\n');
}

export function badCells(matrix: Matrix): CellResult[] {
	return matrix.cells.flat().filter((cell) => cell.problems.length > 0);
}
