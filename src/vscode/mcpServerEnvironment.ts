// What the MCP server's process (`lc mcp`, started by the editor) is told, and how: the active profile
// and every setting `lc` reads, as the LC_* variables of the configuration schema, so the child sees the
// editor's effective profile exactly (a profile only the editor knows, such as a started sandbox's,
// included); and the profile's secrets, in the child's environment only: never in argv, never in a file.
import { createHash } from 'node:crypto';
import {
  PROFILE_ENV,
  SECRET_ENV,
  SETTING_ENV,
  type Configuration,
  type Profile,
  type SecretName,
} from '../core/config';
import type { BundledCliLaunch } from './sandboxLauncher';

/** Set by the editor, only after its own confirmation, for a live profile whose agentWrites is on. */
export const AGENT_WRITES_CONFIRMED_ENV = 'LC_AGENT_WRITES_CONFIRMED';

/** The server's name in Cursor (its API and .cursor/mcp.json). */
export const MCP_SERVER_NAME = 'life-cockpit';
/** The server's label in VS Code. */
export const MCP_SERVER_LABEL = 'Life Cockpit';

/**
 * Variables for the child. null removes a variable the editor's own environment holds (VS Code's
 * McpStdioServerDefinition.env), so a LC_CLIENT_SECRET exported in the shell that started the editor
 * never reaches a profile the editor holds no secret for.
 */
export type ChildEnvironment = Record<string, string | null>;

/** Everything one start of the server depends on: read fresh for each start. */
export interface McpLaunchInputs {
  config: Configuration;
  /** The workspace's active profile; undefined when its name matches no valid profile (the server says so). */
  profile: Profile | undefined;
  /** The profile's secrets the editor holds and may pass (see McpRegistration). */
  secrets: Partial<Record<SecretName, string>>;
  /** The editor confirmed agent writes on this live profile (AgentWritesGate). */
  agentWritesConfirmed: boolean;
}

/** The child's variables without any secret: what VS Code is given eagerly, and what the fingerprint covers. */
export function publicEnvironment(cli: BundledCliLaunch, inputs: McpLaunchInputs): ChildEnvironment {
  const env: ChildEnvironment = { ...cli.env };
  for (const [path, variable] of Object.entries(SETTING_ENV)) env[variable] = settingText(inputs, path);
  for (const [field, variable] of Object.entries(PROFILE_ENV) as Array<[keyof Profile, string]>)
    env[variable] = inputs.profile ? text(inputs.profile[field]) : null;
  for (const variable of Object.values(SECRET_ENV)) env[variable] = null;
  env[AGENT_WRITES_CONFIRMED_ENV] = agentWritesConfirmed(inputs) ? '1' : null;
  return env;
}

/** The child's variables with the profile's secrets: built only when the server starts. */
export function launchEnvironment(cli: BundledCliLaunch, inputs: McpLaunchInputs): ChildEnvironment {
  const env = publicEnvironment(cli, inputs);
  for (const [name, value] of Object.entries(inputs.secrets) as Array<[SecretName, string | undefined]>)
    if (value) env[SECRET_ENV[name]] = value;
  return env;
}

/** For APIs whose env cannot remove a variable (Cursor's): an empty LC_* variable counts as unset in `lc`. */
export function withoutRemovals(env: ChildEnvironment): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v ?? '']));
}

/**
 * Changes whenever a running server must restart: another profile or setting, a secret that came or
 * went (sign-in, sign-out, a Stripe key entered), agent writes confirmed or revoked. Secrets enter only as
 * present or absent, and the result is a hash, so it may be shown as the server's version.
 */
export function launchFingerprint(cli: BundledCliLaunch, inputs: McpLaunchInputs): string {
  const secretsSet = (Object.keys(SECRET_ENV) as SecretName[]).filter((name) => Boolean(inputs.secrets[name]));
  const basis = JSON.stringify({ cli, env: publicEnvironment(cli, inputs), secretsSet });
  return createHash('sha256').update(basis).digest('hex').slice(0, 12);
}

/**
 * The `.cursor/mcp.json` entry: the same launch with no secret and no removals (the file is read by
 * Cursor, may be committed, and outlives the editor's session), only the variables that carry a value.
 */
export function cursorConfigEntry(
  cli: BundledCliLaunch,
  inputs: Omit<McpLaunchInputs, 'secrets' | 'agentWritesConfirmed'>,
): { command: string; args: string[]; env: Record<string, string> } {
  const env = publicEnvironment(cli, { ...inputs, secrets: {}, agentWritesConfirmed: false });
  // An empty variable would clear what the user's own environment sets (an empty list is the default anyway).
  const carried = Object.entries(env).filter((entry): entry is [string, string] => Boolean(entry[1]));
  return { command: cli.command, args: [...cli.args], env: Object.fromEntries(carried) };
}

function agentWritesConfirmed(inputs: McpLaunchInputs): boolean {
  const profile = inputs.profile;
  return profile !== undefined && profile.kind === 'live' && profile.agentWrites && inputs.agentWritesConfirmed;
}

function settingText(inputs: McpLaunchInputs, path: string): string | null {
  if (path === 'activeProfile') return inputs.profile?.name ?? inputs.config.activeProfile;
  let node: unknown = inputs.config;
  for (const part of path.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  return text(node);
}

/** The text the configuration loader coerces back to the same value (lists comma-separated, mappings JSON). */
function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'object') return Object.keys(value).length === 0 ? null : JSON.stringify(value);
  return String(value);
}
