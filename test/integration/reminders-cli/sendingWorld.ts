// The world of the sending tests: a sandbox *process* (`lc sandbox --json --due-reminders N
// --practitioners K --time-scale X`), the real `lc` spawned against it as a user's script would, and
// what Exchange holds read from the sandbox's inspector (Sent Items per reminder, whether transport has
// drained), and what Dataverse recorded, read with `lc dv query`. Waits poll a condition with a deadline;
// nothing sleeps for a fixed time.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { DEFAULT_TABLES, MESSAGE_STATUS } from '../../../src/core/practice';
import type { GraphInspection } from '../../../src/sandbox/graph/inspect';
import type { SandboxReadyInfo } from '../../../src/sandbox/types';
import { cliPath, lcProcess, type LcOptions, type LcRun } from '../cli/lcProcess';

export interface SandboxProcessOptions {
  seed: string;
  clients: number;
  dueReminders: number;
  practitioners: number;
  timeScale: number;
}

export interface SandboxProcess {
  info: SandboxReadyInfo;
  /** The environment that points `lc` at it, with the client pacing at the sandbox's scaled rate. */
  env: Record<string, string>;
  inspectGraph(): Promise<GraphInspection>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

function call(info: SandboxReadyInfo, method: string, path: string): Promise<unknown> {
  const origin = new URL(info.graphUrl).origin;
  const ca = readFileSync(info.caFile);
  return new Promise((resolve, reject) => {
    request(`${origin}/_sandbox${path}`, { method, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 400) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
        else resolve(JSON.parse(text) as unknown);
      });
    })
      .on('error', reject)
      .end();
  });
}

