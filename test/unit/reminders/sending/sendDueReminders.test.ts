// The sender over a fake Graph (the real SDK answering from a handler) and in-memory rows, for what the
// sandbox cannot stage: a 429 on one item inside a $batch, and a run cancelled between draft and send.
import { strict as assert } from 'node:assert';
import type { DataverseClient } from '../../../../src/core/dataverse';
import { silentLogger } from '../../../../src/core/log';
import { DEFAULT_TABLES, MESSAGE_CHANNEL, MESSAGE_KIND, MESSAGE_STATUS } from '../../../../src/core/practice';
import { PACING_WINDOW_MS, sendDueReminders, type SenderDeps } from '../../../../src/core/reminders';
import { FakeClock } from '../../../builders/fakeClock';
import { fakeGraph, type FakeGraphHandler } from '../../../builders/fakeGraph';
import { MemoryDataverse } from '../../../builders/memoryDataverse';

const t = DEFAULT_TABLES.scheduledMessage;
const REMINDER = '3f1c9a52-7d4e-4b8a-9e21-5c6d7e8f9a01';
const MAILBOX = 'dr.morgan@contoso.test';

function world(handler: FakeGraphHandler) {
  const clock = new FakeClock();
  const dataverse = new MemoryDataverse();
  dataverse.seed(t.entitySet, {
    [t.primaryId]: REMINDER,
    [t.columns.status]: MESSAGE_STATUS.approved,
    [t.columns.kind]: MESSAGE_KIND.reminder,
    [t.columns.channel]: MESSAGE_CHANNEL.email,
    [t.columns.email]: 'ana@example.test',
    [t.columns.clientName]: 'Ana Lima',
    [t.columns.subject]: 'Your session tomorrow',
    [t.columns.text]: 'See you at 10:00.',
    [t.columns.scheduledTime]: new Date(clock.now() - 60_000).toISOString(),
    [t.columns.attempts]: 0,
  });
  const graph = fakeGraph(handler);
  const deps: SenderDeps = {
    dataverse: dataverse as unknown as DataverseClient,
    graph: graph.client,
    tables: DEFAULT_TABLES,
    clock,
    log: silentLogger,
    profile: { name: 'practice', mailbox: MAILBOX, sendToSelf: false },
    settings: { perMinute: 30, concurrency: 4, maxAttempts: 5 },
    audit: { record: () => undefined },
  };
  const row = () => dataverse.rows(t.entitySet)[0] as Record<string, unknown>;
  return { clock, dataverse, graph, deps, row };
}

type BatchBody = { requests: Array<{ id: string; url: string }> };

