// `lc doctor`: one line a check — configuration, secrets, files, then whether each service answers.
import * as fs from 'node:fs';
import { Command } from 'commander';
import { z } from 'zod';
import { problemAt, type Profile } from '../../core/config';
import { toLifeCockpitError, ValidationError } from '../../core/errors';
import { createProfileHttpClient, type ServiceKey } from '../../core/http';
import { redactUrlUserinfo } from '../../core/log';
import { reportsConfiguration, verb, type VerbContext } from '../action';
import { resolveCredential, stderrKeychain } from '../connect';
import type { CliRuntime } from '../runtime';
import { parsedBy, parseFlags, seconds } from '../flags';

/** How long each service may take to answer before doctor calls it unreachable. */
const DEFAULT_TIMEOUT_SECONDS = 10;
const doctorFlags = z.object({ timeout: z.number().positive().default(DEFAULT_TIMEOUT_SECONDS) });

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('Check configuration, secrets and reachability, one line a check')
    .option(
      '--timeout <seconds>',
      `how long each service may take to answer (default ${DEFAULT_TIMEOUT_SECONDS})`,
      parsedBy(seconds),
    )
    .action(
      verb(async (ctx) => {
        const { timeout } = parseFlags(doctorFlags, { timeout: ctx.options.timeout });
        const checks = configurationChecks(ctx);
        const profile = ctx.runtime.loaded.activeProfile;
        if (profile) await creditKeychainSecret(ctx.runtime, profile, checks);
        if (profile) checks.push(...(await reachabilityChecks(ctx, profile, timeout)));
        if (ctx.signal.aborted) throw ctx.signal.reason;
        // A URL may carry a password (`https://user:secret@…`): print where it points, never its userinfo.
        for (const check of checks) check.detail = redactUrlUserinfo(check.detail);
        const failed = checks.filter((c) => !c.ok);
        ctx.out.result({ ok: failed.length === 0, checks }, () =>
          checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}`).join('\n'),
        );
        if (failed.length > 0) {
          // With --json the checks above are the whole answer; people also get a closing line on stderr.
          if (!ctx.out.json)
            ctx.out.failure(new ValidationError(`${failed.length} check(s) failed.`, { code: 'doctor.failed' }));
          process.exitCode = 10;
        }
      }, reportsConfiguration),
    );
}

export function configurationChecks({ runtime }: VerbContext): Check[] {
  const { loaded } = runtime;
  const checks: Check[] = [
    {
      name: 'configuration',
      ok: loaded.problems.length === 0,
      detail:
        loaded.problems.length === 0
          ? 'every value is valid'
          : loaded.problems.map((p) => `${p.key} (from ${p.layer}): ${p.message}`).join('; '),
    },
  ];
  const profile = loaded.activeProfile;
  checks.push({
    name: 'profile',
    ok: profile !== undefined,
    detail: profile
      ? `${profile.name} (${profile.kind})`
      : `"${loaded.config.activeProfile}" is not defined: set lifeCockpit.profiles or LC_TENANT_ID/LC_CLIENT_ID`,
  });
  if (!profile) return checks;
  for (const field of ['tenantId', 'clientId', 'dataverseUrl', 'mailbox'] as const) {
    checks.push({ name: field, ok: profile[field] !== undefined, detail: profile[field] ?? notSet(field) });
  }
  checks.push(credentialCheck(profile, runtime.secret('clientSecret') !== undefined));
  if (profile.caFile) {
    checks.push({ name: 'caFile', ok: fs.existsSync(profile.caFile), detail: profile.caFile });
  } else if (problemAt(loaded, `profiles.${profile.name}.caFile`)) {
    checks.push({ name: 'caFile', ok: false, detail: notSet('caFile') });
  }
  return checks;

  /** A value that was given but rejected is named as rejected, not as missing. */
  function notSet(field: keyof Profile): string {
    const problem = profile && problemAt(loaded, `profiles.${profile.name}.${field}`);
    return problem ? `rejected: ${problem.key} (from ${problem.layer}): ${problem.message}` : 'not set';
  }
}

function credentialCheck(profile: Profile, hasSecret: boolean): Check {
  if (profile.authKind === 'secret') {
    return {
      name: 'credential',
      ok: hasSecret,
      detail: hasSecret ? 'client secret set (LC_CLIENT_SECRET)' : 'LC_CLIENT_SECRET is not set',
    };
  }
  if (profile.authKind === 'certificate') {
    const ok = profile.certificateFile !== undefined && fs.existsSync(profile.certificateFile);
    return {
      name: 'credential',
      ok,
      detail: ok ? `certificate ${profile.certificateFile}` : 'certificateFile is missing or unreadable',
    };
  }
  return { name: 'credential', ok: true, detail: 'signs in as the user (device code)' };
}

/** A client secret that `lc auth login` kept in the OS keychain counts as set (the environment still wins). */
async function creditKeychainSecret(runtime: CliRuntime, profile: Profile, checks: Check[]): Promise<void> {
  const check = checks.find((c) => c.name === 'credential');
  if (!check || check.ok || profile.authKind !== 'secret') return;
  try {
    if (await resolveCredential(runtime, profile, stderrKeychain()))
      Object.assign(check, { ok: true, detail: 'client secret kept in the OS keychain (lc auth login)' });
  } catch (error) {
    check.detail = toLifeCockpitError(error).message;
  }
}

/** Whether each service answers at all (any HTTP status counts: a 401 proves the host is there). */
async function reachabilityChecks(
  { runtime, signal: cancelled }: VerbContext,
  profile: Profile,
  timeoutSeconds: number,
): Promise<Check[]> {
  let http;
  try {
    http = createProfileHttpClient(profile, runtime.hub.logger('api'));
  } catch (error) {
    return [{ name: 'reachability', ok: false, detail: toLifeCockpitError(error).message }];
  }
  const targets: Array<[string, ServiceKey, string | undefined]> = [
    [
      'entra',
      'entra',
      profile.tenantId
        ? `${profile.authorityHost}/${profile.tenantId}/v2.0/.well-known/openid-configuration`
        : undefined,
    ],
    ['graph', 'graph', `${profile.graphUrl}/v1.0/`],
    ['dataverse', 'dataverse', profile.dataverseUrl ? `${profile.dataverseUrl}/api/data/v9.2/` : undefined],
    ['stripe', 'stripe', `${profile.stripeUrl}/v1/`],
  ];
  try {
    return await Promise.all(
      targets
        .filter((t): t is [string, ServiceKey, string] => t[2] !== undefined)
        .map(async ([name, service, url]) => {
          const timeout = AbortSignal.timeout(timeoutSeconds * 1000);
          const signal = AbortSignal.any([cancelled, timeout]);
          try {
            const response = await http.request({ service, method: 'GET', url, signal });
            await response.bytes();
            return { name: `reach ${name}`, ok: response.status < 500, detail: `${url} answered ${response.status}` };
          } catch (error) {
            // Our own deadline aborts the request, which the HTTP layer reports as a cancellation:
            // to the user it is a service that did not answer in time.
            const detail =
              timeout.aborted && !cancelled.aborted
                ? `did not answer within ${timeoutSeconds} s`
                : toLifeCockpitError(error).message;
            return { name: `reach ${name}`, ok: false, detail: `${url}: ${detail}` };
          }
        }),
    );
  } finally {
    await http.close();
  }
}
