// `lc mcp` driven by the SDK's own client over stdio against the sandbox (issue 17): the tools are listed with
// valid JSON schemas and honest annotations; the read tools return the sandbox's data; a write without approval
// changes nothing and says how to approve; a declined question sends nothing; an accepted one sends each due
// reminder once, and the same call again sends no second mail (counted in Sent Items); agentWrites on a live
// profile without the editor's confirmation is refused; dataverse_query stays on the practice's tables; a bad
// argument is a tool error naming it; a signed-out server still answers, with how to sign in; and stdout
// carries nothing but the protocol all along.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import type { GraphInspection } from '../../../src/sandbox/graph/inspect';
import { sentItemsPerReminder, waitFor } from '../reminders-cli/sendingWorld';
import { startMcp, structured, textOf, type McpOptions, type McpSession } from './mcpClient';
import { testFolder } from '../../builders/testFolders';

const DAY = 86_400_000;
const READ_TOOLS = [
  'sessions_list',
  'session_get',
  'reminders_plan',
  'payments_outstanding',
  'dataverse_query',
  'whoami',
];
const WRITE_TOOLS = ['reminders_send', 'session_mark_attended', 'session_add_note', 'session_charge'];

interface Plan {
  total: number;
  mailboxes: Array<{ mailbox: string; count: number }>;
  messages: Array<{ reminderId: string }>;
}
interface Report {
  total: number;
  sent: number;
  submitted: number;
  failed: number;
  items: Array<{ reminderId: string; outcome: string; error?: string }>;
}
interface Listed {
  from: string;
  to: string;
  sessions: Array<{
    id: string;
    start: string;
    payment: string;
    status: string;
    reminders: Array<{ id: string; status: string }>;
  }>;
}

