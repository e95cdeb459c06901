// Builds the effective configuration from its layers, highest first: the command line's --profile,
// environment variables, the workspace's `.env`, editor settings (`lifeCockpit.*`), defaults. Every leaf remembers the layer it
// came from, and a bad value becomes one ConfigProblem naming key, layer and what was expected —
// then it is dropped so the rest of the configuration still loads (the extension stays up, signed out;
// the CLI refuses to run a verb on it). An empty variable is a deliberate override: it clears what a
// lower layer set. An unknown field is named with the known key it most likely meant.
import { parse as parseDotenv } from 'dotenv';
import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { redactUrlUserinfo } from '../log';
import { configSchema, profileSchema, PROFILE_ENV, SETTING_ENV, type Configuration, type Profile } from './schema';

export type ConfigLayer = 'command line' | 'environment' | '.env' | 'settings' | 'default';

export interface ConfigInputs {
  env?: Readonly<Record<string, string | undefined>>;
  /** The text of the workspace's `.env` file, when there is one. */
  dotenvText?: string;
  /** Raw `lifeCockpit.*` settings as the editor holds them (only values the user set). */
  settings?: unknown;
  /**
   * Checks a path-valued setting (caFile, certificateFile): the reason it cannot be read, or undefined.
   * The CLI passes one so a missing CA is a configuration problem naming its key, not an ENOENT later.
   */
  checkFile?: (file: string) => string | undefined;
  /** A profile chosen in this workspace (Switch Profile), ranked with settings. */
  selectedProfile?: string;
  /** The CLI's `--profile`: wins over every layer, LC_PROFILE included. */
  commandLineProfile?: string;
}

export interface ConfigProblem {
  /** The key as the user would write it: `lifeCockpit.log.level` or `LC_LOG_LEVEL`. */
  key: string;
  /** The setting's dotted path (profiles by name: `profiles.sandbox.tenantId`), to find it again. */
  path: string;
  layer: ConfigLayer;
  message: string;
}

export interface LoadedConfiguration {
  config: Configuration;
  /** Dotted path (profiles by name: `profiles.sandbox.tenantId`) → the layer it came from. */
  sources: Readonly<Record<string, ConfigLayer>>;
  problems: readonly ConfigProblem[];
  /** Values that were used but deserve a word (a profile only the LC_* variables built). */
  warnings: readonly ConfigProblem[];
  /** The active profile, when it exists and is valid. */
  activeProfile: Profile | undefined;
}

type Raw = Record<string, unknown>;
interface Origin {
  layer: ConfigLayer;
  envVar?: string;
  /** The command-line flag that set it. */
  flag?: string;
}

/** Profiles the LC_* variables created because no profile had the name they were meant for → those variables. */
type EnvBuiltProfiles = Map<string, string[]>;

export function loadConfiguration(inputs: ConfigInputs): LoadedConfiguration {
  const origins = new Map<string, Origin>();
  const raw = settingsLayer(inputs.settings, origins);
  if (inputs.selectedProfile) setLeaf(raw, origins, 'activeProfile', inputs.selectedProfile, { layer: 'settings' });
  const dotenv = inputs.dotenvText ? parseDotenv(inputs.dotenvText) : {};
  const built: EnvBuiltProfiles = new Map();
  applyEnvLayer(raw, origins, dotenv, '.env', inputs.commandLineProfile, built);
  applyEnvLayer(raw, origins, inputs.env ?? {}, 'environment', inputs.commandLineProfile, built);
  if (inputs.commandLineProfile)
    setLeaf(raw, origins, 'activeProfile', inputs.commandLineProfile, { layer: 'command line', flag: '--profile' });
  const unknown = unknownFieldProblems(raw, origins);
  const { config, problems } = validateDroppingBadValues(raw, origins);
  problems.unshift(...unknown);
  if (inputs.checkFile) problems.push(...unreadableFileProblems(config, origins, inputs.checkFile));
  const sources = sourcesOf(config, origins);
  const activeProfile = config.profiles.find((p) => p.name === config.activeProfile);
  const warnings = activeProfile ? unknownProfileWarnings(config, origins, built) : [];
  return { config, sources, problems, warnings, activeProfile };
}

/** The problem that rejected the value at this path (`profiles.sandbox.tenantId`), if one did. */
export function problemAt(loaded: LoadedConfiguration, path: string): ConfigProblem | undefined {
  return loaded.problems.find((p) => p.path === path);
}

