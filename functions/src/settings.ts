// The app settings the worker reads, in one place: the unit test holds local.settings.example.json and
// main.bicep to this list, so a setting the code reads is never missing from either. Profile settings
// (LC_TENANT_ID, LC_MAILBOX, …) are the CLI's own names, read by the core's configuration loader.

/** Read in Azure and locally alike. */
export const SHARED_SETTINGS = [
  'FUNCTIONS_WORKER_RUNTIME',
  // NCRONTAB (six fields) of the timer; the host reads it through `%LC_WORKER_SCHEDULE%`.
  'LC_WORKER_SCHEDULE',
  // The queue of mailboxes with due work; the queue trigger names it through `%LC_WORKER_QUEUE%`.
  'LC_WORKER_QUEUE',
  'LC_TENANT_ID',
  'LC_CLIENT_ID',
  'LC_DATAVERSE_URL',
  'LC_MAILBOX',
  // A Key Vault reference in Azure; empty locally unless payments are reconciled.
  'LC_STRIPE_SECRET_KEY',
] as const;

/** Only on a developer's machine: Azurite's connection string and the app registration's secret. */
export const LOCAL_SETTINGS = ['AzureWebJobsStorage', 'LC_CLIENT_SECRET'] as const;

/** Only in Azure: identity-based storage and the user-assigned managed identity. */
export const AZURE_SETTINGS = [
  'AzureWebJobsStorage__accountName',
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
  'AZURE_CLIENT_ID',
] as const;

/**
 * The channels' secrets (SMS through ACS, SMTP, SendGrid), read through the core's channel secret reader under
 * the CLI's names. Optional: main.bicep sets none of them (a Key Vault reference to a secret that is not in the
 * vault would reach the code as its literal text); add each one you use as a Key Vault reference (README).
 */
export const CHANNEL_SECRET_SETTINGS = ['LC_ACS_CONNECTION_STRING', 'LC_SMTP_URL', 'LC_SENDGRID_API_KEY'] as const;

/** Settings holding secrets: never a value in local.settings.example.json, only Key Vault references in Azure. */
export const SECRET_SETTINGS = ['LC_CLIENT_SECRET', 'LC_STRIPE_SECRET_KEY', ...CHANNEL_SECRET_SETTINGS] as const;

export const DEFAULT_QUEUE = 'lc-due-mailboxes';

export type SettingName =
  (typeof SHARED_SETTINGS)[number] | (typeof LOCAL_SETTINGS)[number] | (typeof AZURE_SETTINGS)[number];

/** One setting's value, blank as absent. */
export function setting(env: NodeJS.ProcessEnv, name: SettingName): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
