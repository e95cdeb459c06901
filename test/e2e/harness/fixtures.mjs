// What the suite needs from the practice whatever the hour or the weekday it runs: the seeded practice books
// sessions in office hours on weekdays only, so an evening or a weekend run would find no session still ahead
// today (and the Sessions view's Today group empty). Two sessions are booked later today with the product's own
// verb, `lc sessions new`, in the sandbox ready line's environment, as a practitioner would book them.
import { spawnSync } from 'node:child_process';
import { cliPath, repoRoot } from './paths.mjs';

const MINUTE_MS = 60_000;

/** Books two sessions later today (local time, as the editor shows Today) for two e-mail-preferring clients. */
export function bookSessionsLaterToday(sandboxInfo, now = new Date()) {
  const endOfDay = new Date(now);
  endOfDay.setHours(24, 0, 0, 0);
  const left = endOfDay.getTime() - now.getTime();
  // An hour and two ahead when the day has room; else spread over what is left (a run a few minutes before
  // midnight gets sessions minutes apart, still today).
  const offsets = left > 3 * 60 * MINUTE_MS ? [60 * MINUTE_MS, 120 * MINUTE_MS] : [left / 3, (2 * left) / 3];
  const clients = emailClients(sandboxInfo, offsets.length);
  return offsets.map((offset, i) => {
    const start = new Date(Math.floor((now.getTime() + offset) / MINUTE_MS) * MINUTE_MS);
    const booked = lc(sandboxInfo, [
      'sessions',
      'new',
      '--client',
      clients[i],
      '--start',
      start.toISOString(),
      '--fee',
      '90',
    ]);
    return booked.session;
  });
}

function emailClients(sandboxInfo, count) {
  const answer = lc(sandboxInfo, [
    'dv',
    'query',
    'contacts',
    '--select',
    'emailaddress1',
    '--filter',
    'emailaddress1 ne null and cre92_preferredchannel eq null',
    '--top',
    String(count),
  ]);
  const emails = answer.value.map((row) => row.emailaddress1);
  if (emails.length < count) throw new Error(`the sandbox has ${emails.length} e-mail clients, ${count} needed`);
  return emails;
}

function lc(sandboxInfo, args) {
  const run = spawnSync(process.execPath, [cliPath, ...args, '--json', '--yes'], {
    cwd: repoRoot,
    env: { ...process.env, ...sandboxInfo.env },
    encoding: 'utf8',
  });
  if (run.status !== 0)
    throw new Error(`lc ${args.slice(0, 2).join(' ')} failed (${run.status}): ${run.stdout}${run.stderr}`);
  return JSON.parse(run.stdout);
}
