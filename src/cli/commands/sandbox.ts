// `lc sandbox`: runs the offline sandbox (Entra ID, Graph, Dataverse, Stripe on one HTTPS origin on
// 127.0.0.1) until SIGINT/SIGTERM, printing the ready line of ../shared/INTERFACES.md §1 with --json;
// and `lc sandbox inspect|reset|export|import`, which talk to a running one over its /_sandbox endpoints.
// The sandbox module is imported dynamically so esbuild keeps it out of the CLI's start-up path.
//
// Flags (copy for README):
//   lc sandbox [--json] [--port N] [--seed S] [--clients N] [--data FILE] [--token-lifetime SECONDS] [--fault SPEC]…
//              [--due-reminders N] [--practitioners K] [--time-scale X] [--write-env FILE]
//     --port N              listen on 127.0.0.1:N (0, the default, picks a free port)
//     --seed S              the practice's seed: same seed, same tenant, app, clients and sessions (default life-cockpit)
//     --clients N           number of clients (default 40; each has 20 weekly sessions)
//     --data FILE           load the state from FILE at start when it exists, save it there on exit
//     --token-lifetime S    access-token lifetime in seconds (default 3599)
//     --due-reminders N     also seed N approved reminders due now, spread over the practitioners
//     --practitioners K     K practitioners, each with a mailbox of their own (default 1; the ready line's mailbox is the first)
//     --time-scale X        Exchange's per-minute sending limit (30 a mailbox) and transport delay, and Stripe's
//                           webhook retries (30 min, 1 h, 2 h in test mode), run X times faster
//     --write-env FILE      write the ready line's env as `export NAME='value'` lines to FILE (0600) once ready,
//                           for another shell to source (`. FILE`); removed when the sandbox stops. Not named
//                           --env-file: node takes --env-file anywhere on its command line, even after the
//                           script, and exits 9 "not found" before lc runs (nodejs/node#54232).
//     --fault SPEC          inject faults, repeatable: SERVICE:KIND:RATE[:VALUE[:LIMIT]][@ROUTE]
//                           SERVICE graph|dataverse|stripe|entra|*; KIND latency (VALUE ms) | throttle (429,
//                           Retry-After VALUE s) | error500 | error503 | drop | slowBody (VALUE ms); RATE 0..1;
//                           LIMIT stops after that many hits; ROUTE is a regex on "METHOD /path" below the service.
//                           e.g. --fault graph:throttle:0.1:2   --fault 'graph:throttle:1:1:3@^POST /v1.0/users/.+/sendMail'
//   lc sandbox inspect|reset|export [FILE]|import FILE [--url URL] [--ca FILE]
//     --url defaults to LC_SANDBOX_URL, --ca to LC_SANDBOX_CA (both are in the ready line's env).

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { request } from 'node:https';
import { Command } from 'commander';
import { z } from 'zod';
import { ExternalServiceError, TransientError, ValidationError } from '../../core/errors';
import type { FaultRule, SandboxReadyInfo } from '../../sandbox';
import { untilSignalled } from '../cancellation';
import { reportsConfiguration, verb, type VerbContext } from '../action';
import { integerIn as integerBetween, parsedBy } from '../flags';

interface SandboxFlags {
  json?: boolean;
  port: number;
  seed?: string;
  clients?: number;
  data?: string;
  tokenLifetime?: number;
  fault: string[];
  dueReminders?: number;
  practitioners?: number;
  timeScale?: number;
  writeEnv?: string;
}

