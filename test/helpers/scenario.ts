/**
 * Plumbing for the scenario tests in test/node: one simulator per test file, fresh data before every
 * test, and short ways to run the node against it and to look at what went over the wire.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { jsonOf, runNode } from './engine';
import type { RunOptions, RunResult } from './engine';
import { startSimulator } from '../simulator/server';
import type { Contact, RecordedRequest, Simulator, SimulatorOptions } from '../simulator/server';

export interface Scenario {
	/** The file's simulator; its data is regenerated and its requests cleared before every test. */
	readonly sim: Simulator;
	/** Credentials that the simulator accepts. */
	readonly credentials: { apiToken: string; baseUrl: string };
	/** Runs the node with these parameters against the simulator. */
	run(parameters: INodeParameters, options?: Partial<RunOptions>): Promise<RunResult>;
}

/**
 * Starts a simulator for the calling test file (beforeAll/afterAll) and resets it before each test,
 * including the options a test may have changed with `setOptions`.
 */
export function useSimulator(options: SimulatorOptions = {}): Scenario {
	let sim: Simulator | undefined;
	const scenario: Scenario = {
		get sim() {
			if (!sim) throw new Error('The simulator is not running (use the scenario inside a test)');
			return sim;
		},
		get credentials() {
			return { apiToken: scenario.sim.token, baseUrl: scenario.sim.url };
		},
		async run(parameters, extra = {}) {
			return await runNode({ credentials: scenario.credentials, ...extra, parameters });
		},
	};
	beforeAll(async () => {
		sim = await startSimulator(options);
	});
	afterAll(async () => {
		await sim?.close();
	});
	beforeEach(() => {
		scenario.sim.reset();
		scenario.sim.setOptions({
			pageSize: options.pageSize ?? 20,
			latencyMs: options.latencyMs ?? 0,
			badTokenStatus: options.badTokenStatus ?? 401,
			order: options.order ?? 'newestFirst',
		});
	});
	return scenario;
}

/** Credentials the simulator rejects: its own token reversed, so the value is never a literal. */
export function wrongCredentials(sim: Simulator): { apiToken: string; baseUrl: string } {
	return { apiToken: [...sim.token].reverse().join(''), baseUrl: sim.url };
}

/** The recorded requests to one endpoint, in order. */
export function requestsTo(sim: Simulator, method: string, path: string): RecordedRequest[] {
	return sim.requests.filter((request) => request.method === method && request.path === path);
}

/** The JSON body of a recorded request, typed for reading. */
export function bodyOf<T = IDataObject>(request: RecordedRequest): T {
	return request.body as T;
}

/** The error of a run, or a failed expectation that names what came out instead. */
export function errorOf(result: RunResult): NonNullable<RunResult['error']> {
	if (!result.error) {
		throw new Error(
			`Expected the run to fail, but it returned ${JSON.stringify(jsonOf(result)).slice(0, 300)}`,
		);
	}
	return result.error;
}

/** Everything a user could read about a failed run: message, description and the error items. */
export function errorText(result: RunResult): string {
	const parts: string[] = [];
	if (result.error) parts.push(result.error.message, String(result.error.description ?? ''));
	for (const item of result.items) {
		if (item.error) parts.push(item.error.message, String(item.error.description ?? ''));
	}
	return parts.join('\n');
}

export { jsonOf };

let addedContacts = 0;

export interface ContactDetails {
	name?: string;
	email?: string;
	phone?: { prefix: string; number: string };
	/** Set to a string to store it; left out, the contact has none. */
	whatsAppNumber?: string;
}

/**
 * Puts a contact with these details into the simulator's live data, at position `at` of the listing
 * (default: first), as a copy of a seed contact with a fresh ID. Returns it.
 */
export function addContact(sim: Simulator, details: ContactDetails, at = 0): Contact {
	const contact = JSON.parse(JSON.stringify(sim.state.contacts[0])) as Contact;
	contact._id = `ffffffffffff${String(++addedContacts).padStart(12, '0')}`;
	contact.status = 'OPEN';
	const userDetails = contact.profile.userDetails;
	userDetails.userProvidedName = details.name ?? 'Added Contact';
	userDetails.contact = {
		email: details.email ?? '',
		phone: details.phone ?? { prefix: '', number: '' },
	};
	userDetails.attributes = [];
	delete userDetails.whatsAppNumber;
	if (details.whatsAppNumber !== undefined) userDetails.whatsAppNumber = details.whatsAppNumber;
	sim.state.contacts.splice(at, 0, contact);
	return contact;
}

/** The email of a live seed contact, for Contact → Get. */
export function someEmail(sim: Simulator): string {
	const contact = sim.state.contacts.find(
		(candidate) =>
			candidate.status !== 'DELETED' && candidate.profile.userDetails.contact.email !== '',
	);
	if (!contact) throw new Error('The simulator holds no contact with an email');
	return contact.profile.userDetails.contact.email;
}
