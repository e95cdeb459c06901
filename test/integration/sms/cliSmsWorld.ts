// The world of the CLI's channel tests: a sandbox *process* (as a user's script starts it), the real `lc`
// spawned against it with the ready line's environment (LC_ACS_CONNECTION_STRING, LC_SMS_FROM, LC_CA_FILE),
// what the sandbox's ACS received (GET /_sandbox/acs/sms), and the test's own Dataverse client on the same
// sandbox to arrange rows and read them back (quicker than an `lc` process a row). cliChannelWorld registers
// the hooks that start, reset and stop it, so each test file shows only its own arrangement.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { sandboxProfile } from '../../../src/core/config';
import type { DataverseClient } from '../../../src/core/dataverse';
import { DEFAULT_TABLES, MESSAGE_CHANNEL, MESSAGE_KIND, MESSAGE_STATUS } from '../../../src/core/practice';
import type { SentSms } from '../../../src/sandbox/acs';
import type { AcceptedMail } from '../../../src/sandbox/sendgrid/mailSend';
import type { SandboxReadyInfo } from '../../../src/sandbox/types';
import { connectAsSandboxApp } from '../../builders/sandboxApp';
import type { LcOptions, LcRun } from '../cli/lcProcess';
import {
  lc,
  startSandboxProcess,
  type PlanDocument,
  type SandboxProcess,
  type SendDocument,
  type SandboxProcessOptions,
} from '../reminders-cli/sendingWorld';

export const M = DEFAULT_TABLES.scheduledMessage;

