// Builds the channels other than Graph a profile can send through, from its settings and the secrets that are
// set: SMS through ACS when its connection string is set; the profile's mail channel (SMTP or SendGrid) when
// it is not Graph and its secret is set. A channel whose secret is missing is left out, and the sender skips
// its reminders with ChannelNotSetUpError's message; a malformed secret is logged (by its code, never its
// value) and left out the same way, so it does not stop the other channels.
import type { Clock } from '../clock';
import type { Profile } from '../config';
import { toLifeCockpitError } from '../errors';
import type { HttpClient } from '../http';
import type { Logger } from '../log';
import { createAcsSmsChannel } from './acsSms';
import { createSendGridChannel } from './sendgrid';
import { createSmtpChannel } from './smtp';
import type { TransportChannel, TransportId, Transports } from './types';

/** The channel secrets, from SecretStorage (editor) or the environment (CLI, worker, MCP). */
export interface ChannelSecrets {
  acsConnectionString?: string | undefined;
  smtpUrl?: string | undefined;
  sendgridApiKey?: string | undefined;
}

export interface ChannelsForDeps {
  http: HttpClient;
  clock: Clock;
  log: Logger;
  /** A CA for the SMTP server instead of the system's (a test server). */
  smtpCa?: string | Buffer;
}

export function channelsFor(
  profile: Pick<Profile, 'name' | 'kind' | 'mailChannel' | 'sendgridUrl'>,
  secrets: ChannelSecrets,
  deps: ChannelsForDeps,
): Transports {
  const { http, clock, log } = deps;
  const transports: Transports = {};
  const build = (id: TransportId, make: () => TransportChannel): void => {
    try {
      transports[id] = make();
    } catch (error) {
      const typed = toLifeCockpitError(error);
      log.error('channel not built: its secret is not usable', {
        channel: id,
        profile: profile.name,
        code: typed.code,
      });
    }
  };
  const acs = secrets.acsConnectionString;
  if (acs) build('acsSms', () => createAcsSmsChannel({ http, connectionString: acs, clock, log }));
  const smtpUrl = secrets.smtpUrl;
  if (profile.mailChannel === 'smtp' && smtpUrl) {
    build('smtp', () => createSmtpChannel({ smtpUrl, clock, log, ...(deps.smtpCa ? { ca: deps.smtpCa } : {}) }));
  }
  const apiKey = secrets.sendgridApiKey;
  if (profile.mailChannel === 'sendgrid' && apiKey) {
    build('sendgrid', () =>
      createSendGridChannel({ http, apiKey, baseUrl: profile.sendgridUrl, clock, log, profileKind: profile.kind }),
    );
  }
  return transports;
}

/** Closes what the channels hold open (SMTP's connection pool) once a run is done with them. */
export async function closeTransports(transports: Transports | undefined): Promise<void> {
  await Promise.allSettled(Object.values(transports ?? {}).map((t) => t?.close?.()));
}
