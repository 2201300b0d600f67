/* eslint-disable @n8n/community-nodes/no-restricted-imports */
/**
 * tsx resolves an extensionless import with Node's CommonJS order (.js, .json, .node) before trying
 * .ts, so `…/BotPenguinInbox.node` (as imported by test/helpers/engine.ts) becomes the codex file
 * `BotPenguinInbox.node.json`. Jest tries .ts first. Import this module before the engine helper to
 * make tsx pick the TypeScript source, as Jest does.
 */
import Module from 'node:module';

type Resolve = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const original = loader._resolveFilename;

loader._resolveFilename = function (request, parent, isMain, options) {
	const resolved = original.call(this, request, parent, isMain, options);
	if (resolved.endsWith('.node.json') && !request.endsWith('.json')) {
		try {
			return original.call(this, `${request}.ts`, parent, isMain, options);
		} catch {
			return resolved;
		}
	}
	return resolved;
};
