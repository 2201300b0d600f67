/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test infrastructure: these rules guard code that runs inside n8n, not tests */
/**
 * e2e/lib.sh's exit trap stops what a run started, removes or keeps its folder and prunes old run
 * folders. Whatever it finds there, the script's exit status must stay the run's own: a first run on a
 * new machine (no earlier run folders) once exited 2 after every check had passed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const LIB = path.resolve(__dirname, '../../e2e/lib.sh');

let root: string;
beforeEach(() => {
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-e2e-lib-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** A script that starts a run of kind "e2e" the way run.sh does, under `set -euo pipefail`, and exits. */
function runScript(exitCode: number) {
	const script = `set -euo pipefail; . "$LIB"; e2e_new_run e2e; echo "$RUN"; exit ${exitCode}`;
	const result = spawnSync('bash', ['-c', script], {
		env: { ...process.env, LIB, N8N_E2E_ROOT: root, E2E_KEEP: '' },
		encoding: 'utf8',
		timeout: 20_000,
	});
	return { status: result.status, runFolder: result.stdout.trim(), stderr: result.stderr };
}

function runFolders(): string[] {
	return fs
		.readdirSync(path.join(root, 'runs'))
		.filter((name) => name.startsWith('e2e-'))
		.sort();
}

/** Old run folders of kind "e2e", oldest first, with distinct modification times. */
function makeOldRuns(count: number): string[] {
	const names: string[] = [];
	for (let i = 0; i < count; i++) {
		const name = `e2e-2020010${i}-000000.old${i}`;
		const folder = path.join(root, 'runs', name);
		fs.mkdirSync(folder, { recursive: true });
		const time = new Date(Date.UTC(2020, 0, 1 + i));
		fs.utimesSync(folder, time, time);
		names.push(name);
	}
	return names;
}

describe('e2e/lib.sh: the exit status of a run is its own, whatever cleanup finds', () => {
	it('a passing run with no earlier run folders exits 0 and removes its folder', () => {
		const { status, runFolder, stderr } = runScript(0);
		expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
		expect(fs.existsSync(runFolder)).toBe(false);
	});

	it('a failing run with no earlier run folders exits 1 and keeps its folder', () => {
		const { status, runFolder, stderr } = runScript(1);
		expect(status).toBe(1);
		expect(stderr).toContain(`run folder kept: ${runFolder}`);
		expect(fs.existsSync(runFolder)).toBe(true);
	});

	it('a passing run among seven old run folders exits 0 and keeps the five newest', () => {
		const old = makeOldRuns(7);
		const { status } = runScript(0);
		expect(status).toBe(0);
		expect(runFolders()).toEqual(old.slice(2));
	});

	it('a failing run among seven old run folders exits 1; its own folder is among the five kept', () => {
		const old = makeOldRuns(7);
		const { status, runFolder } = runScript(1);
		expect(status).toBe(1);
		expect(runFolders()).toEqual([...old.slice(3), path.basename(runFolder)].sort());
	});

	it('other kinds of run folders are left alone', () => {
		fs.mkdirSync(path.join(root, 'runs', 'ui-20200101-000000.keep'), { recursive: true });
		makeOldRuns(6);
		expect(runScript(0).status).toBe(0);
		expect(fs.existsSync(path.join(root, 'runs', 'ui-20200101-000000.keep'))).toBe(true);
	});
});
