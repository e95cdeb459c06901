// The secrets of the channels other than Graph in the editor: the ACS connection string (SMS), the SMTP URL
// and the SendGrid API key, one of each per profile in SecretStorage, registered with the log's redaction
// whenever they are read or stored, and never shown. Set Channel Secret… asks for one in a password box,
// checked as it is typed with the same parsers the channels use. The sandbox profile on this machine takes
// its sandbox's ACS connection string by itself (from the sandbox the extension started, or handed over by
// `npm start`), so SMS works there with no setup.
import * as vscode from 'vscode';
import {
  ChannelNotSetUpError,
  channelLabel,
  parseAcsConnectionString,
  parseSmtpUrl,
  type ChannelSecrets,
  type TransportId,
} from '../core/channels';
import type { Profile } from '../core/config';
import { CancelledError, ValidationError } from '../core/errors';
import { isLocalSandboxProfile } from './localSandbox';
import type { SandboxInfo } from './sandboxLauncher';

export type ChannelSecretKind = keyof ChannelSecrets;
export const CHANNEL_SECRET_KINDS: readonly ChannelSecretKind[] = ['acsConnectionString', 'smtpUrl', 'sendgridApiKey'];

/** Set by `npm start` (test/e2e/start.mjs) for the editor it opens; only a local sandbox profile takes it. */
export const HANDED_SANDBOX_ACS_ENV = 'LC_SANDBOX_ACS_CONNECTION_STRING';

/** The SecretStorage key of a profile's channel secret. */
export function channelSecretName(profile: string, kind: ChannelSecretKind): string {
  return `lifeCockpit.${profile}.${kind}`;
}

/** Which secret a channel needs, and the reverse. */
export const SECRET_OF_CHANNEL: Readonly<Record<TransportId, ChannelSecretKind>> = {
  acsSms: 'acsConnectionString',
  smtp: 'smtpUrl',
  sendgrid: 'sendgridApiKey',
};

const LABELS: Readonly<Record<ChannelSecretKind, { label: string; hint: string }>> = {
  acsConnectionString: {
    label: 'ACS connection string (SMS)',
    hint: 'endpoint=https://<resource>.communication.azure.com/;accesskey=<key>',
  },
  smtpUrl: { label: 'SMTP URL (mail)', hint: 'smtp://user:password@host:587 or smtps://user:password@host:465' },
  sendgridApiKey: { label: 'SendGrid API key (mail)', hint: 'SG.…' },
};

const SENDGRID_KEY = /^SG\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** What is wrong with a typed secret (undefined when it is usable); the message never quotes the value. */
export function channelSecretProblem(kind: ChannelSecretKind, value: string): string | undefined {
  const text = value.trim();
  if (text === '') return `Paste the ${LABELS[kind].label}.`;
  try {
    if (kind === 'acsConnectionString') parseAcsConnectionString(text);
    else if (kind === 'smtpUrl') parseSmtpUrl(text);
    else if (!SENDGRID_KEY.test(text))
      return 'A SendGrid API key reads SG.<id>.<secret> (SendGrid › Settings › API Keys, shown once when made).';
    return undefined;
  } catch (error) {
    return error instanceof ValidationError
      ? error.message.replace(/ in(to)? LC_\w+|\(LC_\w+\) /g, ' ')
      : 'Not usable.';
  }
}

/** The parts of a secret that could be logged on their own (a connection string's key, an SMTP password). */
function secretParts(kind: ChannelSecretKind, value: string): string[] {
  try {
    if (kind === 'acsConnectionString') return [value, parseAcsConnectionString(value).accessKey];
    if (kind === 'smtpUrl') return [value, parseSmtpUrl(value).password];
  } catch {
    // An unusable secret is not used; the whole value is still masked.
  }
  return [value];
}

export interface ChannelSecretSources {
  secrets: Pick<vscode.SecretStorage, 'get' | 'store' | 'delete'>;
  hub: { addSecret(secret: string | undefined): void };
  /** The sandbox the extension started, if it runs. */
  sandbox?: { readonly running: SandboxInfo | undefined };
  env?: NodeJS.ProcessEnv;
}