export function sandboxCommand(): Command {
  const command = new Command('sandbox')
    .description('Run the offline sandbox (Entra ID, Graph, Dataverse, Stripe) on 127.0.0.1 until Ctrl+C')
    .option('--json', 'print one JSON ready line on stdout and nothing else')
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', integerIn(0, 65535), 0)
    .option('--seed <seed>', 'seed of the generated practice')
    .option('--clients <n>', 'number of clients', integerIn(1, 100_000))
    .option('--data <file>', 'load state from FILE when it exists, save it there on exit')
    .option('--token-lifetime <seconds>', 'access-token lifetime in seconds', integerIn(1, 86_400))
    .option(
      '--fault <spec>',
      'inject faults: SERVICE:KIND:RATE[:VALUE[:LIMIT]][@ROUTE] (repeatable)',
      (spec: string, all: string[]) => [...all, spec],
      [],
    )
    .option('--due-reminders <n>', 'also seed N approved reminders due now', integerIn(0, 1_000_000))
    .option('--practitioners <k>', 'practitioners, each with a mailbox of their own', integerIn(1, 1_000))
    .option(
      '--time-scale <x>',
      "run Exchange's per-minute limits and transport delay, and Stripe's webhook retries, X times faster",
      positiveNumber,
    )
    .option('--write-env <file>', 'write the env lines for a shell to source (0600), removed when the sandbox stops')
    .action(
      verb(async (ctx) => runSandbox(ctx, ctx.options as unknown as SandboxFlags), {
        ...reportsConfiguration,
        ownsSignals: true,
      }),
    );
  command.addCommand(
    remoteCommand('inspect', 'Show the running sandbox: practice, token requests, faults, services', inspectSandbox),
  );
  command.addCommand(remoteCommand('reset', 'Reload the seeded practice into the running sandbox', resetSandbox));
  command.addCommand(
    remoteCommand('export', 'Write the running sandbox state as JSON (to FILE or stdout)', exportSandbox).argument(
      '[file]',
    ),
  );
  command.addCommand(
    remoteCommand('import', 'Replace the running sandbox state with FILE (an export)', importSandbox).argument(
      '<file>',
    ),
  );
  return command;
}

function integerIn(min: number, max: number): (value: string) => number {
  return parsedBy(integerBetween(min, max));
}

/** `--time-scale`: how many times faster Exchange's minutes run, such as 60 or 0.5. */
const positiveNumber = parsedBy(
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'expected a number above 0, such as 60 or 0.5')
    .transform(Number)
    .pipe(z.number().positive('expected a number above 0').max(1_000_000, 'expected at most 1000000')),
);

async function runSandbox(ctx: VerbContext, flags: SandboxFlags): Promise<void> {
  const sandboxModule = await import('../../sandbox');
  let faults: FaultRule[];
  try {
    faults = flags.fault.map((spec) => sandboxModule.parseFaultSpec(spec));
  } catch (error) {
    throw error instanceof ValidationError
      ? error
      : new ValidationError(String(error), { code: 'sandbox.invalidFault' });
  }
  const sandbox = await sandboxModule.startSandbox({
    port: flags.port,
    seed: flags.seed,
    clients: flags.clients,
    dataFile: flags.data,
    faults,
    tokenLifetimeSeconds: flags.tokenLifetime,
    dueReminders: flags.dueReminders,
    practitioners: flags.practitioners,
    timeScale: flags.timeScale,
    log: ctx.runtime.log.child('sandbox'),
  });
  const envFile = flags.writeEnv
    ? await writeEnvFile(flags.writeEnv, sandbox.info.env).catch(async (error: unknown) => {
        await sandbox.stop();
        throw new ValidationError(`Cannot write the env file ${flags.writeEnv}: ${(error as Error).message}`, {
          code: 'sandbox.envFile',
          cause: error,
        });
      })
    : undefined;
  const stdout = ctx.out.io.stdout;
  if (ctx.out.json) stdout.write(`${JSON.stringify(sandbox.info)}\n`);
  else stdout.write(summary(sandbox.info, flags));
  try {
    await untilSignalled();
  } finally {
    await envFile?.remove();
    await sandbox.stop();
  }
  ctx.out.note(flags.data ? `Sandbox stopped; state saved to ${flags.data}.` : 'Sandbox stopped.');
}

