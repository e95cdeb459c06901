// The Functions app's own channel wiring (functions/src/environment.ts) end to end: the worker's services built
// from app settings as the host hands them over (the sandbox's ready line, as local.settings.json would hold
// them), the queue handler registered as the host registers it and called for one mailbox. An SMS-preferring
// client's due reminder leaves through the sandbox's ACS exactly once and is recorded sent; without
// LC_ACS_CONNECTION_STRING the reminder is skipped, left approved, and the invocation's log says which setting
// to add instead of the run failing (a failing message would be retried into the poison queue).
import { strict as assert } from 'node:assert';
import { InvocationContext, type LogLevel } from '@azure/functions';
import { registerWorkerFunctions, type FunctionsRegistrar } from '../../../functions/src/app';
import { environmentServices } from '../../../functions/src/environment';
import type { DataverseClient } from '../../../src/core/dataverse';
import { DEFAULT_TABLES, MESSAGE_CHANNEL, MESSAGE_KIND, MESSAGE_STATUS } from '../../../src/core/practice';
import type { ProfileClients } from '../../../src/core/clients';
import type { DueRemindersRun } from '../../../src/core/worker';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { connectAsSandboxApp } from '../../builders/sandboxApp';

const M = DEFAULT_TABLES.scheduledMessage;
const c = M.columns;

type QueueHandler = (body: unknown, context: InvocationContext) => Promise<DueRemindersRun>;

/** The queue handler as the host would get it, over services built from these app settings. */
function queueHandlerFor(settings: NodeJS.ProcessEnv): QueueHandler {
  const handlers: Partial<Record<string, unknown>> = {};
  const recorder = {
    timer: (name: string, options: { handler: unknown }) => void (handlers[name] = options.handler),
    storageQueue: (name: string, options: { handler: unknown }) => void (handlers[name] = options.handler),
    http: (name: string, options: { handler: unknown }) => void (handlers[name] = options.handler),
  } as unknown as FunctionsRegistrar;
  registerWorkerFunctions(recorder, environmentServices(settings));
  return handlers.sendMailboxReminders as QueueHandler;
}

interface LoggedLine {
  level: LogLevel;
  text: string;
}

function invocation(lines: LoggedLine[]): InvocationContext {
  return new InvocationContext({
    invocationId: 'sendMailboxReminders',
    functionName: 'sendMailboxReminders',
    logHandler: (level, ...args) => lines.push({ level, text: args.map(String).join(' ') }),
  });
}

describe('The Functions worker sends SMS with the ACS connection string from its app settings', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;
  let clients: ProfileClients;
  let dv: DataverseClient;

  before(async () => {
    sandbox = await startSandbox({ seed: 'functions-sms', clients: 16, dueReminders: 0, practitioners: 1 });
    clients = await connectAsSandboxApp(sandbox.info);
    if (!clients.dataverse) throw new Error('the sandbox profile has no Dataverse client');
    dv = clients.dataverse;
  });
  after(async () => {
    await clients?.close();
    await sandbox?.stop();
  });
  beforeEach(() => sandbox.reset());

  /** The app settings: the sandbox's profile and secrets, Azurite's storage (never reached: nothing is enqueued). */
  function appSettings(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...sandbox.info.env,
      FUNCTIONS_WORKER_RUNTIME: 'node',
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
      LC_LOG_LEVEL: 'error',
      ...overrides,
    };
  }

  /** Leaves exactly one reminder due: a seeded SMS reminder of an upcoming session, approved and due a minute ago. */
  async function oneDueSms(): Promise<string> {
    const now = new Date().toISOString();
    const due = await dv.list(M.entitySet, {
      filter: `(${c.status} eq ${MESSAGE_STATUS.approved} and ${c.scheduledTime} le ${now}) or ${c.status} eq ${MESSAGE_STATUS.sending}`,
    });
    for (const row of due) await dv.update(M.entitySet, String(row[M.primaryId]), { [c.status]: MESSAGE_STATUS.draft });
    const [sms] = await dv.list(M.entitySet, {
      filter: `${c.channel} eq ${MESSAGE_CHANNEL.sms} and ${c.status} eq ${MESSAGE_STATUS.draft} and ${c.kind} eq ${MESSAGE_KIND.reminder} and ${c.scheduledTime} gt ${now}`,
    });
    assert.ok(sms, 'the seed has an upcoming SMS reminder');
    const id = String(sms[M.primaryId]);
    await dv.update(M.entitySet, id, {
      [c.status]: MESSAGE_STATUS.approved,
      [c.scheduledTime]: new Date(Date.now() - 60_000).toISOString(),
    });
    return id;
  }

  const smsFor = (id: string) => sandbox.sentSms().filter((s) => s.tag?.toLowerCase() === id.toLowerCase());
  const rowOf = async (id: string) => (await dv.get(M.entitySet, id)).row;

  it('texts a due SMS reminder through the sandbox’s ACS exactly once and records it sent', async () => {
    const id = await oneDueSms();
    const handler = queueHandlerFor(appSettings());
    const lines: LoggedLine[] = [];

    const run = await handler(JSON.stringify({ mailbox: sandbox.info.mailbox }), invocation(lines));

    assert.deepEqual(
      run.report.items.map((i) => [i.reminderId.toLowerCase(), i.outcome, i.error]),
      [[id.toLowerCase(), 'sent', undefined]],
    );
    const sent = smsFor(id);
    assert.equal(sent.length, 1, 'exactly one SMS reached ACS');
    const row = await rowOf(id);
    assert.equal(sent[0]?.to, row[c.phone]);
    assert.equal(sent[0]?.from, sandbox.info.smsFrom);
    assert.equal(row[c.status], MESSAGE_STATUS.sent, 'the reminder is recorded sent');
    assert.equal(row[c.graphMessageId], sent[0]?.messageId, 'with ACS’s message id');
    assert.deepEqual(
      lines.filter((l) => l.level !== 'information'),
      [],
      'nothing worse than information was logged',
    );

    // The next message for the mailbox (a second tick, a redelivered message) finds nothing to send.
    const again = await handler(JSON.stringify({ mailbox: sandbox.info.mailbox }), invocation([]));
    assert.equal(again.report.total, 0);
    assert.equal(smsFor(id).length, 1, 'still one SMS');
  });

  it('without LC_ACS_CONNECTION_STRING skips the SMS reminder, leaves it approved and logs the setting to add', async () => {
    const id = await oneDueSms();
    const handler = queueHandlerFor(appSettings({ LC_ACS_CONNECTION_STRING: '' }));
    const lines: LoggedLine[] = [];

    const run = await handler(JSON.stringify({ mailbox: sandbox.info.mailbox }), invocation(lines));

    const [item, ...more] = run.report.items;
    assert.equal(more.length, 0);
    assert.equal(item?.reminderId.toLowerCase(), id.toLowerCase());
    assert.equal(item?.outcome, 'skipped');
    assert.match(item?.error ?? '', /LC_ACS_CONNECTION_STRING/);
    assert.equal(smsFor(id).length, 0, 'no SMS was sent');
    assert.equal((await rowOf(id))[c.status], MESSAGE_STATUS.approved, 'the reminder waits, approved');
    // The return value of a queue function goes nowhere in Azure: the reason has to be in the invocation's log.
    const warnings = lines.filter((l) => l.level === 'warning').map((l) => l.text);
    assert.equal(warnings.length, 1, JSON.stringify(lines));
    assert.match(warnings[0] ?? '', /1 reminder skipped/);
    assert.match(warnings[0] ?? '', /LC_ACS_CONNECTION_STRING/);
  });
});
