// `lc webhooks serve|inbox|replay`: the local webhook receiver from the terminal. `serve` runs it until
// SIGINT/SIGTERM (the ready line of ../shared/INTERFACES.md §2 with --json) and handles stored Stripe
// events against the active profile's Stripe and Dataverse; `inbox` lists what was received; `replay`
// re-runs the handler on one stored event (safe: handling re-reads the object and is idempotent).
//
// Flags and environment (copy for README):
//   lc webhooks serve [--port N] [--dir DIR] [--json]
//     --port N   port on the bind address (config webhooks.port, default 8787; 0 picks a free one)
//     --dir DIR  the inbox directory (default: $LC_DATA_DIR or $XDG_DATA_HOME/life-cockpit, then webhooks/<profile>)
//   lc webhooks inbox [--dir DIR] [--json]
//   lc webhooks replay <id> [--forward] [--dir DIR] [--json]
//     --forward  send it again to the local endpoints in config webhooks.forwardTo (LC_WEBHOOK_FORWARD_TO)
//   lc webhooks subscribe [--port N] [--dir DIR] [--json]   (see calendarSubscription.ts)
//   lc webhooks test-event <type> --session <id> [--object ID] [--url U] [--json]
//     <type>       invoice.paid | invoice.payment_failed | checkout.session.completed | charge.refunded
//     --session    the session the event names (metadata.session_id)
//     --object     the Stripe object it is about (in_…, cs_…, ch_…): the receiver re-reads it from Stripe
//     --url        the receiver (default http://<webhooks.bindAddress>:<webhooks.port>/stripe)
//   LC_STRIPE_WEBHOOK_SECRET  the endpoint's signing secret (whsec_…); LC_WEBHOOK_KEY the payload key
//   (else one kept in the OS keychain); LC_GRAPH_CLIENT_STATE; LC_FLOW_SECRET_<NAME> for /flows/<name>;
//   LC_ACS_CONNECTION_STRING for /acs (ACS's SMS delivery reports through Event Grid, whose subscription URL
//   carries a key derived from it: `serve` prints that URL).
import { writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { systemClock } from '../../core/clock';
import { ConfigurationError } from '../../core/config';
import { ExternalServiceError, ValidationError } from '../../core/errors';
import { HttpClient } from '../../core/http';
import { resolveTables } from '../../core/practice';
import { createStripeApi } from '../../core/stripe';
import {
  acsDeliveryReportHandler,
  acsWebhookKey,
  isTestEventType,
  newPayloadKey,
  payloadKeyFrom,
  sendTestEvent,
  signedTestEvent,
  startWebhookService,
  stripeWebhookHandler,
  TEST_EVENT_TYPES,
  WebhookForwarder,
  WebhookInbox,
  WebhookProcessor,
  type InboxEntry,
  type WebhookHandler,
} from '../../core/webhooks';
import { untilSignalled } from '../cancellation';
import { verb, type VerbContext } from '../action';
import { connect, requireProfile, stderrKeychain, type Connection } from '../connect';
import { integerIn, parseFlags, parsedBy } from '../flags';
import { calendarServing, subscribeCalendar } from './calendarSubscription';

interface WebhookFlags {
  port?: number;
  dir?: string;
  forward?: boolean;
}

export function webhooksCommand(): Command {
  const webhooks = new Command('webhooks').description('The local webhook receiver: Stripe, Graph and flow callbacks');
  webhooks
    .command('serve')
    .description('Receive webhooks on 127.0.0.1 (config webhooks.bindAddress) until Ctrl+C')
    .option('--json', 'print one JSON ready line on stdout and nothing else')
    .option(
      '--port <n>',
      'port to listen on (0 picks a free one; default config webhooks.port)',
      parsedBy(integerIn(0, 65535)),
    )
    .option('--dir <dir>', 'inbox directory')
    .action(verb(async (ctx) => serve(ctx, ctx.options as WebhookFlags), { ownsSignals: true }));
  webhooks
    .command('subscribe')
    .description("Create or renew the Graph subscription on the profile mailbox's calendar, notifying /graph")
    .option('--json', 'print one JSON document on stdout')
    .option(
      '--port <n>',
      'the port `lc webhooks serve` listens on (default config webhooks.port)',
      parsedBy(integerIn(1, 65535)),
    )
    .option('--dir <dir>', 'inbox directory of `lc webhooks serve`')
    .action(
      verb(async (ctx) => {
        const flags = ctx.options as WebhookFlags;
        const port = flags.port ?? ctx.runtime.loaded.config.webhooks.port;
        await subscribeCalendar(ctx, { port, inboxDirectory: inboxDirectory(ctx, flags) });
      }),
    );
  webhooks
    .command('inbox')
    .description('List the received requests, newest first: time, route, type, verification, outcome')
    .option('--json', 'print one JSON document on stdout')
    .option('--dir <dir>', 'inbox directory')
    .action(verb(async (ctx) => listInbox(ctx, ctx.options as WebhookFlags)));
  webhooks
    .command('replay')
    .description('Run the handler again on a stored request (safe: handling is idempotent)')
    .argument('<id>', 'the request id, as `lc webhooks inbox` shows it')
    .option('--forward', 'send it again to the local endpoints in config webhooks.forwardTo')
    .option('--json', 'print one JSON document on stdout')
    .option('--dir <dir>', 'inbox directory')
    .action(verb(async (ctx, id: string) => replay(ctx, ctx.options as WebhookFlags, id)));
  webhooks
    .command('test-event')
    .description('Post a correctly signed Stripe test event about a session to the running receiver')
    .argument('<type>', TEST_EVENT_TYPES.join(' | '))
    .requiredOption('--session <id>', 'the session the event names (metadata.session_id)')
    .option('--object <id>', 'the Stripe object it is about (in_…, cs_…, ch_…); the receiver re-reads it from Stripe')
    .option('--url <url>', 'the receiver (default http://<webhooks.bindAddress>:<webhooks.port>/stripe)')
    .option('--json', 'print one JSON document on stdout')
    .action(verb(async (ctx, type: string) => testEvent(ctx, parseFlags(testEventFlags, ctx.options), type)));
  return webhooks;
}

const testEventFlags = z.object({
  session: z.string().min(1),
  object: z
    .string()
    .regex(/^(in|cs|ch)_[A-Za-z0-9_]+$/, 'a Stripe id such as in_…, cs_… or ch_…')
    .optional(),
  url: z.url('an absolute URL such as http://127.0.0.1:8787/stripe').optional(),
});
type TestEventFlags = z.infer<typeof testEventFlags>;

async function testEvent(ctx: VerbContext, flags: TestEventFlags, type: string): Promise<void> {
  if (!isTestEventType(type)) {
    throw new ValidationError(`"${type}" is not a test event type: use one of ${TEST_EVENT_TYPES.join(', ')}.`, {
      code: 'webhooks.unknownTestEventType',
    });
  }
  const secret = ctx.runtime.secret('stripeWebhookSecret');
  if (!secret) {
    throw new ConfigurationError(
      'LC_STRIPE_WEBHOOK_SECRET is not set: the test event is signed with the secret the receiver verifies with.',
    );
  }
  const { webhooks } = ctx.runtime.loaded.config;
  const host = webhooks.bindAddress.includes(':') ? `[${webhooks.bindAddress}]` : webhooks.bindAddress;
  const url = flags.url ?? `http://${host}:${webhooks.port}/stripe`;
  const event = signedTestEvent({
    type,
    sessionId: flags.session,
    ...(flags.object === undefined ? {} : { objectId: flags.object }),
    secret,
    clock: systemClock,
  });
  const http = new HttpClient({ logger: ctx.runtime.hub.logger('api'), clock: systemClock });
  try {
    const { status } = await sendTestEvent(http, url, event);
    const eventId = (JSON.parse(event.body) as { id: string }).id;
    if (status < 200 || status >= 300) {
      throw new ExternalServiceError(
        `The receiver at ${url} answered ${status} to the test event: check that it verifies with the same LC_STRIPE_WEBHOOK_SECRET.`,
        { code: 'webhooks.testEventRefused', detail: { status } },
      );
    }
    ctx.out.result({ sent: true, type, eventId, url, status }, () => `Sent ${type} ${eventId} to ${url}: ${status}.`);
  } finally {
    await http.close();
  }
}

function inboxDirectory(ctx: VerbContext, flags: WebhookFlags, env: NodeJS.ProcessEnv = process.env): string {
  if (flags.dir) return path.resolve(flags.dir);
  const data =
    env.LC_DATA_DIR || path.join(env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'life-cockpit');
  return path.join(data, 'webhooks', ctx.runtime.loaded.config.activeProfile);
}

/** The payload key: LC_WEBHOOK_KEY, else the one kept in the OS keychain for the profile (made on first use). */
async function payloadKey(ctx: VerbContext): Promise<Buffer> {
  const fromEnv = process.env.LC_WEBHOOK_KEY;
  if (fromEnv) {
    ctx.runtime.hub.addSecret(fromEnv);
    return payloadKeyFrom(fromEnv);
  }
  const keychain = stderrKeychain();
  const account = `${ctx.runtime.loaded.config.activeProfile}/webhookKey`;
  let key = await keychain.read(account);
  if (key === undefined) {
    if (!keychain.available) {
      throw new ConfigurationError(
        'No key to encrypt stored webhook payloads: set LC_WEBHOOK_KEY (32 random bytes in base64, e.g. `openssl rand -base64 32`), or use a machine with an OS keychain.',
      );
    }
    key = newPayloadKey();
    await keychain.write(account, key);
  }
  ctx.runtime.hub.addSecret(key);
  return payloadKeyFrom(key);
}

function flowSecrets(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const flow = /^LC_FLOW_SECRET_([A-Z0-9_]+)$/.exec(name)?.[1];
    if (flow && value) secrets[flow.toLowerCase().replace(/_/g, '-')] = value;
  }
  return secrets;
}

