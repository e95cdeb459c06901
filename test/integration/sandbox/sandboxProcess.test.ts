// `lc sandbox --json` as a process: exactly one JSON ready line with every field of
// ../shared/INTERFACES.md §1, a working HTTPS origin trusted through its CA file, and a clean exit 0
// on SIGTERM with the port released and the state saved with --data.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SandboxReadyInfo } from '../../../src/sandbox/types';

const repo = resolve(__dirname, '../../..');

function getJson(url: string, ca: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((done, fail) => {
    request(url, { ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done({
          status: res.statusCode ?? 0,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        }),
      );
    })
      .on('error', fail)
      .end();
  });
}

function firstLine(child: ChildProcess, stdout: { text: string }): Promise<string> {
  return new Promise((done, fail) => {
    const onData = (): void => {
      const newline = stdout.text.indexOf('\n');
      if (newline >= 0) {
        child.stdout?.off('data', onData);
        done(stdout.text.slice(0, newline));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`lc sandbox exited (${code}) before its ready line`)));
  });
}

describe('lc sandbox --json (process)', function () {
  this.timeout(60_000);
  let dir: string;
  let child: ChildProcess | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lc-sbx-proc-'));
  });
  after(() => {
    if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one ready line, serves HTTPS with its CA, and exits 0 on SIGTERM with the state saved', async () => {
    const dataFile = join(dir, 'state.json');
    const stdout = { text: '' };
    let stderr = '';
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'sandbox',
        '--json',
        '--port',
        '0',
        '--seed',
        'process-test',
        '--clients',
        '5',
        '--data',
        dataFile,
        '--fault',
        'stripe:throttle:0.5:1',
      ],
      { cwd: repo, env: { ...process.env, LC_LOG_DIR: join(dir, 'logs') }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout.text += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

    const info = JSON.parse(await firstLine(child, stdout)) as SandboxReadyInfo;
    const port = Number(new URL(info.authority).port);
    assert.equal(info.ready, true);
    assert.ok(port > 0);
    assert.equal(info.knownAuthority, `localhost:${port}`);
    assert.equal(info.authority, `https://localhost:${port}/${info.tenantId}`);
    assert.match(info.tenantId, /^[0-9a-f-]{36}$/);
    assert.match(info.clientId, /^[0-9a-f-]{36}$/);
    assert.match(info.clientSecret, /^lcsbx~/);
    assert.match(info.certificate.thumbprint, /^[0-9A-F]{40}$/);
    assert.ok(
      existsSync(info.caFile) &&
        existsSync(info.certificate.privateKeyFile) &&
        existsSync(info.certificate.certificateFile),
    );
    assert.equal(info.graphUrl, `https://localhost:${port}/graph`);
    assert.equal(info.graphScope, 'https://graph.microsoft.com/.default');
    assert.equal(info.dataverseUrl, `https://localhost:${port}/dataverse`);
    assert.equal(info.stripeUrl, `https://localhost:${port}`);
    assert.match(info.stripeSecretKey, /^sk_test_/);
    assert.match(info.stripeWebhookSecret, /^whsec_/);
    assert.equal(info.mailbox, 'dr.morgan@contoso-practice.test');
    assert.deepEqual(
      Object.keys(info.env).sort(),
      [
        'LC_ACS_CONNECTION_STRING',
        'LC_AUTHORITY_HOST',
        'LC_CA_FILE',
        'LC_CLIENT_ID',
        'LC_CLIENT_SECRET',
        'LC_DATAVERSE_URL',
        'LC_GRAPH_URL',
        'LC_MAILBOX',
        'LC_PROFILE',
        'LC_PROFILE_KIND',
        'LC_SANDBOX_CA',
        'LC_SANDBOX_URL',
        'LC_SENDGRID_API_KEY',
        'LC_SENDGRID_URL',
        'LC_SMS_FROM',
        'LC_STRIPE_SECRET_KEY',
        'LC_STRIPE_URL',
        'LC_STRIPE_WEBHOOK_SECRET',
        'LC_TENANT_ID',
      ].sort(),
    );
    assert.equal(info.env.LC_PROFILE, 'sandbox');
    // ACS's connection string names the endpoint (the sandbox's origin: the SDK takes no path) and the key.
    assert.match(
      info.acsConnectionString,
      new RegExp(`^endpoint=https://localhost:${port}/;accesskey=[A-Za-z0-9+/]+=*$`),
    );
    assert.equal(info.env.LC_ACS_CONNECTION_STRING, info.acsConnectionString);
    assert.equal(info.env.LC_SMS_FROM, info.smsFrom);
    // lc trusts the CA for the sandbox's origins only (LC_CA_FILE); a shell that loads this env must not
    // make every other Node process trust it for every host.
    assert.equal(info.env.LC_CA_FILE, info.caFile);
    assert.equal(info.env.NODE_EXTRA_CA_CERTS, undefined);

    const ca = readFileSync(info.caFile, 'utf8');
    const config = await getJson(`${info.authority}/v2.0/.well-known/openid-configuration`, ca);
    assert.equal(config.status, 200);
    assert.equal(config.body.token_endpoint, `${info.authority}/oauth2/v2.0/token`);
    const inspected = await getJson(`${info.env.LC_SANDBOX_URL}/_sandbox/inspect`, ca);
    assert.deepEqual(
      (inspected.body.faults as Array<{ service: string }>).map((f) => f.service),
      ['stripe'],
    );

    const exited = new Promise<number | null>((done) => child?.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, `stderr: ${stderr}`);
    assert.equal(stdout.text.trim().split('\n').length, 1, 'nothing but the ready line on stdout');
    assert.ok(existsSync(dataFile), 'state saved with --data');
    await new Promise<void>((done, fail) => {
      const probe = createServer();
      probe.once('error', fail);
      probe.listen(port, '127.0.0.1', () => probe.close(() => done()));
    });
  });

  it("seeds due reminders across practitioners' mailboxes and runs Exchange time faster with --time-scale", async () => {
    const stdout = { text: '' };
    let stderr = '';
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'sandbox',
        '--json',
        '--seed',
        'process-reminders',
        '--clients',
        '5',
        '--due-reminders',
        '12',
        '--practitioners',
        '3',
        '--time-scale',
        '60',
      ],
      { cwd: repo, env: { ...process.env, LC_LOG_DIR: join(dir, 'logs') }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout.text += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const info = JSON.parse(await firstLine(child, stdout)) as SandboxReadyInfo;
    assert.equal(info.mailbox, 'dr.morgan@contoso-practice.test', 'the first practitioner');
    const ca = readFileSync(info.caFile, 'utf8');
    const inspected = await getJson(`${info.env.LC_SANDBOX_URL}/_sandbox/inspect`, ca);
    const graph = (inspected.body.services as Record<string, Record<string, unknown>>).graph as {
      transport: { timeScale: number; submissionsPerMinute: number };
      mailboxes: Array<{ mail: string }>;
    };
    assert.equal(graph.transport.timeScale, 60);
    assert.equal(graph.transport.submissionsPerMinute, 30);
    const mails = graph.mailboxes.map((m) => m.mail);
    for (const mail of [info.mailbox, 'practitioner02@contoso-practice.test', 'practitioner03@contoso-practice.test'])
      assert.ok(mails.includes(mail), `${mail} has a mailbox`);
    const exported = await getJson(`${info.env.LC_SANDBOX_URL}/_sandbox/export`, ca);
    const reminders = (exported.body.practice as { reminders: Array<Record<string, string>> }).reminders;
    const due = reminders.filter((r) => r.ownerSystemUserId !== undefined);
    assert.equal(due.length, 12);
    assert.ok(due.every((r) => r.status === 'approved' && Date.parse(r.scheduledTime ?? '') <= Date.now()));
    assert.equal(new Set(due.map((r) => r.ownerSystemUserId)).size, 3, 'spread over the three practitioners');

    const exited = new Promise<number | null>((done) => child?.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, `stderr: ${stderr}`);
  });

  it('refuses a time scale that is not a positive number, with exit 10', async () => {
    const run = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sandbox', '--time-scale', '0'], {
      cwd: repo,
      env: { ...process.env, LC_LOG_DIR: join(dir, 'logs') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const code = await new Promise<number | null>((done) => run.once('exit', (c) => done(c)));
    assert.equal(code, 10);
  });
});
