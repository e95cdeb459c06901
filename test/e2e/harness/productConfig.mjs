// The product's configuration module, loaded from its TypeScript source through tsx, so the harness reads
// the sandbox's ready line and writes the sandbox profile with the very code the extension runs.
import { require as requireTs } from 'tsx/cjs/api';

const config = requireTs('../../../src/core/config/index.ts', import.meta.url);

/** @type {(line: string) => Record<string, unknown>} */
export const parseSandboxReadyLine = config.parseSandboxReadyLine;
/** @type {(info: object, name?: string) => Record<string, string>} */
export const sandboxProfileSettings = config.sandboxProfileSettings;