export async function startSandboxProcess(options: SandboxProcessOptions): Promise<SandboxProcess> {
  const args = [
    cliPath,
    'sandbox',
    '--json',
    '--port',
    '0',
    '--seed',
    options.seed,
    '--clients',
    String(options.clients),
    '--due-reminders',
    String(options.dueReminders),
    '--practitioners',
    String(options.practitioners),
    '--time-scale',
    String(options.timeScale),
  ];
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LC_')));
  const child = spawn(process.execPath, args, { env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const info = await new Promise<SandboxReadyInfo>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const newline = stdout.indexOf('\n');
      if (newline >= 0) resolve(JSON.parse(stdout.slice(0, newline)) as SandboxReadyInfo);
    });
    child.once('exit', (code) => reject(new Error(`lc sandbox exited (${code}) before its ready line: ${stderr}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    info,
    env: {
      ...info.env,
      // Exchange's 30 a minute runs timeScale times faster in the sandbox; the sender keeps pace with it.
      LC_REMINDER_PER_MINUTE: String(Math.min(10_000, 30 * options.timeScale)),
    },
    inspectGraph: async () => {
      const all = (await call(info, 'GET', '/inspect')) as { services: { graph: GraphInspection } };
      return all.services.graph;
    },
    reset: async () => {
      await call(info, 'POST', '/reset');
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Polls `check` until it holds (a value other than false), or fails naming `what` after the deadline. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | false>,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Transport has drained: no mailbox has anything in its Outbox or in transit. */
export function waitForDrain(sandbox: SandboxProcess): Promise<GraphInspection> {
  return waitFor('transport to drain', async () => {
    const graph = await sandbox.inspectGraph();
    return graph.mailboxes.every((m) => m.outbox.length === 0 && m.inTransit.length === 0) ? graph : false;
  });
}

/** How many copies of each reminder are in Sent Items, across every mailbox (by the id the message carries). */
export function sentItemsPerReminder(graph: GraphInspection, reminderIds: readonly string[]): Map<string, number> {
  const wanted = new Set(reminderIds.map((id) => id.toLowerCase()));
  const counts = new Map(reminderIds.map((id) => [id.toLowerCase(), 0]));
  for (const mailbox of graph.mailboxes) {
    for (const message of mailbox.sentItems) {
      const tagged = message.extendedProperties.map((p) => p.value.toLowerCase()).filter((v) => wanted.has(v));
      for (const id of tagged) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

/** Every reminder in Sent Items exactly once: none lost, none twice. */
export function assertEachSentOnce(graph: GraphInspection, reminderIds: readonly string[]): void {
  const counts = sentItemsPerReminder(graph, reminderIds);
  const lost = [...counts].filter(([, n]) => n === 0).map(([id]) => id);
  const twice = [...counts].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`);
  assert.deepEqual({ lost, twice }, { lost: [], twice: [] }, 'every due reminder is in Sent Items exactly once');
}

/** Every row of a table in the sandbox's Dataverse, as `lc --json dv query --all` prints them (one a line). */
async function dataverseRows(sandbox: SandboxProcess, entitySet: string, select: string[]): Promise<Row[]> {
  const run = await lc(sandbox, ['--json', 'dv', 'query', entitySet, '--all', '--select', select.join(',')]);
  assert.equal(run.code, 0, run.stderr + run.stdout);
  return run.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Row);
}

type Row = Record<string, unknown>;

/** Dataverse agrees with Sent Items: every reminder recorded sent, each with exactly one message-log row. */
export async function assertEachRecordedSentOnce(
  sandbox: SandboxProcess,
  reminderIds: readonly string[],
): Promise<void> {
  const m = DEFAULT_TABLES.scheduledMessage;
  const log = DEFAULT_TABLES.messageLog;
  const statuses = new Map(
    (await dataverseRows(sandbox, m.entitySet, [m.primaryId, m.columns.status])).map((r) => [
      String(r[m.primaryId]).toLowerCase(),
      Object.entries(MESSAGE_STATUS).find(([, v]) => v === r[m.columns.status])?.[0],
    ]),
  );
  const lookup = `_${log.columns.scheduledMessage}_value`;
  const logRows = new Map<string, number>();
  for (const row of await dataverseRows(sandbox, log.entitySet, [lookup])) {
    const id = String(row[lookup]).toLowerCase();
    logRows.set(id, (logRows.get(id) ?? 0) + 1);
  }
  const wrong = reminderIds
    .map((id) => id.toLowerCase())
    .map((id) => ({ id, status: statuses.get(id), logRows: logRows.get(id) ?? 0 }))
    .filter((r) => r.status !== 'sent' || r.logRows !== 1);
  assert.deepEqual(wrong, [], 'every due reminder is recorded sent with exactly one message-log row');
}

export interface PlanDocument {
  total: number;
  recovering: number;
  mailboxes: Array<{ mailbox: string; count: number }>;
  messages: Array<{ reminderId: string; recipient: string; subject: string; mailbox: string; state: string }>;
}

export interface SendDocument {
  total: number;
  sent: number;
  submitted: number;
  failed: number;
  retryLater: number;
  skipped: number;
  items: Array<{ reminderId: string; outcome: string; error?: string }>;
}

export function lc(sandbox: SandboxProcess, args: string[], options: LcOptions = {}): Promise<LcRun> {
  return lcProcess(args, { ...options, env: { ...sandbox.env, ...options.env } });
}

/** The reminders a send would take on now (due, and left in sending), from `lc reminders plan --json`. */
export async function plannedIds(sandbox: SandboxProcess): Promise<string[]> {
  const run = await lc(sandbox, ['--json', 'reminders', 'plan']);
  assert.equal(run.code, 0, run.stderr + run.stdout);
  return (JSON.parse(run.stdout) as PlanDocument).messages.map((m) => m.reminderId);
}

/**
 * Runs `lc reminders send --yes` until nothing is left for it: a message still in the Outbox when a
 * run ends is recorded by the next one, once transport has taken it. Returns the reports.
 */
export async function sendUntilSettled(sandbox: SandboxProcess, maxRuns = 5): Promise<SendDocument[]> {
  const reports: SendDocument[] = [];
  for (let i = 0; i < maxRuns; i++) {
    await waitForDrain(sandbox);
    // This sandbox moves a submitted message out of Drafts at once, so a copy still in Drafts after a kill
    // never reached Exchange: the settling runs need no grace before sending it.
    const run = await lc(sandbox, ['--json', '--yes', 'reminders', 'send'], {
      env: { LC_SUBMITTED_DRAFT_GRACE_SECONDS: '0' },
    });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout) as SendDocument;
    reports.push(report);
    if (report.total === 0) return reports;
  }
  throw new Error(`still reminders to send after ${maxRuns} runs: ${JSON.stringify(reports.at(-1))}`);
}
