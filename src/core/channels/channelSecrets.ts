// The one place the channels' secrets are read from a runtime's secret registry (the CLI's environment and
// `.env`, the worker's app settings, the agents' server's environment), so `lc reminders send`, the worker
// and `reminders_send` see the same three secrets under the same names (SECRET_ENV), and every runtime
// registers them for redaction the same way.
import type { SecretName } from '../config';
import type { ChannelSecrets } from './channelsFor';

/** The secret names (SECRET_ENV) of the channels: ACS's connection string, the SMTP URL, SendGrid's key. */
export const CHANNEL_SECRET_NAMES = ['acsConnectionString', 'smtpUrl', 'sendgridApiKey'] as const satisfies readonly (
  SecretName | keyof ChannelSecrets
)[];

export type ChannelSecretName = (typeof CHANNEL_SECRET_NAMES)[number];

/** Reads the channel secrets through a runtime's lookup (`CliRuntime.secret`, or `environmentSecret(env)`). */
export function readChannelSecrets(secret: (name: ChannelSecretName) => string | undefined): ChannelSecrets {
  const secrets: ChannelSecrets = {};
  for (const name of CHANNEL_SECRET_NAMES) {
    const value = secret(name)?.trim();
    if (value) secrets[name] = value;
  }
  return secrets;
}