// ---------------------------------------------------------------------------------------------
// Layers

function settingsLayer(settings: unknown, origins: Map<string, Origin>): Raw {
  const raw: Raw = {};
  if (!isObject(settings)) return raw;
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined || value === null) continue;
    if (key === 'profiles' && Array.isArray(value)) {
      raw.profiles = value.map((p: unknown, index) => {
        const profile = isObject(p) ? { ...p } : p;
        const name = isObject(p) && typeof p.name === 'string' ? p.name : `#${index}`;
        if (isObject(profile))
          for (const field of Object.keys(profile)) origins.set(`profiles.${name}.${field}`, { layer: 'settings' });
        return profile;
      });
      continue;
    }
    raw[key] = structuredClone(value);
    for (const path of leafPaths(value, key)) origins.set(path, { layer: 'settings' });
  }
  return raw;
}

function applyEnvLayer(
  raw: Raw,
  origins: Map<string, Origin>,
  vars: Readonly<Record<string, string | undefined>>,
  layer: ConfigLayer,
  commandLineProfile: string | undefined,
  built: EnvBuiltProfiles,
): void {
  for (const [path, envVar] of Object.entries(SETTING_ENV)) {
    const text = vars[envVar];
    if (text === undefined) continue;
    if (text === '') clearLeaf(raw, origins, path, { layer, envVar });
    else setLeaf(raw, origins, path, coerce(schemaAt(configSchema, path), text), { layer, envVar });
  }
  const profileFields = Object.entries(PROFILE_ENV).filter(([, envVar]) => vars[envVar] !== undefined);
  const name = profileNameForVariables(raw, origins, commandLineProfile);
  const profiles = Array.isArray(raw.profiles) ? (raw.profiles as unknown[]) : [];
  let profile = profiles.find((p): p is Raw => isObject(p) && p.name === name);
  // Empty variables clear a field of an existing profile; they never build one on their own.
  for (const [field, envVar] of profileFields.filter(([, v]) => vars[v] === '')) {
    if (profile) delete profile[field];
    origins.set(`profiles.${name}.${field}`, { layer, envVar });
  }
  const given = profileFields.filter(([, envVar]) => vars[envVar] !== '');
  if (given.length === 0) return;
  raw.profiles = profiles;
  if (!profile) {
    profile = { name };
    profiles.push(profile);
    origins.set(`profiles.${name}.name`, { layer });
    built.set(name, []);
  }
  for (const [field, envVar] of given) {
    profile[field] = coerce(profileSchema.shape[field as keyof Profile], vars[envVar] as string);
    origins.set(`profiles.${name}.${field}`, { layer, envVar });
    built.get(name)?.push(envVar);
  }
}

/**
 * The LC_* profile variables belong to the profile LC_PROFILE names beside them; without one, to the
 * profile --profile names; else to the active one. So `lc --profile live` never relabels the sandbox
 * that `.env` describes as "live".
 */
function profileNameForVariables(raw: Raw, origins: Map<string, Origin>, commandLineProfile?: string): string {
  const layer = origins.get('activeProfile')?.layer;
  const namedByEnvironment = layer === 'environment' || layer === '.env';
  const name = namedByEnvironment ? raw.activeProfile : (commandLineProfile ?? raw.activeProfile);
  return typeof name === 'string' ? name : 'sandbox';
}

/** A mistyped LC_PROFILE builds a new profile from the LC_* variables: say so, and name the likely one. */
function unknownProfileWarnings(
  config: Configuration,
  origins: Map<string, Origin>,
  built: EnvBuiltProfiles,
): ConfigProblem[] {
  const name = config.activeProfile;
  const variables = built.get(name);
  const configured = config.profiles.map((p) => p.name).filter((n) => n !== name);
  if (!variables || configured.length === 0) return [];
  const origin = originOf(origins, 'activeProfile');
  const guess = nearestName(name, configured);
  return [
    {
      key: keyFor('activeProfile', origin),
      path: 'activeProfile',
      layer: origin.layer,
      message:
        `profile "${name}" was built from the environment (${[...new Set(variables)].join(', ')}), and no configured profile has that name` +
        ` (configured: ${configured.join(', ')})${guess ? `; did you mean "${guess}"?` : ''}`,
    },
  ];
}