/**
 * The channel secrets of `profile`, as the sender needs them: each from SecretStorage under the profile's own
 * name, and for a sandbox profile on this machine the sandbox's ACS connection string first. Each is
 * registered with the log's redaction before it is used.
 */
export async function channelSecretsOf(
  sources: ChannelSecretSources,
  profile: Pick<Profile, 'name' | 'kind' | 'authorityHost'>,
): Promise<ChannelSecrets> {
  const result: ChannelSecrets = {};
  for (const kind of CHANNEL_SECRET_KINDS) {
    const value = await sources.secrets.get(channelSecretName(profile.name, kind));
    if (value !== undefined && value !== '') result[kind] = value;
  }
  const fromSandbox = sandboxAcsConnectionString(sources, profile);
  if (fromSandbox !== undefined) result.acsConnectionString = fromSandbox;
  for (const kind of CHANNEL_SECRET_KINDS) {
    const value = result[kind];
    if (value !== undefined) for (const part of secretParts(kind, value)) sources.hub.addSecret(part);
  }
  return result;
}

/**
 * The sandbox's ACS connection string, when `profile` is a sandbox on this machine and the string's endpoint
 * is on this machine too (its key never goes anywhere else): the started sandbox's, else the one `npm start`
 * handed over.
 */
export function sandboxAcsConnectionString(
  sources: Pick<ChannelSecretSources, 'sandbox' | 'env'>,
  profile: Pick<Profile, 'kind' | 'authorityHost'>,
): string | undefined {
  if (!isLocalSandboxProfile(profile)) return undefined;
  const running = sources.sandbox?.running;
  const started = running && sameOrigin(running.knownAuthority, profile.authorityHost) ? running : undefined;
  const candidates = [started?.acsConnectionString, (sources.env ?? process.env)[HANDED_SANDBOX_ACS_ENV]];
  return candidates.map((c) => c?.trim()).find((c): c is string => !!c && endpointIsLocal(c));
}

function endpointIsLocal(connectionString: string): boolean {
  try {
    const { hostname } = parseAcsConnectionString(connectionString).endpoint;
    return ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
  } catch {
    return false;
  }
}

function sameOrigin(knownAuthority: string, authorityHost: string): boolean {
  try {
    return new URL(`https://${knownAuthority}`).origin === new URL(authorityHost).origin;
  } catch {
    return false;
  }
}

type Services = ChannelSecretSources & {
  config: { loaded: { activeProfile: Profile | undefined } };
  log: { info(message: string, fields?: Record<string, unknown>): void };
};

/**
 * Set Channel Secret…: picks a secret of the active profile (or clears one), asks for it in a password box
 * checked as it is typed, and stores it under that profile, the one named in the box's title, even if the
 * workspace switches profile while the box is open.
 */
