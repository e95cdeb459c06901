// The worker's services built from the app settings: the profile from the same LC_* settings the CLI reads
// (the core's configuration loader), clients signed in once per instance and shared by its invocations,
// logs on stdout (the host collects them; secret settings are redacted by the core's logger), the channels
// other than Graph from their secret settings (LC_ACS_CONNECTION_STRING, LC_SMTP_URL, LC_SENDGRID_API_KEY),
// and the queue on
// AzureWebJobsStorage: Azurite's connection string locally, the storage account by managed identity in Azure.
import { ManagedIdentityCredential } from '@azure/identity';
import { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import { connect, type ProfileClients } from '../../src/core/clients';
import { systemClock } from '../../src/core/clock';
import { channelsFor, readChannelSecrets } from '../../src/core/channels';
import {
  ConfigurationError,
  environmentSecrets,
  loadConfiguration,
  SECRET_ENV,
  type LoadedConfiguration,
  type SecretName,
} from '../../src/core/config';
import { formatHuman, LogHub } from '../../src/core/log';
import { resolveTables } from '../../src/core/practice';
import type { SenderDeps } from '../../src/core/reminders';
import { createStripeApi, type PaymentDeps } from '../../src/core/stripe';
import { workerTokens } from './identity';
import type { WorkerServices } from './services';
import { DEFAULT_QUEUE, setting } from './settings';

export function mailboxQueue(env: NodeJS.ProcessEnv): QueueClient {
  const name = setting(env, 'LC_WORKER_QUEUE') ?? DEFAULT_QUEUE;
  const connection = setting(env, 'AzureWebJobsStorage');
  if (connection) return QueueServiceClient.fromConnectionString(connection).getQueueClient(name);
  const account = setting(env, 'AzureWebJobsStorage__accountName');
  if (!account) {
    throw new ConfigurationError(
      'No storage for the queue: set AzureWebJobsStorage (a connection string, Azurite locally) or AzureWebJobsStorage__accountName with a managed identity.',
    );
  }
  const clientId = setting(env, 'AzureWebJobsStorage__clientId');
  const credential = clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
  return new QueueServiceClient(`https://${account}.queue.core.windows.net`, credential).getQueueClient(name);
}

/** Puts a message's text on the queue (made on first use), base64 as the queue trigger decodes it by default. */
export function queueSender(queue: QueueClient): (text: string) => Promise<void> {
  let ready: Promise<unknown> | undefined;
  return async (text) => {
    ready ??= queue.createIfNotExists();
    await ready;
    await queue.sendMessage(Buffer.from(text, 'utf8').toString('base64'));
  };
}

function problemsOf(loaded: LoadedConfiguration): string[] {
  const problems = loaded.problems.map((p) => `${p.key}: ${p.message}`);
  if (!loaded.activeProfile) problems.push('no profile: set LC_TENANT_ID, LC_CLIENT_ID and LC_DATAVERSE_URL');
  return problems;
}

export function environmentServices(env: NodeJS.ProcessEnv = process.env): WorkerServices {
  const loaded = loadConfiguration({ env });
  const hub = new LogHub({ level: loaded.config.log.level });
  hub.addSink({ write: (r) => process.stdout.write(`${r.level} ${formatHuman(r)}\n`) });
  // Every secret setting the CLI knows (the client secret, Stripe's key, the channels' secrets) is redacted.
  const secret = environmentSecrets(env);
  for (const name of Object.keys(SECRET_ENV) as SecretName[]) hub.addSecret(secret(name));
  const log = hub.logger('business');
  let clients: Promise<ProfileClients> | undefined;
  const signedIn = (): Promise<ProfileClients> => {
    const profile = loaded.activeProfile;
    if (!profile || loaded.problems.length > 0) {
      return Promise.reject(new ConfigurationError(`The worker cannot run: ${problemsOf(loaded).join('; ')}.`));
    }
    clients ??= connect(profile, {
      log: hub.logger('api'),
      tokens: (http) => workerTokens(env, profile, http, hub.logger('auth')),
    }).catch((error: unknown) => {
      clients = undefined; // the next invocation tries again
      throw error;
    });
    return clients;
  };
  const enqueue = queueSender(mailboxQueue(env));
  return {
    clock: systemClock,
    log,
    profileName: loaded.activeProfile?.name ?? loaded.config.activeProfile,
    senderDeps: async (): Promise<SenderDeps> => {
      const c = await signedIn();
      if (!c.dataverse) throw new ConfigurationError('The worker needs a Dataverse environment: set LC_DATAVERSE_URL.');
      const { perMinute, concurrency, maxAttempts, submittedDraftGraceSeconds } = loaded.config.reminders;
      return {
        dataverse: c.dataverse,
        graph: c.graph,
        tables: resolveTables(loaded.config.tables),
        clock: systemClock,
        log,
        profile: c.profile,
        settings: { perMinute, concurrency, maxAttempts, submittedDraftGraceMs: submittedDraftGraceSeconds * 1000 },
        audit: hub.audit(),
        actor: `worker ${c.profile.clientId}`,
        // SMS, SMTP and SendGrid from the app settings the CLI reads; the handler closes them after its run.
        transports: channelsFor(c.profile, readChannelSecrets(secret), { http: c.http, clock: systemClock, log }),
      };
    },
    paymentDeps: async (): Promise<PaymentDeps | undefined> => {
      const key = setting(env, 'LC_STRIPE_SECRET_KEY');
      if (!key) return undefined;
      const c = await signedIn();
      if (!c.dataverse) return undefined;
      return {
        dataverse: c.dataverse,
        tables: resolveTables(loaded.config.tables),
        stripe: createStripeApi(c.http, c.profile, key),
        log,
      };
    },
    enqueue,
    problems: () => problemsOf(loaded),
  };
}
