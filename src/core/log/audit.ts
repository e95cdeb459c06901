// The audit writer: every effect on the world (a record changed, a note added, mail sent, a charge)
// from the editor, the CLI or the worker runs through auditEffect, which writes exactly one line to
// the audit category (audit.jsonl): who, which profile, what, which record, and how it ended. The
// line passes through the logger's redaction like any record, so bodies and secrets never land there.
import type { AuditLog, LogFields } from './types';

export interface Effect {
  /** Who acts: the signed-in user, or the app by its client id (see actorOf). */
  actor: string;
  profile: string;
  /** What, as `<service>.<verb>`: `dataverse.create`, `dataverse.note`, `mail.send`, `stripe.charge`. */
  action: string;
  /** Which record: `contacts(7d57…)`; for a create, the table until the new id is known. */
  target: string;
  detail?: LogFields;
}

/** What a succeeded effect made, for its audit line: the new record's target, or extra detail. */
export interface EffectResult {
  target?: string;
  detail?: LogFields;
}

/** Runs the effect and audits it once: succeeded (with what it made) or failed (with the error's class and code). */
export async function auditEffect<T>(
  audit: AuditLog,
  effect: Effect,
  run: () => Promise<T>,
  made?: (value: T) => EffectResult,
): Promise<T> {
  let value: T;
  try {
    value = await run();
  } catch (error) {
    audit.record(entry(effect, 'failed', { target: effect.target, detail: { error: errorSummary(error) } }));
    throw error;
  }
  audit.record(entry(effect, 'succeeded', made?.(value) ?? {}));
  return value;
}

/** `dr.morgan@contoso.com` when signed in as a user, else `app <client id>`. */
export function actorOf(identity: { userName?: string; clientId?: string } | undefined): string {
  return identity?.userName ?? `app ${identity?.clientId ?? '(unknown)'}`;
}

function entry(effect: Effect, outcome: 'succeeded' | 'failed', result: EffectResult) {
  const detail = { ...effect.detail, ...result.detail };
  return {
    actor: effect.actor,
    profile: effect.profile,
    action: effect.action,
    target: result.target ?? effect.target,
    outcome,
    ...(Object.keys(detail).length > 0 ? { detail } : {}),
  };
}

/** The typed error's class and code (see core/errors) and its message; the logger redacts it. */
function errorSummary(error: unknown): LogFields {
  const e = error as { errorClass?: unknown; code?: unknown; message?: unknown; name?: unknown };
  return {
    class: typeof e?.errorClass === 'string' ? e.errorClass : 'unexpected',
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    message: typeof e?.message === 'string' ? e.message : String(error),
  };
}