/** The /stripe handler over the profile's Stripe (re-reading objects) and Dataverse (recording the payment). */
function stripeHandlerFor(ctx: VerbContext, connection: Connection): WebhookHandler {
  const { profile, dataverse } = connection;
  if (!ctx.runtime.secret('stripeSecretKey'))
    throw new ConfigurationError(`No Stripe key for profile ${profile.name}: set LC_STRIPE_SECRET_KEY.`);
  if (!dataverse)
    throw new ConfigurationError(`Profile ${profile.name} has no Dataverse environment: set LC_DATAVERSE_URL.`);
  return stripeWebhookHandler({
    stripe: createStripeApi(connection.http, profile, ctx.runtime.secret('stripeSecretKey')),
    dataverse,
    tables: resolveTables(ctx.runtime.loaded.config.tables),
    log: ctx.runtime.hub.logger('business'),
  });
}

/** /acs: ACS's SMS delivery reports, when the profile has an ACS connection string and a Dataverse environment. */
function acsServing(
  ctx: VerbContext,
  connection: Connection,
): { secrets: { acs?: string }; handlers: { acs?: WebhookHandler } } {
  const connectionString = ctx.runtime.secret('acsConnectionString');
  if (!connectionString || !connection.dataverse) return { secrets: {}, handlers: {} };
  const key = acsWebhookKey(connectionString);
  ctx.runtime.hub.addSecret(key);
  return {
    secrets: { acs: key },
    handlers: {
      acs: acsDeliveryReportHandler({
        dataverse: connection.dataverse,
        tables: resolveTables(ctx.runtime.loaded.config.tables),
        clock: systemClock,
        log: ctx.runtime.hub.logger('business'),
      }),
    },
  };
}