/** The candidate a typo most likely meant, when one is close enough to be worth naming. */
export function nearestName(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(
    word.toLowerCase(),
    candidates.map((c) => c.toLowerCase()),
  );
  const index = candidates.findIndex((c) => c.toLowerCase() === best);
  return distance(word.toLowerCase(), best) <= Math.max(2, Math.floor(word.length / 3)) ? candidates[index] : undefined;
}

/** An empty variable: the value a lower layer set is gone, and the default (or nothing) applies. */
function clearLeaf(raw: Raw, origins: Map<string, Origin>, path: string, origin: Origin): void {
  const parts = path.split('.');
  const parent = valueAt(raw, parts.slice(0, -1));
  if (isObject(parent)) delete parent[parts[parts.length - 1]];
  origins.set(path, origin);
}

function setLeaf(raw: Raw, origins: Map<string, Origin>, path: string, value: unknown, origin: Origin): void {
  const parts = path.split('.');
  let node = raw;
  for (const part of parts.slice(0, -1)) {
    if (!isObject(node[part])) node[part] = {};
    node = node[part] as Raw;
  }
  node[parts[parts.length - 1]] = value;
  origins.set(path, origin);
}

// ---------------------------------------------------------------------------------------------
// Validation: drop each bad value (recording why) until what remains is valid.

function validateDroppingBadValues(
  raw: Raw,
  origins: Map<string, Origin>,
): { config: Configuration; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  for (let round = 0; round < 50; round++) {
    const result = configSchema.safeParse(raw);
    if (result.success) return { config: result.data, problems };
    for (const issue of result.error.issues) {
      const path = namedPath(raw, issue.path);
      const origin = originOf(origins, path);
      problems.push({
        key: keyFor(path, origin),
        path,
        layer: origin.layer,
        message: describe(issue, valueAt(raw, issue.path)),
      });
      dropAt(raw, issue.path);
    }
  }
  return { config: configSchema.parse({}), problems };
}

// ---------------------------------------------------------------------------------------------
// Unknown fields (a misspelt `dataverseURL`) and unreadable files: problems like any bad value.

function unknownFieldProblems(raw: Raw, origins: Map<string, Origin>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const visit = (node: unknown, schema: z.ZodType | undefined, issuePath: PropertyKey[]): void => {
    const inner = unwrap(schema);
    const def = inner && (inner as unknown as { _zod: { def: { type: string; element?: z.ZodType } } })._zod.def;
    if (def?.type === 'array' && Array.isArray(node)) {
      node.forEach((item, index) => visit(item, def.element, [...issuePath, index]));
      return;
    }
    const shape = inner && (inner as unknown as { shape?: Record<string, z.ZodType> }).shape;
    if (!shape || !isObject(node)) return;
    const known = Object.keys(shape);
    for (const key of Object.keys(node)) {
      if (!known.includes(key)) {
        const path = namedPath(raw, [...issuePath, key]);
        const origin = originOf(origins, path);
        const guess = nearestName(key, known);
        problems.push({
          key: keyFor(path, origin),
          path,
          layer: origin.layer,
          message: `unknown field "${key}"; ${guess ? `did you mean "${guess}"?` : `known fields: ${known.join(', ')}`}`,
        });
        delete node[key];
      } else visit(node[key], shape[key], [...issuePath, key]);
    }
  };
  visit(raw, configSchema, []);
  return problems;
}

function unreadableFileProblems(
  config: Configuration,
  origins: Map<string, Origin>,
  checkFile: (file: string) => string | undefined,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const profile of config.profiles) {
    for (const field of ['caFile', 'certificateFile'] as const) {
      const file = profile[field];
      const reason = file === undefined ? undefined : checkFile(file);
      if (reason === undefined) continue;
      const path = `profiles.${profile.name}.${field}`;
      const origin = originOf(origins, path);
      problems.push({
        key: keyFor(path, origin),
        path,
        layer: origin.layer,
        message: `expected a readable file; got ${JSON.stringify(file)} (${reason})`,
      });
      delete profile[field];
    }
  }
  return problems;
}

function describe(issue: z.core.$ZodIssue, received: unknown): string {
  // The rejected value is quoted back, but never a password in a URL.
  const got = received === undefined ? 'nothing' : redactUrlUserinfo(JSON.stringify(received));
  const expected =
    issue.code === 'invalid_value' ? `one of ${issue.values.map((v) => String(v)).join(', ')}` : issue.message;
  return `expected ${expected.replace(/^Invalid input: expected /, '')}; got ${got}`;
}

