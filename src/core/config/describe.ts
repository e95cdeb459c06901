// Renders the effective configuration for people (Show Configuration, `lc config show`) and for
// machines (`--json`): every value with the layer it came from, secrets only as "set"/"not set"; and
// the one phrase every confirmation of an effect uses to name where it will land.
import { redactUrlUserinfo } from '../log';
import type { LoadedConfiguration, ConfigLayer } from './loader';
import type { Profile, SecretName } from './schema';

/**
 * Where an effect lands, for every confirmation prompt (editor and CLI alike): the profile, its
 * tenant, and LIVE in capitals when real clients and money are on the other end.
 */
export function describeTarget(profile: Pick<Profile, 'name' | 'kind' | 'tenantId'>): string {
  const kind = profile.kind === 'live' ? 'LIVE' : profile.kind;
  const tenant = profile.tenantId ? `tenant ${profile.tenantId}` : 'no tenant set';
  return `the ${kind} profile "${profile.name}" (${tenant})`;
}

export interface SecretPresence {
  name: SecretName;
  /** Where it would come from: "SecretStorage" or an env var name. */
  store: string;
  isSet: boolean;
}

export interface ConfigEntry {
  key: string;
  value: unknown;
  source: ConfigLayer | 'secret';
}

export function configEntries(loaded: LoadedConfiguration, secrets: readonly SecretPresence[] = []): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  for (const [path, source] of Object.entries(loaded.sources)) {
    entries.push({ key: path, value: shown(valueOf(loaded, path)), source });
  }
  for (const secret of secrets) {
    entries.push({
      key: `secrets.${secret.name}`,
      value: secret.isSet ? `******** (${secret.store})` : `not set (${secret.store})`,
      source: 'secret',
    });
  }
  return entries.sort((a, b) => a.key.localeCompare(b.key));
}

export function renderConfiguration(loaded: LoadedConfiguration, secrets: readonly SecretPresence[] = []): string {
  const lines = [
    '# Life Cockpit: effective configuration',
    `# active profile: ${loaded.config.activeProfile}${loaded.activeProfile ? '' : ' (not defined: signed out)'}`,
    '',
  ];
  const entries = configEntries(loaded, secrets);
  const width = Math.min(48, Math.max(...entries.map((e) => e.key.length)));
  for (const entry of entries) {
    lines.push(`${entry.key.padEnd(width)}  ${JSON.stringify(entry.value)}  [${entry.source}]`);
  }
  if (loaded.problems.length > 0) {
    lines.push('', '# problems (these values were ignored)');
    for (const p of loaded.problems) lines.push(`${p.key} (from ${p.layer}): ${p.message}`);
  }
  if (loaded.warnings.length > 0) {
    lines.push('', '# warnings (these values are in use)');
    for (const p of loaded.warnings) lines.push(`${p.key} (from ${p.layer}): ${p.message}`);
  }
  return lines.join('\n') + '\n';
}

/** A URL is shown with where it points, never with a password in it (`https://user:secret@…`). */
function shown(value: unknown): unknown {
  return typeof value === 'string' ? redactUrlUserinfo(value) : value;
}

function valueOf(loaded: LoadedConfiguration, path: string): unknown {
  const parts = path.split('.');
  if (parts[0] === 'profiles') {
    const profile = loaded.config.profiles.find((p) => p.name === parts[1]);
    return profile ? (profile as Record<string, unknown>)[parts[2]] : undefined;
  }
  let node: unknown = loaded.config;
  for (const part of parts) node = (node as Record<string, unknown> | undefined)?.[part];
  return node;
}