async function serve(ctx: VerbContext, flags: WebhookFlags): Promise<void> {
  requireProfile(ctx.runtime);
  const { webhooks } = ctx.runtime.loaded.config;
  const stripeSecret = ctx.runtime.secret('stripeWebhookSecret');
  if (!stripeSecret) ctx.out.warning('LC_STRIPE_WEBHOOK_SECRET is not set: /stripe will refuse every request.');
  const payloadKeyBytes = await payloadKey(ctx);
  const connection = await connect(ctx.runtime);
  const calendar = await calendarServing(ctx, connection, inboxDirectory(ctx, flags));
  const graphClientState = calendar.clientState;
  const flows = flowSecrets();
  for (const secret of [graphClientState, ...Object.values(flows)]) ctx.runtime.hub.addSecret(secret);
  const acs = acsServing(ctx, connection);
  let service;
  try {
    service = await startWebhookService({
      inboxDirectory: inboxDirectory(ctx, flags),
      payloadKey: payloadKeyBytes,
      secrets: { stripe: stripeSecret ? [stripeSecret] : [], graphClientState, flows, ...acs.secrets },
      port: flags.port ?? webhooks.port,
      bindAddress: webhooks.bindAddress,
      forwardTo: webhooks.forwardTo,
      handlers: { stripe: stripeHandlerFor(ctx, connection), ...calendar.handlers, ...acs.handlers },
      http: connection.http,
      clock: systemClock,
      log: ctx.runtime.hub.logger('api'),
      afterStore: crashAfterStoreFromEnvironment(process.env),
    });
  } catch (error) {
    await connection.close();
    throw error;
  }
  // Listening for the signals before the ready line: a script may send SIGTERM the moment it reads it.
  const signalled = untilSignalled();
  const ready = { ready: true, url: service.url, routes: service.routes };
  if (ctx.out.json) ctx.out.io.stdout.write(`${JSON.stringify(ready)}\n`);
  else {
    ctx.out.io.stdout.write(
      [
        `Life Cockpit webhook receiver is listening on ${service.url} (Ctrl+C to stop).`,
        `  Stripe  ${service.routes.stripe}`,
        `  Graph   ${service.routes.graph}`,
        `  Flows   ${service.routes.flows}`,
        acs.secrets.acs === undefined
          ? '  ACS     (set LC_ACS_CONNECTION_STRING to receive SMS delivery reports)'
          : `  ACS     ${service.routes.acs}?key=${acs.secrets.acs}  (Event Grid subscription URL)`,
        '',
      ].join('\n'),
    );
  }
  const stopRenewing = calendar.start();
  await signalled;
  await stopRenewing();
  await service.close();
  await connection.close();
  ctx.out.note('Webhook receiver stopped.');
}

