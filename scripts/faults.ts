/* eslint-disable @n8n/community-nodes/no-restricted-globals */
/**
 * `npm run faults` (= tsx scripts/faults.ts): runs every simulator fault against every operation of the
 * node, for real (real waits, real timeouts), and prints the matrix fault × operation → outcome.
 * Exits 1 if a cell hangs, crashes without a message, loses a contact, leaks the token or does not do
 * what the retry policy says.
 *
 *   npm run faults                  the whole matrix (about a minute)
 *   npm run faults -- 502 reset     only rows whose id contains one of the words (see --list)
 *   npm run faults -- --sequential  one cell at a time (slower; the default runs a row's cells at once)
 *   npm run faults -- --list        the row ids
 */
import { FAULTS, OPERATIONS } from '../test/faults/rows';
import { runMatrix } from '../test/faults/matrix';
import { badCells, formatCell, formatDetails, formatMatrix, LEGEND } from '../test/faults/report';

async function main(): Promise<number> {
	const args = process.argv.slice(2);
	if (args.includes('--list')) {
		for (const row of FAULTS) process.stdout.write(`${row.id.padEnd(22)} ${row.label}\n`);
		return 0;
	}
	const words = args.filter((arg) => !arg.startsWith('--'));
	const rows = words.length
		? FAULTS.filter((row) => row.id === 'none' || words.some((word) => row.id.includes(word)))
		: FAULTS;
	const parallel = !args.includes('--sequential');

	process.stdout.write(
		`Fault matrix: ${rows.length} faults × ${OPERATIONS.length} operations (the ×N columns with parallel requests) against the simulator, real waits${parallel ? ', cells of a row in parallel' : ''}\n`,
	);
	const matrix = await runMatrix({
		rows,
		parallel,
		deadlineMs: 30_000,
		onRow: (row, cells) => {
			const bad = cells.filter((cell) => cell.problems.length).length;
			const slowest = Math.max(...cells.map((cell) => cell.durationMs));
			process.stdout.write(
				`  ${row.label.padEnd(36)} ${String(slowest).padStart(6)} ms${
					bad
						? `  ${bad} bad: ${cells
								.filter((cell) => cell.problems.length)
								.map((cell) => `${cell.op.id} ${formatCell(cell)}`)
								.join(', ')}`
						: ''
				}\n`,
			);
		},
	});

	const bad = badCells(matrix);
	process.stdout.write(`\n${formatMatrix(matrix)}\n\n${LEGEND}\n\n${formatDetails(matrix)}\n\n`);
	const cells = matrix.cells.flat();
	const run = cells.filter((cell) => cell.status !== 'n/a').length;
	process.stdout.write(
		`${run} cells run (${cells.length - run} not applicable) in ${(matrix.durationMs / 1000).toFixed(1)} s: ` +
			(bad.length
				? `${bad.length} FAILED\n`
				: 'no hang, no crash without a message, no lost contact, no token leak, every outcome as the retry policy says\n'),
	);
	return bad.length ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
		process.exit(2);
	},
);