/** Turns an issue path with array indexes into our dotted path with profile names. */
function namedPath(raw: Raw, path: readonly PropertyKey[]): string {
  if (path[0] === 'profiles' && typeof path[1] === 'number') {
    const profile = (raw.profiles as unknown[])[path[1]];
    const name = isObject(profile) && typeof profile.name === 'string' ? profile.name : `#${path[1]}`;
    return ['profiles', name, ...path.slice(2).map(String)].join('.');
  }
  return path.map(String).join('.');
}

function originOf(origins: Map<string, Origin>, path: string): Origin {
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const origin = origins.get(p);
    if (origin) return origin;
  }
  return { layer: 'default' };
}

function keyFor(path: string, origin: Origin): string {
  const settingKey = path.startsWith('profiles.')
    ? `lifeCockpit.profiles[${path.split('.')[1]}]${path
        .split('.')
        .slice(2)
        .map((f) => `.${f}`)
        .join('')}`
    : `lifeCockpit.${path}`;
  if (origin.flag) return `${origin.flag} (${settingKey})`;
  return origin.envVar ? `${origin.envVar} (${settingKey})` : settingKey;
}

function valueAt(raw: Raw, path: readonly PropertyKey[]): unknown {
  let node: unknown = raw;
  for (const part of path)
    node = isObject(node) || Array.isArray(node) ? (node as Record<PropertyKey, unknown>)[part] : undefined;
  return node;
}

function dropAt(raw: Raw, path: readonly PropertyKey[]): void {
  // An issue on a whole profile (no field) or on its name drops the profile; otherwise the leaf.
  if (path[0] === 'profiles' && typeof path[1] === 'number' && (path.length === 2 || path[2] === 'name')) {
    (raw.profiles as unknown[]).splice(path[1], 1);
    return;
  }
  if (path.length === 0) return;
  const parent = valueAt(raw, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
  else if (isObject(parent)) delete parent[last as string];
}

// ---------------------------------------------------------------------------------------------
// Sources of the effective values

function sourcesOf(config: Configuration, origins: Map<string, Origin>): Record<string, ConfigLayer> {
  const sources: Record<string, ConfigLayer> = {};
  const { profiles, ...rest } = config;
  for (const path of leafPaths(rest, '')) sources[path] = originOf(origins, path).layer;
  for (const profile of profiles) {
    for (const field of Object.keys(profile)) {
      const path = `profiles.${profile.name}.${field}`;
      sources[path] = origins.get(path)?.layer ?? 'default';
    }
  }
  return sources;
}

function leafPaths(value: unknown, prefix: string): string[] {
  if (!isObject(value)) return prefix ? [prefix] : [];
  const entries = Object.entries(value);
  if (entries.length === 0) return prefix ? [prefix] : [];
  return entries.flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

// ---------------------------------------------------------------------------------------------
// Env-var text → typed value, by the schema's own type (so `LC_WEBHOOK_PORT=abc` fails validation
// naming the variable instead of being silently read as a string).

function schemaAt(schema: z.ZodType, path: string): z.ZodType | undefined {
  let node: z.ZodType | undefined = schema;
  for (const part of path.split('.')) {
    node = unwrap(node);
    const shape = node && (node as unknown as { shape?: Record<string, z.ZodType> }).shape;
    node = shape?.[part];
  }
  return node;
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let node = schema;
  for (let i = 0; i < 10 && node; i++) {
    const def = (node as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } } })._zod
      .def;
    if (def.innerType) node = def.innerType;
    else if (def.type === 'pipe' && def.in) node = def.in;
    else break;
  }
  return node;
}

function coerce(schema: z.ZodType | undefined, text: string): unknown {
  const inner = unwrap(schema);
  const type = inner ? (inner as unknown as { _zod: { def: { type: string } } })._zod.def.type : 'string';
  if (type === 'number') return text.trim() === '' || Number.isNaN(Number(text)) ? text : Number(text);
  if (type === 'boolean')
    return /^(true|1|yes|on)$/i.test(text) ? true : /^(false|0|no|off)$/i.test(text) ? false : text;
  if (type === 'object' || type === 'record') {
    // A mapping such as LC_TABLES is JSON; text that is not stays text, and the schema names the problem.
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  if (type === 'array') return text.split(',').map((part) => (Number.isNaN(Number(part)) ? part.trim() : Number(part)));
  return text;
}

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