/**
 * For the reliability tests: LC_TEST_CRASH_AT=webhookStored ends the process (exit 86, as a power cut)
 * right after a request is durable and answered and before it is handled.
 */
function crashAfterStoreFromEnvironment(env: NodeJS.ProcessEnv): () => void {
  const at = env.LC_TEST_CRASH_AT;
  if (at === undefined || at === '') return () => undefined;
  if (at !== 'webhookStored') {
    throw new ValidationError(`LC_TEST_CRASH_AT: expected webhookStored, not "${at}".`, {
      code: 'cli.invalidCrashPoint',
    });
  }
  return () => {
    // Synchronous, so the line is out before the process ends; nothing else runs after it.
    writeSync(2, 'lc: stopped at the crash point webhookStored (LC_TEST_CRASH_AT)\n');
    process.exit(86);
  };
}

function rowOf(entry: InboxEntry) {
  return {
    id: entry.id,
    time: new Date(entry.at).toISOString(),
    route: entry.route,
    type: entry.eventType ?? null,
    eventId: entry.eventId ?? null,
    verification: entry.verification,
    status: entry.status,
    outcome: entry.outcome ?? (entry.verification === 'verified' ? 'pending' : null),
    detail: entry.outcomeDetail ?? null,
    forwards: entry.forwards.map((f) => ({
      target: f.target,
      state: f.state,
      status: f.status ?? null,
      detail: f.detail ?? null,
    })),
  };
}