/** `export NAME='value'` lines a POSIX shell sources; a quote inside a value is closed, escaped and reopened. */
export function envLines(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => `export ${name}='${value.replace(/'/g, `'\\''`)}'\n`)
    .join('');
}

/**
 * Writes the env lines where another shell can source them while the sandbox runs: whole or not at
 * all (a temporary file renamed into place, which also replaces a symlink there rather than writing
 * through it), readable by the user alone since it holds the sandbox's secrets. `remove` deletes it
 * again when it still holds what this sandbox wrote.
 */
async function writeEnvFile(file: string, env: Readonly<Record<string, string>>): Promise<{ remove(): Promise<void> }> {
  const text = envLines(env);
  const partial = `${file}.${process.pid}.tmp`;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(partial, text, { mode: 0o600, flag: 'wx' });
  await rename(partial, file);
  return {
    remove: async () => {
      const now = await readFile(file, 'utf8').catch(() => undefined);
      if (now === text) await rm(file, { force: true });
    },
  };
}

function summary(info: SandboxReadyInfo, flags: SandboxFlags): string {
  const exports = envLines(info.env)
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  return [
    'Life Cockpit sandbox is running (Ctrl+C to stop).',
    '',
    `  Entra ID   ${info.authority}`,
    `  Graph      ${info.graphUrl}   (mailbox ${info.mailbox})`,
    `  Dataverse  ${info.dataverseUrl}`,
    `  Stripe     ${info.stripeUrl}`,
    `  CA         ${info.caFile}`,
    '',
    `  Tenant     ${info.tenantId}`,
    `  Client     ${info.clientId}`,
    `  Secret     ${info.clientSecret}`,
    `  Cert       thumbprint ${info.certificate.thumbprint}, key ${info.certificate.privateKeyFile}`,
    flags.data ? `  State      ${flags.data} (saved on exit)` : '  State      in memory (use --data FILE to keep it)',
    '',
    flags.writeEnv
      ? `Point lc at it in another terminal: . ${flags.writeEnv}   (the file is removed when the sandbox stops)`
      : 'Point lc at it (in another terminal), or run with --write-env FILE and source that:',
    ...(flags.writeEnv ? [] : [exports]),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Subcommands that talk to a running sandbox.

interface RemoteFlags {
  url?: string;
  ca?: string;
}

type RemoteAction = (ctx: VerbContext, remote: Remote, file?: string) => Promise<void>;

function remoteCommand(name: string, description: string, action: RemoteAction): Command {
  return new Command(name)
    .description(description)
    .option('--json', 'print one JSON document on stdout')
    .option('--url <url>', 'the sandbox origin (default LC_SANDBOX_URL)')
    .option('--ca <file>', "the sandbox's CA certificate (default LC_SANDBOX_CA)")
    .action(
      verb(async (ctx, file?: string) => {
        const flags = ctx.options as RemoteFlags;
        await action(
          ctx,
          await connect(flags.url ?? process.env.LC_SANDBOX_URL, flags.ca ?? process.env.LC_SANDBOX_CA),
          file,
        );
      }, reportsConfiguration),
    );
}

interface Remote {
  call(method: 'GET' | 'POST', path: string, body?: string): Promise<unknown>;
}

async function connect(url: string | undefined, caFile: string | undefined): Promise<Remote> {
  if (url === undefined || url === '') {
    throw new ValidationError(
      'No sandbox to talk to: pass --url or set LC_SANDBOX_URL (it is in the ready line of lc sandbox --json).',
      { code: 'sandbox.noUrl' },
    );
  }
  const ca = caFile === undefined || caFile === '' ? undefined : await readFile(caFile, 'utf8');
  return { call: (method, path, body) => callSandbox(new URL(`/_sandbox${path}`, url), method, ca, body) };
}

function callSandbox(url: URL, method: string, ca: string | undefined, body?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    const req = request(url, { method, headers, ...(ca === undefined ? {} : { ca }) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 400) {
          reject(
            new ExternalServiceError(`The sandbox answered ${res.statusCode}: ${text}`, {
              code: 'sandbox.remoteError',
            }),
          );
          return;
        }
        try {
          resolve(text === '' ? {} : (JSON.parse(text) as unknown));
        } catch (error) {
          reject(
            new ExternalServiceError('The sandbox answered with something other than JSON.', {
              code: 'sandbox.remoteError',
              cause: error,
            }),
          );
        }
      });
    });
    req.on('error', (error) =>
      reject(
        new TransientError(`Cannot reach the sandbox at ${url.origin}: ${error.message}`, {
          code: 'sandbox.unreachable',
          cause: error,
        }),
      ),
    );
    req.end(body);
  });
}

const inspectSandbox: RemoteAction = async (ctx, remote) => {
  const state = await remote.call('GET', '/inspect');
  ctx.out.result(state, () => JSON.stringify(state, null, 2));
};

const resetSandbox: RemoteAction = async (ctx, remote) => {
  const result = await remote.call('POST', '/reset');
  ctx.out.result(result, () => 'Sandbox reset to its seeded practice.');
};

const exportSandbox: RemoteAction = async (ctx, remote, file) => {
  const state = await remote.call('GET', '/export');
  if (file === undefined) {
    ctx.out.io.stdout.write(`${JSON.stringify(state)}\n`);
    return;
  }
  await writeFile(file, JSON.stringify(state), { mode: 0o600 });
  ctx.out.result({ exported: true, file }, () => `Sandbox state written to ${file}.`);
};

const importSandbox: RemoteAction = async (ctx, remote, file) => {
  const text = await readFile(file as string, 'utf8');
  const result = await remote.call('POST', '/import', text);
  ctx.out.result(result, () => `Sandbox state replaced with ${file as string}.`);
};
