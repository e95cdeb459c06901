// `lc flows trigger` as a user runs it against the sandbox: the session (or reminder) read from Dataverse is
// posted once as JSON to the flow's HTTP trigger; the trigger URL, which carries its key in `sig=`, appears in
// neither stdout, stderr nor the log files, even with --verbose; a redirect is not followed.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { jsonError, lcProcess, type LcRun } from '../cli/lcProcess';

const SIG = 'canaryFlowSig0123456789abcdef';

interface Received {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

interface Endpoint {
  url: string;
  received: Received[];
  server: Server;
}

async function endpoint(answer: (req: IncomingMessage) => { status: number; headers?: Record<string, string> }) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], body });
      const { status, headers } = answer(req);
      res.writeHead(status, headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, server } satisfies Endpoint;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function everythingWritten(run: LcRun): Record<string, string> {
  const logs = Object.fromEntries(
    fs.readdirSync(run.logDir).map((f) => [f, fs.readFileSync(path.join(run.logDir, f), 'utf8')] as const),
  );
  return { stdout: run.stdout, stderr: run.stderr, ...logs };
}

describe('lc flows trigger', function () {
  this.timeout(60_000);
  let sandbox: RunningSandbox;
  let flow: Endpoint;
  let env: Record<string, string>;
  const servers: Server[] = [];

  before(async () => {
    sandbox = await startSandbox({ seed: 'flows-trigger', clients: 3 });
  });
  beforeEach(async () => {
    flow = await endpoint(() => ({ status: 202 }));
    servers.push(flow.server);
    env = {
      ...sandbox.info.env,
      LC_FLOW_URL_SESSION_BOOKED: `${flow.url}/workflows/4f1c/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`,
    };
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(close));
  });
  after(async () => {
    await sandbox?.stop();
  });

  it('posts the session once as JSON, and the trigger URL never reaches output or logs', async () => {
    const session = sandbox.practice.sessions[0];
    assert.ok(session);
    const run = await lcProcess(
      ['--json', '--verbose', 'flows', 'trigger', 'session-booked', '--session', session.id],
      {
        env,
      },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { flow: 'session-booked', type: 'session', id: session.id, status: 202 });
    assert.equal(flow.received.length, 1);
    const [call] = flow.received;
    assert.equal(call?.method, 'POST');
    assert.match(call?.contentType ?? '', /^application\/json/);
    assert.ok(call?.url.includes(`sig=${SIG}`), 'the trigger got its key');
    const payload = JSON.parse(call?.body ?? '') as { type: string; id: string; data: { id: string; subject: string } };
    assert.equal(payload.type, 'session');
    assert.equal(payload.id, session.id);
    assert.equal(payload.data.id, session.id);
    for (const [place, text] of Object.entries(everythingWritten(run))) {
      assert.ok(!text.includes(SIG), `the trigger key leaked into ${place}:\n${text}`);
    }
  });

  it('posts a reminder', async () => {
    const reminder = sandbox.practice.reminders[0];
    assert.ok(reminder);
    const run = await lcProcess(['--json', 'flows', 'trigger', 'session-booked', '--reminder', reminder.id], { env });
    assert.equal(run.code, 0, run.stderr);
    const payload = JSON.parse(flow.received[0]?.body ?? '') as { type: string; data: { sessionId: string } };
    assert.equal(payload.type, 'reminder');
    assert.equal(payload.data.sessionId, reminder.sessionId);
  });

  it('does not follow a redirect, which would carry the key elsewhere', async () => {
    const elsewhere = await endpoint(() => ({ status: 202 }));
    servers.push(elsewhere.server);
    const redirecting = await endpoint(() => ({ status: 307, headers: { location: `${elsewhere.url}/steal` } }));
    servers.push(redirecting.server);
    const session = sandbox.practice.sessions[0];
    assert.ok(session);
    const run = await lcProcess(['--json', 'flows', 'trigger', 'session-booked', '--session', session.id], {
      env: { ...env, LC_FLOW_URL_SESSION_BOOKED: `${redirecting.url}/invoke?sig=${SIG}` },
    });
    assert.notEqual(run.code, 0);
    assert.equal(jsonError(run).code, 'flows.redirect');
    assert.equal(redirecting.received.length, 1);
    assert.equal(elsewhere.received.length, 0);
    for (const [place, text] of Object.entries(everythingWritten(run))) {
      assert.ok(!text.includes(SIG), `the trigger key leaked into ${place}`);
    }
  });

  it('says which variable to set when the flow has no URL, and sends nothing', async () => {
    const session = sandbox.practice.sessions[0];
    assert.ok(session);
    const run = await lcProcess(['--json', 'flows', 'trigger', 'invoice-sent', '--session', session.id], { env });
    assert.notEqual(run.code, 0);
    assert.match(jsonError(run).message, /LC_FLOW_URL_INVOICE_SENT/);
    assert.equal(flow.received.length, 0);
  });
});