describe('lc mcp', function () {
  this.timeout(90_000);
  let sandbox: RunningSandbox;
  let session: McpSession | undefined;
  const timeScale = 50;
  // UTC days, so the test and the server agree on where today begins whatever the machine's zone.
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    ...sandbox.info.env,
    TZ: 'UTC',
    LC_REMINDER_PER_MINUTE: String(30 * timeScale),
    ...extra,
  });
  const open = async (options: Partial<McpOptions> = {}): Promise<McpSession> => {
    session = await startMcp({ env: env(), ...options });
    return session;
  };
  const graph = (): GraphInspection => (sandbox.inspect() as { services: { graph: GraphInspection } }).services.graph;
  const nothingSent = (): void => {
    const touched = graph().mailboxes.reduce((n, m) => n + m.drafts.length + m.submissions.total, 0);
    assert.equal(touched, 0, 'no draft was made and nothing was submitted');
  };

  before(async () => {
    sandbox = await startSandbox({ port: 0, seed: 'mcp-server', clients: 30, dueReminders: 6, timeScale });
  });
  after(async () => {
    await sandbox?.stop();
  });
  beforeEach(() => sandbox.reset());
  afterEach(async () => {
    const ended = session;
    session = undefined;
    if (!ended) return;
    await ended.close();
    // Anything on stdout that was not a JSON-RPC message reached the client as a transport error.
    assert.deepEqual(
      ended.protocolErrors.map((e) => e.message),
      [],
      `stdout carried only protocol; stderr: ${ended.stderr().slice(-2000)}`,
    );
  });

  it('lists every tool with valid JSON schemas, read tools read-only and write tools annotated', async () => {
    const { client } = await open();
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [...READ_TOOLS, ...WRITE_TOOLS].sort());
    const ajv = new AjvJsonSchemaValidator();
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, 'object', tool.name);
      assert.ok(tool.outputSchema, `${tool.name} has an output schema`);
      ajv.getValidator(tool.inputSchema);
      ajv.getValidator(tool.outputSchema);
      assert.ok(tool.description && tool.description.length > 20, `${tool.name} says what it does`);
      const hints = tool.annotations ?? {};
      if (READ_TOOLS.includes(tool.name)) assert.equal(hints.readOnlyHint, true, tool.name);
      else {
        assert.equal(hints.readOnlyHint, false, tool.name);
        assert.equal(typeof hints.destructiveHint, 'boolean', tool.name);
        assert.equal(hints.idempotentHint, true, tool.name);
      }
    }
    const { resources } = await client.listResources();
    assert.deepEqual(resources.map((r) => r.uri).sort(), ['lifecockpit://agenda/today', 'lifecockpit://reminders/due']);
  });

  it("sessions_list gives today's and a date range's sessions as the sandbox has them, with payment and reminders", async () => {
    const mcp = await open();
    for (;;) {
      const day = Math.floor(Date.now() / DAY);
      const today = structured<Listed>(await mcp.call('sessions_list', {}));
      const from = new Date((day - 3) * DAY).toISOString().slice(0, 10);
      const to = new Date((day + 3) * DAY).toISOString().slice(0, 10);
      const range = structured<Listed>(await mcp.call('sessions_list', { from, to }));
      if (Math.floor(Date.now() / DAY) !== day) continue; // straddled midnight: ask again
      const seededIn = (start: number, end: number) =>
        sandbox.practice.sessions
          .filter((s) => Date.parse(s.start) >= start && Date.parse(s.start) < end)
          .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
      // Sessions starting at the same minute may come in either order: compare by start, then id.
      const byStart = <T extends { id: string; start: string }>(list: readonly T[]) =>
        [...list].sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.id.localeCompare(b.id));
      const starts = (list: Listed['sessions']) => list.map((s) => Date.parse(s.start));
      assert.deepEqual(
        starts(today.sessions),
        [...starts(today.sessions)].sort((a, b) => a - b),
        'in start order',
      );
      assert.deepEqual(
        byStart(today.sessions).map((s) => s.id),
        byStart(seededIn(day * DAY, (day + 1) * DAY)).map((s) => s.id),
      );
      const seededRange = byStart(seededIn((day - 3) * DAY, (day + 4) * DAY));
      assert.ok(seededRange.length > 0, 'the seed has sessions within three days');
      const listedRange = byStart(range.sessions);
      assert.deepEqual(
        listedRange.map((s) => s.id),
        seededRange.map((s) => s.id),
      );
      assert.deepEqual([range.from, range.to], [from, to]);
      for (const [listed, seeded] of listedRange.map((s, i) => [s, seededRange[i]] as const)) {
        assert.equal(listed.payment, seeded.paymentStatus, `payment of ${seeded.id}`);
        assert.equal(listed.status, seeded.state, `status of ${seeded.id}`);
        const seededReminders = sandbox.practice.reminders.filter((r) => r.sessionId === seeded.id).map((r) => r.id);
        assert.deepEqual(listed.reminders.map((r) => r.id).sort(), seededReminders.sort(), `reminders of ${seeded.id}`);
      }
      return;
    }
  });

  it('refuses a write from a client that cannot ask, says how to approve, and changes nothing', async () => {
    const mcp = await open();
    const before = structured<Plan>(await mcp.call('reminders_plan'));
    assert.ok(before.total >= 6, `due reminders are planned (${before.total})`);
    const refused = await mcp.call('reminders_send');
    assert.equal(refused.isError, true);
    assert.match(textOf(refused), /Nothing was done/);
    assert.match(textOf(refused), /agentWrites/);
    assert.match(textOf(refused), /LC_AGENT_WRITES=true/);
    nothingSent();
    assert.equal(structured<Plan>(await mcp.call('reminders_plan')).total, before.total, 'every reminder is still due');
  });

  it('asks naming the profile, tenant, count and mailbox; a declined question sends nothing', async () => {
    const mcp = await open({ answer: 'decline' });
    const plan = structured<Plan>(await mcp.call('reminders_plan'));
    const declined = await mcp.call('reminders_send');
    assert.equal(declined.isError, true);
    assert.match(textOf(declined), /declined/);
    assert.equal(mcp.questions.length, 1);
    const question = mcp.questions[0];
    assert.ok(question.includes(`Send ${plan.total} due reminders from ${sandbox.info.mailbox}`), question);
    assert.ok(question.includes('profile "sandbox"') && question.includes(sandbox.info.tenantId), question);
    nothingSent();
  });

  it('an accepted send mails each due reminder once, and the same call again sends no second mail', async () => {
    const mcp = await open({ answer: 'accept' });
    const plan = structured<Plan>(await mcp.call('reminders_plan'));
    const ids = plan.messages.map((m) => m.reminderId);
    const report = structured<Report>(await mcp.call('reminders_send'));
    assert.equal(report.total, plan.total);
    assert.equal(report.sent + report.submitted, plan.total, JSON.stringify(report.items.filter((i) => i.error)));
    assert.equal(mcp.questions.length, 1);
    // The retry the agent makes when it lost the answer: what is in Sent Items is recorded, not sent again.
    await waitFor('transport to drain', async () =>
      graph().mailboxes.every((m) => m.outbox.length === 0 && m.inTransit.length === 0),
    );
    const again = structured<Report>(await mcp.call('reminders_send'));
    assert.equal(again.failed, 0, JSON.stringify(again.items));
    const last = structured<Report>(await mcp.call('reminders_send'));
    assert.equal(last.total, 0, 'nothing is left to send');
    const counts = sentItemsPerReminder(graph(), ids);
    assert.deepEqual(
      [...counts].filter(([, n]) => n !== 1),
      [],
      'every reminder is in Sent Items exactly once',
    );
  });

  /** A seeded attended session with a fee, never charged, whose client has an e-mail address. */
  function chargeable(skip: readonly string[] = []): string {
    const withEmail = new Set(sandbox.practice.clients.filter((c) => c.email).map((c) => c.id));
    const found = sandbox.practice.sessions.find(
      (s) =>
        s.state === 'attended' &&
        s.feeCents > 0 &&
        (s.paymentStatus === 'unpaid' || s.paymentStatus === 'none') &&
        !s.stripeInvoiceId &&
        withEmail.has(s.clientId) &&
        !skip.includes(s.id),
    );
    assert.ok(found, 'the seed has an attended unpaid session with a fee');
    return found.id;
  }
  const stripeObjects = (kind: 'invoices' | 'checkoutSessions', sessionId: string) => {
    const state = sandbox.exportState().services.stripe as unknown as Record<
      string,
      Record<string, { metadata: Record<string, string> }>
    >;
    return Object.values(state[kind]).filter((o) => o.metadata['session_id'] === sessionId);
  };

  it('charges by invoice once after an accepted question, and a retry charges nothing more without asking', async () => {
    const mcp = await open({ answer: 'accept' });
    const sessionId = chargeable();
    const first = structured<{ mode: string; invoiceId: string; alreadyCharged: boolean; amountCents: number }>(
      await mcp.call('session_charge', { sessionId }),
    );
    assert.equal(first.mode, 'invoice');
    assert.equal(first.alreadyCharged, false);
    assert.equal(mcp.questions.length, 1);
    assert.match(
      mcp.questions[0],
      /^Charge \d+\.\d\d EUR for the session ".*" with .* on .*: send a Stripe invoice to \S+@\S+, due in 14 days \(Stripe test mode\) in the sandbox profile "sandbox"/,
    );
    const again = structured<{ invoiceId: string; alreadyCharged: boolean }>(
      await mcp.call('session_charge', { sessionId }),
    );
    assert.deepEqual([again.invoiceId, again.alreadyCharged], [first.invoiceId, true]);
    assert.equal(mcp.questions.length, 1, 'nothing left to approve');
    assert.equal(stripeObjects('invoices', sessionId).length, 1, 'one invoice at Stripe');
  });

  it('charges by a mailed Checkout link when the profile says so, once however often it is called', async () => {
    const mcp = await open({ answer: 'accept', env: env({ LC_STRIPE_CHARGE_MODE: 'checkout' }) });
    const sessionId = chargeable();
    type Charged = { mode: string; checkoutSessionId: string; alreadyCharged: boolean; mail: { outcome: string } };
    const first = structured<Charged>(await mcp.call('session_charge', { sessionId }));
    assert.equal(first.mode, 'checkout');
    assert.ok(['sent', 'submitted'].includes(first.mail.outcome), first.mail.outcome);
    assert.match(mcp.questions[0], /mail a Stripe Checkout link to \S+@\S+ from /);
    const again = structured<Charged>(await mcp.call('session_charge', { sessionId }));
    assert.deepEqual([again.checkoutSessionId, again.alreadyCharged], [first.checkoutSessionId, true]);
    assert.notEqual(again.mail.outcome, 'sent', 'the link is not mailed twice');
    assert.equal(stripeObjects('checkoutSessions', sessionId).length, 1, 'one Checkout Session at Stripe');
  });

  it('marks a session attended after an accepted question; marking again changes nothing more', async () => {
    const mcp = await open({ answer: 'accept' });
    const past = sandbox.practice.sessions.find((s) => s.state === 'scheduled' && Date.parse(s.end) < Date.now());
    const target = past ?? sandbox.practice.sessions.find((s) => s.state === 'scheduled');
    assert.ok(target);
    type Marked = { session: { status: string }; followUpCreated: boolean; cancelledReminders: number };
    const first = structured<Marked>(await mcp.call('session_mark_attended', { sessionId: target.id }));
    assert.equal(first.session.status, 'attended');
    assert.match(mcp.questions[0], /^Mark the session ".*" with .* attended \(its unsent reminders are cancelled/);
    const again = structured<Marked>(await mcp.call('session_mark_attended', { sessionId: target.id }));
    assert.deepEqual(
      [again.session.status, again.followUpCreated, again.cancelledReminders],
      ['attended', false, 0],
      'the second mark writes no follow-up and cancels nothing',
    );
  });

  it('refuses agentWrites on a live profile without the editor’s confirmation, and sends nothing', async () => {
    const mcp = await open({ env: env({ LC_PROFILE_KIND: 'live', LC_AGENT_WRITES: 'true' }) });
    const who = structured<{ kind: string; agentWrites: { decision: string } }>(await mcp.call('whoami'));
    assert.equal(who.kind, 'live');
    assert.equal(who.agentWrites.decision, 'refused');
    const refused = await mcp.call('reminders_send');
    assert.equal(refused.isError, true);
    assert.match(textOf(refused), /live profile also need the editor's confirmation/);
    nothingSent();
  });

  it('with agentWrites on a sandbox profile adds a note once, however often the call is made', async () => {
    const mcp = await open({ env: env({ LC_AGENT_WRITES: 'true' }) });
    const target = sandbox.practice.sessions.find((s) => s.state === 'attended');
    assert.ok(target);
    const args = { sessionId: target.id, text: '# Session\nWorked on sleep; homework: diary.' };
    const first = structured<{ noteId: string; alreadySaved: boolean }>(await mcp.call('session_add_note', args));
    const second = structured<{ noteId: string; alreadySaved: boolean }>(await mcp.call('session_add_note', args));
    assert.equal(first.alreadySaved, false);
    assert.deepEqual(second, { ...first, alreadySaved: true });
    const rows = structured<{ rows: unknown[] }>(
      await mcp.call('dataverse_query', { table: 'annotations', filter: `_objectid_value eq ${target.id}` }),
    );
    assert.equal(rows.rows.length, 1, 'one note on the session');
  });

  it('dataverse_query reads the practice tables only, as plain capped queries', async () => {
    const mcp = await open();
    const other = await mcp.call('dataverse_query', { table: 'systemusers' });
    assert.equal(other.isError, true);
    assert.match(textOf(other), /reads only the practice's tables .*not "systemusers"/);
    const navigating = await mcp.call('dataverse_query', {
      table: 'appointments',
      filter: "regardingobjectid_contact_appointment/emailaddress1 eq 'a@b.c'",
    });
    assert.equal(navigating.isError, true);
    assert.match(textOf(navigating), /navigation/);
    const smuggled = await mcp.call('dataverse_query', {
      table: 'contacts',
      filter: "fullname eq 'x'&$expand=owninguser",
    });
    assert.equal(smuggled.isError, true);
    const rows = structured<{ rows: Array<Record<string, unknown>>; more: boolean }>(
      await mcp.call('dataverse_query', { table: 'contact', select: ['fullname', 'emailaddress1'], top: 5 }),
    );
    assert.equal(rows.rows.length, 5);
    assert.equal(rows.more, true);
    assert.ok(rows.rows.every((r) => typeof r.fullname === 'string'));
  });

  it('answers a bad argument with a tool error naming it, and keeps serving', async () => {
    const mcp = await open();
    const bad = await mcp.call('session_get', { sessionId: 'tomorrow at ten' });
    assert.equal(bad.isError, true);
    assert.match(textOf(bad), /sessionId/);
    const range = await mcp.call('sessions_list', { from: '2026-12-03' });
    assert.equal(range.isError, true);
    assert.match(textOf(range), /both from and to/);
    const who = structured<{ profile: string }>(await mcp.call('whoami'));
    assert.equal(who.profile, 'sandbox');
  });

  it('starts signed out and answers with how to sign in', async () => {
    const { LC_CLIENT_SECRET: _secret, ...withoutSecret } = env();
    session = await startMcp({ env: withoutSecret });
    const listed = await session.call('sessions_list');
    assert.equal(listed.isError, true);
    assert.match(textOf(listed), /No credential for profile sandbox/);
    assert.match(textOf(listed), /Life Cockpit: Sign In/);
    const who = structured<{ signedIn: boolean; problem: string }>(await session.call('whoami'));
    assert.equal(who.signedIn, false);
    assert.match(who.problem, /Sign In/);
    const agenda = await session.client.readResource({ uri: 'lifecockpit://agenda/today' });
    assert.match(String((agenda.contents[0] as { text: string }).text), /Not available: No credential/);
  });

  it("serves today's agenda and the due reminders as Markdown", async () => {
    const mcp = await open();
    const plan = structured<Plan>(await mcp.call('reminders_plan'));
    const due = await mcp.client.readResource({ uri: 'lifecockpit://reminders/due' });
    const text = String((due.contents[0] as { text: string }).text);
    assert.equal(due.contents[0].mimeType, 'text/markdown');
    assert.match(text, new RegExp(`^${plan.total} messages would leave`, 'm'));
    for (const m of plan.messages) assert.ok(text.includes(m.reminderId) || text.includes('|'), m.reminderId);
    const agenda = await mcp.client.readResource({ uri: 'lifecockpit://agenda/today' });
    assert.match(
      String((agenda.contents[0] as { text: string }).text),
      /^# Today, \d{4}-\d{2}-\d{2} \(profile sandbox\)/,
    );
  });

  describe('stdout', () => {
    function preload(body: string): string {
      const file = path.join(testFolder('lc-mcp-preload-'), 'preload.js');
      // Fires once the server reads stdin, as a dependency's stray output would mid-session.
      fs.writeFileSync(
        file,
        `const on = process.stdin.on;\nlet fired = false;\nprocess.stdin.on = function (event, listener) {\n  if (event === 'data' && !fired) { fired = true; setImmediate(() => { ${body} }); }\n  return on.call(this, event, listener);\n};\n`,
      );
      return file;
    }

    it('a console.log anywhere in the server goes to stderr, not into the protocol', async () => {
      const mcp = await open({ nodeArgs: ['--require', preload("console.log('a stray line from a dependency');")] });
      await waitFor('the stray line on stderr', async () => mcp.stderr().includes('a stray line from a dependency'));
      structured(await mcp.call('whoami'));
    });

    it('the check catches anything else written to stdout', async () => {
      const mcp = await open({ nodeArgs: ['--require', preload("process.stdout.write('not protocol\\n');")] });
      await waitFor('the client to notice', async () => mcp.protocolErrors.length > 0);
      mcp.protocolErrors.length = 0; // seen: this session's check has done its job
    });
  });
});
