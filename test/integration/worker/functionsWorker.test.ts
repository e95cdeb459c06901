// The Azure Functions worker (functions/, issue 18 items 2 and 4) run as the host would run it, offline: the
// registered handlers called with InvocationContexts from @azure/functions, the queue on Azurite (the real
// Storage emulator), a small loop standing in for the host's queue polling (queueHost.ts; Core Tools cannot
// be installed here), and the sandbox with 20 practitioners' mailboxes. One timer tick enqueues a message per
// mailbox; two workers draining the queue at once send every due reminder exactly once, each mailbox within
// its pace; a worker that dies mid-message leaves it to reappear and the retry sends nothing twice; a message
// that keeps failing ends in the poison queue with its error logged.
import { strict as assert } from 'node:assert';
import { InvocationContext, type HttpRequest, type Timer } from '@azure/functions';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { registerWorkerFunctions, type FunctionsRegistrar } from '../../../functions/src/app';
import { queueSender } from '../../../functions/src/environment';
import type { TimerResult } from '../../../functions/src/handlers';
import type { WorkerServices } from '../../../functions/src/services';
import { systemClock, type Clock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/log';
import type { SenderDeps, SenderSettings } from '../../../src/core/reminders';
import { createGraphService } from '../../../src/sandbox/graph';
import { SenderWorld } from '../reminders/senderWorld';
import { startAzuriteQueue, type RunningAzurite } from './azurite';
import { hostQueueSettings, queueIsEmpty, runQueueWorker, type Invocation, type QueueHandler } from './queueHost';

const PRACTITIONERS = 20;
/** Exchange's minute runs this many times faster, in the sandbox and in the sender's clock. */
const SCALE = 100;
/** Each mailbox may submit 2 a (scaled) minute, so its 3 due reminders need two windows. */
const PER_MINUTE = 2;

interface Registered {
  timer: (timer: Timer, context: InvocationContext) => Promise<TimerResult>;
  queue: QueueHandler;
  health: (request: HttpRequest, context: InvocationContext) => Promise<{ status?: number; jsonBody?: unknown }>;
}

/** Registers the worker's functions on a recorder, as the host's `app` would, and hands back the handlers. */
function registered(services: WorkerServices): Registered {
  const handlers: Partial<Record<string, unknown>> = {};
  const recorder = {
    timer: (name: string, options: { handler: unknown }) => void (handlers[name] = options.handler),
    storageQueue: (name: string, options: { handler: unknown }) => void (handlers[name] = options.handler),
    http: (name: string, options: { handler: unknown }) => void (handlers[name] = options.handler),
  } as unknown as FunctionsRegistrar;
  registerWorkerFunctions(recorder, services);
  return {
    timer: handlers.enqueueDueMailboxes as Registered['timer'],
    queue: handlers.sendMailboxReminders as QueueHandler,
    health: handlers.health as Registered['health'],
  };
}

const aTick: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

describe('The Azure Functions worker on Azurite and the sandbox', function () {
  this.timeout(120_000);
  let world: SenderWorld;
  let azurite: RunningAzurite;
  let queue: QueueClient;
  let poison: QueueClient;
  let invocations: Invocation[];
  const start = Date.now();
  /** The sender's minute runs as fast as the sandbox's Exchange minute. */
  const scaled: Clock = {
    now: () => start + (Date.now() - start) * SCALE,
    sleep: (ms, signal) => systemClock.sleep(ms / SCALE, signal),
  };

  before(async () => {
    [world, azurite] = await Promise.all([
      SenderWorld.start({
        seed: 'functions-worker',
        clients: 30,
        practitioners: PRACTITIONERS,
        dueReminders: PRACTITIONERS * 3,
        services: { graph: (ctx) => createGraphService(ctx, { timeScale: SCALE, submissionsPerMinute: PER_MINUTE }) },
      }),
      startAzuriteQueue(),
    ]);
    const service = QueueServiceClient.fromConnectionString(azurite.connectionString);
    queue = service.getQueueClient('lc-due-mailboxes');
    poison = service.getQueueClient('lc-due-mailboxes-poison');
  });
  after(async () => {
    await Promise.all([world?.stop(), azurite?.stop()]);
  });
  beforeEach(async () => {
    world.reset();
    invocations = [];
    await queue.createIfNotExists();
    await queue.clearMessages();
    await poison.createIfNotExists();
    await poison.clearMessages();
  });

  function services(
    overrides: { settings?: Partial<SenderSettings> } & Partial<Pick<SenderDeps, 'crashAt' | 'clock'>> = {},
  ): WorkerServices {
    const { settings, ...rest } = overrides;
    return {
      clock: rest.clock ?? scaled,
      log: silentLogger,
      profileName: world.profile.name,
      senderDeps: async () => world.deps({ clock: scaled, ...rest, settings: { perMinute: PER_MINUTE, ...settings } }),
      paymentDeps: async () => undefined,
      enqueue: queueSender(queue),
      problems: () => [],
    };
  }

  const context = (functionName: string): InvocationContext =>
    new InvocationContext({ invocationId: functionName, functionName, logHandler: () => undefined });

  async function tick(functions: Registered): Promise<TimerResult> {
    return functions.timer(aTick, context('enqueueDueMailboxes'));
  }

  async function queuedMailboxes(): Promise<string[]> {
    const peeked = await queue.peekMessages({ numberOfMessages: 32 });
    return peeked.peekedMessageItems.map(
      (m) => (JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')) as { mailbox: string }).mailbox,
    );
  }

  function drain(name: string, handler: QueueHandler, timing: { takeForMs: number; retryAfterMs: number }) {
    return runQueueWorker({ name, queue, poison, handler, invocations, ...timing }, () => queueIsEmpty(queue));
  }

  function assertEachSentOnce(due: readonly string[]): void {
    const copies = world.sentCopies();
    const lost = due.filter((id) => (copies.get(id) ?? 0) === 0);
    const twice = due.filter((id) => (copies.get(id) ?? 0) > 1).map((id) => `${id} ×${copies.get(id)}`);
    assert.deepEqual({ lost, twice }, { lost: [], twice: [] }, 'every due reminder is in Sent Items exactly once');
  }

  it('one timer tick enqueues one message per mailbox with due work', async () => {
    const functions = registered(services());
    const result = await tick(functions);
    assert.equal(result.enqueued.length, PRACTITIONERS);
    const mailboxes = await queuedMailboxes();
    assert.equal(mailboxes.length, PRACTITIONERS, 'twenty messages on the queue');
    assert.equal(new Set(mailboxes.map((m) => m.toLowerCase())).size, PRACTITIONERS, 'one per mailbox');
    assert.deepEqual(result.payments, { skipped: 'no Stripe key (LC_STRIPE_SECRET_KEY)' });
  });

  it('two queue workers draining at once send every due reminder exactly once, each mailbox within its pace', async () => {
    const due = world.dueReminderIds();
    assert.ok(due.length >= PRACTITIONERS * 3, `reminders are due (${due.length})`);
    await tick(registered(services()));
    const timing = { takeForMs: 60_000, retryAfterMs: 0 };
    await Promise.all([
      drain('a', registered(services()).queue, timing),
      drain('b', registered(services()).queue, timing),
    ]);
    assert.equal(invocations.length, PRACTITIONERS, 'each message was handled once');
    assert.ok(
      invocations.every((i) => i.outcome === 'done'),
      JSON.stringify(invocations.filter((i) => i.outcome !== 'done')),
    );
    assert.ok(new Set(invocations.map((i) => i.worker)).size === 2, 'both workers took messages');
    await world.drained();
    assertEachSentOnce(due);
    const graph = world.sandbox.inspect().services as {
      graph: { mailboxes: Array<{ mail: string; submissions: { total: number; overRate: number } }> };
    };
    const overRate = graph.graph.mailboxes.filter((m) => m.submissions.overRate > 0).map((m) => m.mail);
    assert.deepEqual(overRate, [], 'no mailbox submitted over its per-minute limit');
  });

  it('a worker killed mid-message leaves it to reappear after its visibility timeout, and the retry sends nothing twice', async () => {
    const due = world.dueReminderIds();
    await tick(registered(services()));
    // The dying worker stops dead once its first message has been sent, before recording it, as a killed
    // process would; the claims it leaves expire as the visibility timeout does (both 10 minutes in Azure).
    let crashed = false;
    const dying = registered(
      services({
        settings: { claimLeaseMs: 2_000 * SCALE },
        crashAt: (point) => {
          if (point !== 'afterSend' || crashed) return;
          crashed = true;
          throw new Error('killed');
        },
      }),
    ).queue;
    const survivor = registered(services({ settings: { claimLeaseMs: 2_000 * SCALE } })).queue;
    const timing = { takeForMs: 2_000, retryAfterMs: 0 };
    await Promise.all([drain('dying', dying, timing), drain('survivor', survivor, timing)]);
    const died = invocations.find((i) => i.outcome === 'died');
    assert.ok(died, 'the dying worker died mid-message');
    const retried = invocations.filter((i) => i.messageId === died.messageId && i !== died);
    assert.equal(retried.length, 1, JSON.stringify(invocations.filter((i) => i.messageId === died.messageId)));
    assert.equal(retried[0]?.dequeueCount, 2, 'the message reappeared and was taken a second time');
    assert.ok((retried[0]?.takenAt ?? 0) - died.takenAt >= 1_000, 'only after its visibility timeout');
    assert.equal(retried[0]?.outcome, 'done');
    // A reminder still claimed by the dead worker when the retry came is the next tick's work.
    for (let round = 0; round < 3 && world.dueReminderIds().length > 0; round++) {
      await world.drained();
      await tick(registered(services()));
      await drain('survivor', survivor, timing);
    }
    await world.drained();
    assertEachSentOnce(due);
  });

  it('a message that keeps failing lands in the poison queue after maxDequeueCount tries, its error logged', async () => {
    const functions = registered(services());
    await queueSender(queue)('not a mailbox');
    await drain('a', functions.queue, { takeForMs: 30_000, retryAfterMs: 0 });
    const tries = invocations.filter((i) => i.outcome === 'failed');
    assert.equal(tries.length, hostQueueSettings().maxDequeueCount);
    assert.match(tries.at(-1)?.errors.join('\n') ?? '', /worker\.badMessage: The queue message is not a mailbox/);
    const poisoned = await poison.receiveMessages({ numberOfMessages: 32 });
    assert.deepEqual(
      poisoned.receivedMessageItems.map((m) => Buffer.from(m.messageText, 'base64').toString('utf8')),
      ['not a mailbox'],
    );
    assert.ok(await queueIsEmpty(queue));
  });

  it('answers the health check from its configuration, calling nothing', async () => {
    const functions = registered(services());
    const answer = await functions.health({} as HttpRequest, context('health'));
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.jsonBody, { ok: true, profile: world.profile.name, problems: [] });
  });
});
