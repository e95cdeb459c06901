// The suite's hands outside the editor: `lc` run against the sandbox in its ready line's environment (as a
// practitioner's terminal would, or a sender that stops half-way), and the sandbox's inspector (`/_sandbox/…`),
// which says what each stand-in service received.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { cliPath, repoRoot } from './paths.mjs';

/**
 * `lc ARGS --json` against the sandbox, with `env` on top of the ready line's. Throws unless it exits with
 * `code` (0 unless told); returns the exit code, stdout's JSON (undefined when it printed none) and stderr.
 */
export function lc(sandbox, args, { env = {}, code = 0 } = {}) {
  const run = spawnSync(process.execPath, [cliPath, ...args, '--json'], {
    cwd: repoRoot,
    env: { ...process.env, ...sandbox.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== code)
    throw new Error(`lc ${args.join(' ')} exited ${run.status}, not ${code}: ${run.stdout}${run.stderr}`);
  return { code: run.status, json: run.stdout.trim() ? JSON.parse(run.stdout) : undefined, stderr: run.stderr };
}

/** One GET on the sandbox's inspector, trusting its CA: `inspect(sandbox, '/acs/sms')`. */
export function inspect(sandbox, path) {
  const url = new URL(`/_sandbox${path}`, sandbox.env.LC_SANDBOX_URL);
  return new Promise((resolve, reject) => {
    // A connection of its own (no keep-alive): a socket the sandbox closed while idle would hang up on reuse.
    const req = request(url, { ca: readFileSync(sandbox.caFile), agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`GET ${url}: ${res.statusCode} ${body}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** What every stand-in service has sent so far: SMS at ACS, mail at SendGrid, Sent Items and Outbox at Graph. */
export async function everythingSent(sandbox) {
  const [{ sms }, inspected] = await Promise.all([inspect(sandbox, '/acs/sms'), inspect(sandbox, '/inspect')]);
  return {
    sms,
    sendgrid: inspected.services.sendgrid.messages,
    graph: inspected.services.graph.mailboxes.reduce((n, m) => n + m.sentItems.length + m.outbox.length, 0),
  };
}