/** `fwd 2/3 failed 1` style summary for the text listing; empty when nothing was to be forwarded. */
function forwardSummary(row: ReturnType<typeof rowOf>): string {
  if (row.forwards.length === 0) return '';
  const count = (state: string) => row.forwards.filter((f) => f.state === state).length;
  const sent = count('forwarded') + count('duplicate');
  const parts = [`fwd ${sent}/${row.forwards.length}`];
  if (count('failed') > 0) parts.push(`failed ${count('failed')}`);
  if (count('pending') > 0) parts.push(`pending ${count('pending')}`);
  return parts.join(' ');
}

function forwardFailures(row: ReturnType<typeof rowOf>): string[] {
  return row.forwards
    .filter((f) => f.state === 'failed')
    .map((f) => `    forward to ${f.target} failed: ${f.detail ?? 'no answer'}`);
}

async function listInbox(ctx: VerbContext, flags: WebhookFlags): Promise<void> {
  const inbox = await WebhookInbox.open({ directory: inboxDirectory(ctx, flags), clock: systemClock });
  try {
    const rows = inbox.entries().map(rowOf);
    ctx.out.result(rows, () =>
      rows.length === 0
        ? 'No webhook requests received yet.'
        : rows
            .map((r) =>
              [
                [
                  r.time,
                  r.id,
                  r.route.padEnd(8),
                  (r.type ?? '-').padEnd(28),
                  r.verification.padEnd(16),
                  (r.outcome ?? '-').padEnd(9),
                  forwardSummary(r),
                ]
                  .join('  ')
                  .trimEnd(),
                ...forwardFailures(r),
              ].join('\n'),
            )
            .join('\n'),
    );
  } finally {
    await inbox.close();
  }
}

/** Forwarding again on `replay --forward`: to the targets in the settings, signed with the current secret. */
function forwarderFor(ctx: VerbContext, inbox: WebhookInbox, connection: Connection): WebhookForwarder {
  const targets = ctx.runtime.loaded.config.webhooks.forwardTo;
  if (targets.length === 0) {
    throw new ValidationError(
      'Nothing to forward to: list local endpoints in config webhooks.forwardTo (or LC_WEBHOOK_FORWARD_TO, comma-separated).',
      { code: 'webhooks.noForwardTargets' },
    );
  }
  return new WebhookForwarder({
    inbox,
    http: connection.http,
    targets,
    stripeSecret: ctx.runtime.secret('stripeWebhookSecret'),
    clock: systemClock,
    log: ctx.runtime.hub.logger('api'),
  });
}

async function replay(ctx: VerbContext, flags: WebhookFlags, id: string): Promise<void> {
  const inbox = await WebhookInbox.open({
    directory: inboxDirectory(ctx, flags),
    key: await payloadKey(ctx),
    clock: systemClock,
  });
  try {
    const connection = await connect(ctx.runtime);
    try {
      const processor = new WebhookProcessor({
        inbox,
        log: ctx.runtime.hub.logger('business'),
        handlers: { stripe: stripeHandlerFor(ctx, connection) },
      });
      if (flags.forward === true) await forwarderFor(ctx, inbox, connection).forwardAgain(id);
      const entry = await processor.replay(id);
      const row = rowOf(entry);
      ctx.out.result(row, () =>
        [
          `Replayed ${id} (${row.type ?? row.route}): ${row.outcome ?? '-'}${row.detail ? ` — ${row.detail}` : ''}.`,
          ...(flags.forward === true
            ? row.forwards.map(
                (f) => `  forward to ${f.target}: ${f.state}${f.detail === null ? '' : ` — ${f.detail}`}`,
              )
            : []),
        ].join('\n'),
      );
    } finally {
      await connection.close();
    }
  } finally {
    await inbox.close();
  }
}