/** Lets every continuation that is ready run (the SDK's middleware chain takes several rounds per request). */
async function settleDown(): Promise<void> {
  for (let round = 0; round < 200; round++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A mailbox that finds nothing tagged, drafts with ids draft-1, draft-2, … and accepts every /send. */
function acceptingGraph(): FakeGraphHandler {
  let drafts = 0;
  return (request) => {
    const path = request.url.pathname;
    if (path.endsWith('/$batch')) {
      const { requests } = request.body as BatchBody;
      return {
        status: 200,
        body: { responses: requests.map((r) => ({ id: r.id, status: 200, body: { value: [] } })) },
      };
    }
    if (path.endsWith('/messages')) return { status: 201, body: { id: `draft-${++drafts}` } };
    if (path.endsWith('/send')) return { status: 202 };
    return { status: 404, body: { error: { code: 'ErrorItemNotFound', message: 'Not found.' } } };
  };
}

describe('sendDueReminders (fake Graph)', () => {
  it('waits out a 429 on one item inside the $batch for that item’s Retry-After, then sends once', async () => {
    let searches = 0;
    const w = world((request) => {
      const path = request.url.pathname;
      if (path.endsWith('/$batch')) {
        const { requests } = request.body as BatchBody;
        const first = requests[0]?.url.includes('/messages?') && ++searches === 1;
        return {
          status: 200,
          body: {
            responses: requests.map((item) =>
              first && item.id === 'outbox'
                ? {
                    id: item.id,
                    status: 429,
                    headers: { 'Retry-After': '7' },
                    body: { error: { code: 'ApplicationThrottled', message: 'MailboxConcurrency limit.' } },
                  }
                : { id: item.id, status: 200, body: { value: [] } },
            ),
          },
        };
      }
      if (path.endsWith('/messages')) return { status: 201, body: { id: 'AAMkImmutable1' } };
      if (path.endsWith('/send')) return { status: 202 };
      return { status: 404, body: { error: { code: 'ErrorItemNotFound', message: 'Not found.' } } };
    });
    const report = await sendDueReminders(w.deps);
    assert.equal(report.sent, 1, JSON.stringify(report.items));
    assert.ok(w.clock.sleeps.includes(7_000), `waited ${JSON.stringify(w.clock.sleeps)}`);
    assert.equal(searches, 2, 'searched again before creating anything');
    assert.equal(w.graph.requests.filter((r) => r.url.pathname.endsWith('/send')).length, 1);
    assert.equal(w.row()[t.columns.attempts], 1, 'the throttled search counts as a try');
    assert.equal(w.row()[t.columns.status], MESSAGE_STATUS.sent);
  });

  it('cancelled between the draft and /send: sends nothing and lets go of the row, left for lookup', async () => {
    const controller = new AbortController();
    const w = world((request) => {
      const path = request.url.pathname;
      if (path.endsWith('/$batch')) {
        const { requests } = request.body as BatchBody;
        return {
          status: 200,
          body: { responses: requests.map((r) => ({ id: r.id, status: 200, body: { value: [] } })) },
        };
      }
      if (path.endsWith('/messages')) {
        controller.abort();
        return { status: 201, body: { id: 'AAMkImmutable2' } };
      }
      return { status: 202 };
    });
    const report = await sendDueReminders(w.deps, { signal: controller.signal });
    assert.equal(report.items[0]?.outcome, 'retryLater');
    assert.equal(w.graph.requests.filter((r) => r.url.pathname.endsWith('/send')).length, 0, 'nothing sent');
    const row = w.row();
    assert.equal(row[t.columns.sendClaim], null, 'no claim left behind');
    assert.equal(row[t.columns.status], MESSAGE_STATUS.sending, 'a draft may exist: the next run looks it up');
  });

  it('drafts the next reminders while sends wait for the window, and sends them as soon as it opens', async () => {
    const w = world(acceptingGraph());
    const clock = new FakeClock(false);
    w.deps.clock = clock;
    w.deps.settings = { perMinute: 2, concurrency: 1, maxAttempts: 5 };
    const ids = Array.from({ length: 5 }, (_, i) => `3f1c9a52-7d4e-4b8a-9e21-5c6d7e8f9a1${i}`);
    const first = w.row();
    for (const id of ids) w.dataverse.seed(t.entitySet, { ...first, [t.primaryId]: id });
    const sends = () => w.graph.requests.filter((r) => r.url.pathname.endsWith('/send'));
    const drafts = () => w.graph.requests.filter((r) => r.method === 'POST' && r.url.pathname.endsWith('/messages'));

    const running = sendDueReminders(w.deps, { now: new Date(clock.now()) });
    await settleDown();
    assert.equal(sends().length, 2, 'the window allows two submissions');
    const prepared = w.dataverse
      .rows(t.entitySet)
      .filter((row) => row[t.columns.status] === MESSAGE_STATUS.sending && row[t.columns.graphMessageId] !== undefined);
    assert.ok(
      prepared.length >= 2,
      `while the sends wait, the next reminders are drafted with their ids recorded (${drafts().length} drafts, ${prepared.length} waiting)`,
    );

    const beforeOpening = w.graph.requests.length;
    clock.advance(PACING_WINDOW_MS);
    await settleDown();
    const atOpening = w.graph.requests.slice(beforeOpening);
    assert.deepEqual(
      atOpening.slice(0, 2).map((r) => r.url.pathname.split('/').pop()),
      ['send', 'send'],
      'the window opens onto ready drafts: two sends at once, no search or draft before them',
    );
    while (sends().length < 6) {
      clock.advance(PACING_WINDOW_MS);
      await settleDown();
    }
    const report = await running;
    assert.equal(report.sent, 6, JSON.stringify(report.items));
    assert.equal(drafts().length, 6, 'one draft a reminder');
    assert.equal(new Set(sends().map((r) => r.url.pathname)).size, 6, 'each draft sent once');
  });

  it('a reminder without an address fails at once, naming why, and nothing reaches Graph', async () => {
    const w = world(() => ({ status: 500 }));
    await w.dataverse.update(t.entitySet, REMINDER, { [t.columns.email]: null });
    const report = await sendDueReminders(w.deps);
    assert.equal(report.failed, 1);
    assert.match(String(w.row()[t.columns.lastError]), /no e-mail address/);
    assert.equal(w.graph.requests.length, 0);
  });
});