export async function setChannelSecret(s: Services, preselect?: unknown): Promise<void> {
  const profile = s.config.loaded.activeProfile;
  if (!profile)
    throw new ValidationError('No profile is active: run "Life Cockpit: Sign In" or "Start Sandbox" first.', {
      code: 'config.noProfile',
    });
  const name = profile.name;
  const isSet = async (kind: ChannelSecretKind) => (await s.secrets.get(channelSecretName(name, kind))) !== undefined;
  let kind = chosenKind(preselect);
  if (kind === undefined) {
    const items: Array<vscode.QuickPickItem & { secret: ChannelSecretKind | 'clear' }> = [];
    for (const k of CHANNEL_SECRET_KINDS) {
      const used = usedBy(profile, k);
      items.push({
        label: LABELS[k].label,
        description: `${(await isSet(k)) ? 'set' : 'not set'}${used ? '' : ` · used when mailChannel is ${k === 'smtpUrl' ? 'smtp' : 'sendgrid'}`}`,
        detail: LABELS[k].hint,
        secret: k,
      });
    }
    items.push({ label: 'Clear a Channel Secret…', secret: 'clear' });
    const pick = await vscode.window.showQuickPick(items, {
      title: `Life Cockpit: channel secrets of profile ${name}`,
      placeHolder: 'Which secret to set (kept in the editor’s secret storage, never in settings)',
    });
    if (!pick) return;
    if (pick.secret === 'clear') return clearChannelSecret(s, profile);
    kind = pick.secret;
  }
  const chosen = kind;
  const value = await vscode.window.showInputBox({
    title: `${LABELS[chosen].label} of profile ${name}`,
    prompt: `${LABELS[chosen].hint}. Kept in the editor’s secret storage for profile ${name}, never in settings or logs.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (text) => channelSecretProblem(chosen, text),
  });
  if (value === undefined) throw new CancelledError('No secret was given; nothing was stored.');
  const secret = value.trim();
  for (const part of secretParts(chosen, secret)) s.hub.addSecret(part);
  await s.secrets.store(channelSecretName(name, chosen), secret);
  s.log.info('channel secret stored', { profile: name, secret: chosen });
  void vscode.window.showInformationMessage(
    `Stored the ${LABELS[chosen].label} of profile ${name} in the editor’s secret storage.`,
  );
}

async function clearChannelSecret(s: Services, profile: Profile): Promise<void> {
  const set = [];
  for (const kind of CHANNEL_SECRET_KINDS)
    if ((await s.secrets.get(channelSecretName(profile.name, kind))) !== undefined)
      set.push({ label: LABELS[kind].label, secret: kind });
  if (set.length === 0) {
    void vscode.window.showInformationMessage(`Profile ${profile.name} has no channel secret stored.`);
    return;
  }
  const pick = await vscode.window.showQuickPick(set, { title: `Clear a channel secret of profile ${profile.name}` });
  if (!pick) return;
  await s.secrets.delete(channelSecretName(profile.name, pick.secret));
  s.log.info('channel secret cleared', { profile: profile.name, secret: pick.secret });
  void vscode.window.showInformationMessage(`Removed the ${pick.label} of profile ${profile.name}.`);
}

function chosenKind(arg: unknown): ChannelSecretKind | undefined {
  if (typeof arg !== 'string') return undefined;
  if ((CHANNEL_SECRET_KINDS as readonly string[]).includes(arg)) return arg as ChannelSecretKind;
  return SECRET_OF_CHANNEL[arg as TransportId];
}

function usedBy(profile: Profile, kind: ChannelSecretKind): boolean {
  if (kind === 'smtpUrl') return profile.mailChannel === 'smtp';
  if (kind === 'sendgridApiKey') return profile.mailChannel === 'sendgrid';
  return true;
}

/** The channels whose reminders a send skipped because their secret is not set (ChannelNotSetUpError). */
export function channelsNotSetUp(
  items: readonly { outcome: string; error?: string | undefined }[],
  profile: string,
): TransportId[] {
  const ids = Object.keys(SECRET_OF_CHANNEL) as TransportId[];
  const messages = new Map(ids.map((id) => [new ChannelNotSetUpError(id, profile).message, id]));
  const found = new Set<TransportId>();
  for (const item of items) {
    const id = item.outcome === 'skipped' && item.error ? messages.get(item.error) : undefined;
    if (id) found.add(id);
  }
  return [...found];
}

/** What the editor says after such a send, with the command that fixes it. */
export function notSetUpMessage(channels: readonly TransportId[], skipped: number, profile: string): string {
  const names = channels.map((c) => channelLabel(c)).join(' and ');
  return `${skipped} reminder${skipped === 1 ? ' was' : 's were'} not sent: ${names} ${channels.length === 1 ? 'is' : 'are'} not set up for profile "${profile}". Run "Set Channel Secret…" to store ${channels.length === 1 ? 'its secret' : 'their secrets'}; they stay due and leave with the next send.`;
}