/** One call to the sandbox's inspector (`/_sandbox/…`), trusting its CA for it. */
export function sandboxCall(info: SandboxReadyInfo, method: string, path: string, body?: unknown): Promise<unknown> {
  const origin = new URL(info.graphUrl).origin;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}/_sandbox${path}`,
      {
        method,
        ca: readFileSync(info.caFile),
        headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 400) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
          else resolve(text === '' ? undefined : (JSON.parse(text) as unknown));
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Every SMS the sandbox's ACS has sent. */
export async function sentSms(sandbox: SandboxProcess): Promise<SentSms[]> {
  return ((await sandboxCall(sandbox.info, 'GET', '/acs/sms')) as { sms: SentSms[] }).sms;
}

/** The SMS ACS sent for one reminder (its delivery-report tag is the reminder id). */
export async function smsFor(sandbox: SandboxProcess, reminderId: string): Promise<SentSms[]> {
  return (await sentSms(sandbox)).filter((sms) => sms.tag?.toLowerCase() === reminderId.toLowerCase());
}

export type MessageRow = Record<string, unknown>;

/** The test's own signed-in Dataverse client on the sandbox (the app's secret from the ready line). */
export interface PracticeRows {
  dv: DataverseClient;
  close(): Promise<void>;
}

export async function practiceRows(info: SandboxReadyInfo): Promise<PracticeRows> {
  const profile = sandboxProfile(info);
  const clients = await connectAsSandboxApp(info, profile);
  const dv = clients.dataverse;
  if (!dv) throw new Error('the sandbox profile has no Dataverse client');
  return { dv, close: () => clients.close() };
}

export async function messageRow(rows: PracticeRows, id: string): Promise<MessageRow> {
  return (await rows.dv.get(M.entitySet, id)).row;
}

export function statusOf(row: MessageRow): string | undefined {
  return Object.entries(MESSAGE_STATUS).find(([, v]) => v === row[M.columns.status])?.[0];
}

export async function queryRows(rows: PracticeRows, entitySet: string, filter: string): Promise<MessageRow[]> {
  return rows.dv.list(entitySet, { filter });
}

export async function updateRow(
  rows: PracticeRows,
  entitySet: string,
  id: string,
  data: Record<string, unknown>,
): Promise<void> {
  await rows.dv.update(entitySet, id, data);
}

/**
 * Makes exactly `count` SMS reminders due now and nothing else: every message due now (or left in sending)
 * goes back to draft, then seeded SMS reminders of upcoming sessions (of clients who prefer SMS) are approved
 * and due a minute ago. Checked with `lc reminders plan`.
 */
export function dueSmsOnly(sandbox: SandboxProcess, rows: PracticeRows, count: number): Promise<MessageRow[]> {
  return dueOnly(sandbox, rows, count, 'sms');
}

/** As dueSmsOnly, for reminders of either medium: `email` ones go through the profile's mail channel. */
export async function dueOnly(
  sandbox: SandboxProcess,
  rows: PracticeRows,
  count: number,
  medium: 'email' | 'sms',
): Promise<MessageRow[]> {
  const c = M.columns;
  const now = new Date().toISOString();
  const due = await queryRows(
    rows,
    M.entitySet,
    `(${c.status} eq ${MESSAGE_STATUS.approved} and ${c.scheduledTime} le ${now}) or ${c.status} eq ${MESSAGE_STATUS.sending}`,
  );
  for (const row of due) {
    await updateRow(rows, M.entitySet, String(row[M.primaryId]), { [c.status]: MESSAGE_STATUS.draft });
  }
  const upcoming = await queryRows(
    rows,
    M.entitySet,
    `${c.channel} eq ${MESSAGE_CHANNEL[medium]} and ${c.status} eq ${MESSAGE_STATUS.draft} and ${c.kind} eq ${MESSAGE_KIND.reminder} and ${c.scheduledTime} gt ${now}`,
  );
  assert.ok(upcoming.length >= count, `the seed has ${upcoming.length} upcoming ${medium} reminders`);
  const chosen = upcoming.slice(0, count);
  for (const row of chosen) {
    await updateRow(rows, M.entitySet, String(row[M.primaryId]), {
      [c.status]: MESSAGE_STATUS.approved,
      [c.scheduledTime]: new Date(Date.now() - 60_000).toISOString(),
    });
  }
  const run = await lc(sandbox, ['--json', 'reminders', 'plan']);
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.deepEqual(
    (JSON.parse(run.stdout) as PlanDocument).messages.map((m) => m.reminderId.toLowerCase()).sort(),
    chosen.map((row) => String(row[M.primaryId]).toLowerCase()).sort(),
    `only the chosen ${medium} reminders are due`,
  );
  return chosen;
}

export interface CliChannelWorldOptions extends Partial<Omit<SandboxProcessOptions, 'seed' | 'clients'>> {
  seed: string;
  clients: number;
  /** Put the sandbox back to its seed before each test (default); off where tests build on each other. */
  resetBeforeEach?: boolean;
}

/** The running sandbox process and the test's own rows on it, valid inside a test and its hooks. */
export interface CliChannelWorld {
  readonly sandbox: SandboxProcess;
  readonly rows: PracticeRows;
  /** `lc` spawned against the sandbox, with the ready line's environment plus `options.env`. */
  lc(args: string[], options?: LcOptions): Promise<LcRun>;
}

/**
 * Registers, in the calling describe, the hooks every CLI channel test repeats: one sandbox process for the
 * describe (one practitioner, Exchange's limits 50 times faster, no due reminders unless asked) and the test's
 * own Dataverse client on it, both stopped after its tests; and, unless told otherwise, a reset to the seed
 * before each test. Hooks the describe registers after this one run after it (a reset, then the test's own).
 */
export function cliChannelWorld(options: CliChannelWorldOptions): CliChannelWorld {
  const { resetBeforeEach = true, ...sandboxOptions } = options;
  let sandbox: SandboxProcess | undefined;
  let rows: PracticeRows | undefined;
  before(async () => {
    sandbox = await startSandboxProcess({ dueReminders: 0, practitioners: 1, timeScale: 50, ...sandboxOptions });
    rows = await practiceRows(sandbox.info);
  });
  after(async () => {
    await rows?.close();
    await sandbox?.stop();
  });
  if (resetBeforeEach) beforeEach(() => started().reset());
  function started(): SandboxProcess {
    if (!sandbox) throw new Error('the sandbox process is not started: use the world inside a test or hook');
    return sandbox;
  }
  return {
    get sandbox() {
      return started();
    },
    get rows() {
      if (!rows) throw new Error('the Dataverse client is not connected: use the world inside a test or hook');
      return rows;
    },
    lc: (args, lcOptions) => lc(started(), args, lcOptions),
  };
}

/** The environment that sends e-mail through the sandbox's SendGrid instead of Microsoft 365. */
export const SENDGRID = { LC_MAIL_CHANNEL: 'sendgrid' };

/** What the sandbox's SendGrid accepted for one reminder (its custom args carry the reminder id). */
export async function mailFor(world: CliChannelWorld, id: string): Promise<AcceptedMail[]> {
  const inspected = (await sandboxCall(world.sandbox.info, 'GET', '/inspect')) as {
    services: { sendgrid: { messages: AcceptedMail[] } };
  };
  return inspected.services.sendgrid.messages.filter(
    (m) => m.customArgs.reminderId?.toLowerCase() === id.toLowerCase(),
  );
}

/** An e-mail reminder SendGrid took just before its sender was killed, left in Needs a Check by the rerun. */
export async function needsCheckBySendGrid(world: CliChannelWorld): Promise<string> {
  const [chosen] = await dueOnly(world.sandbox, world.rows, 1, 'email');
  const id = String(chosen?.[M.primaryId]);
  const send = (env: Record<string, string>) => world.lc(['--json', '--yes', 'reminders', 'send'], { env });
  const crashed = await send({ ...SENDGRID, LC_TEST_CRASH_AT: 'afterSend' });
  assert.equal(crashed.code, 86, crashed.stderr + crashed.stdout);
  const rerun = await send(SENDGRID);
  assert.equal(rerun.code, 0, rerun.stderr + rerun.stdout);
  assert.deepEqual(
    (JSON.parse(rerun.stdout) as SendDocument).items.map((i) => i.outcome),
    ['skipped'],
  );
  assert.equal(statusOf(await messageRow(world.rows, id)), 'needsCheck');
  assert.equal((await mailFor(world, id)).length, 1, 'SendGrid took it once');
  return id;
}

/** An SMS ACS took before its sender was killed, rerun past ACS's repeat window: left in Needs a Check. */
export async function needsCheckBySms(world: CliChannelWorld): Promise<string> {
  const [chosen] = await dueSmsOnly(world.sandbox, world.rows, 1);
  const id = String(chosen?.[M.primaryId]);
  const send = (env: Record<string, string> = {}) => world.lc(['--json', '--yes', 'reminders', 'send'], { env });
  const crashed = await send({ LC_TEST_CRASH_AT: 'afterSend' });
  assert.equal(crashed.code, 86, crashed.stderr + crashed.stdout);
  // The rerun comes ten minutes after the first hand-over, as the row records it: past ACS's 5 minutes.
  await updateRow(world.rows, M.entitySet, id, {
    [M.columns.firstAttempt]: new Date(Date.now() - 10 * 60_000).toISOString(),
  });
  const rerun = await send();
  assert.equal(rerun.code, 0, rerun.stderr + rerun.stdout);
  assert.equal(statusOf(await messageRow(world.rows, id)), 'needsCheck');
  assert.equal((await smsFor(world.sandbox, id)).length, 1, 'ACS took it once');
  return id;
}
