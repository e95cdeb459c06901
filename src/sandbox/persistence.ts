// Saves and loads the sandbox's state with --data FILE: the practice seed plus every service's
// exportState(), as one JSON document written atomically (temp file + rename), so a crash mid-save
// never leaves half a file behind.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ValidationError } from '../core/errors';
import type { PracticeSeed } from './types';

export const STATE_FORMAT_VERSION = 1;

export interface SandboxState {
  format: 'life-cockpit-sandbox';
  version: number;
  savedAt: string;
  seed: string;
  practice: PracticeSeed;
  services: Record<string, unknown>;
}

export async function loadStateFile(file: string): Promise<SandboxState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // first run: nothing saved yet
    throw error;
  }
  return parseState(JSON.parse(text) as unknown, file);
}

export async function saveStateFile(file: string, state: SandboxState): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(state), { mode: 0o600 });
  await rename(temp, file);
}

/** Checks the envelope; each service validates its own part in importState. */
export function parseState(value: unknown, source = 'the state'): SandboxState {
  const state = value as Partial<SandboxState> | null;
  const practice = state?.practice as Partial<PracticeSeed> | undefined;
  if (
    state === null ||
    typeof state !== 'object' ||
    state.format !== 'life-cockpit-sandbox' ||
    typeof state.version !== 'number' ||
    typeof practice?.tenantId !== 'string' ||
    !Array.isArray(practice.clients) ||
    typeof state.services !== 'object' ||
    state.services === null
  ) {
    throw new ValidationError(`${source} is not a Life Cockpit sandbox export.`, { code: 'sandbox.invalidState' });
  }
  if (state.version > STATE_FORMAT_VERSION) {
    throw new ValidationError(`${source} was written by a newer Life Cockpit (format ${state.version}).`, {
      code: 'sandbox.stateTooNew',
    });
  }
  return state as SandboxState;
}
