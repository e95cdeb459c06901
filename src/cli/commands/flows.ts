// `lc flows trigger <name> --session <id> | --reminder <id>`: posts the session or reminder as JSON to the
// flow's HTTP trigger (Logic Apps, Power Automate, Functions). The trigger URL carries its key, so it comes
// from the environment only (LC_FLOW_URL_<NAME>, the name upper-cased with - as _), is registered with the
// log hub as a secret, and never printed.
import { Command } from 'commander';
import { z } from 'zod';
import { systemClock, type Clock } from '../../core/clock';
import { ConfigurationError } from '../../core/config';
import { isGuid, type DataverseClient } from '../../core/dataverse';
import { NotFoundError } from '../../core/errors';
import { actorOfState } from '../../core/auth';
import { auditEffect } from '../../core/log';
import { resolveTables, type TableMapping } from '../../core/practice';
import { reminderFromRow, reminderRowColumns } from '../../core/reminders';
import { sessionFromRow, sessionRowColumns } from '../../core/sessions';
import { flowPayload, flowUrlSecrets, triggerFlow, type FlowPayload } from '../../core/webhooks';
import { verb, type VerbContext } from '../action';
import { parseFlags } from '../flags';
import { withClient } from './dv';

const recordId = z
  .string()
  .trim()
  .refine(isGuid, 'expected an id (a GUID, as `lc sessions list --json` or `lc reminders list --json` prints)');

const triggerFlags = z
  .object({
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
        'expected a flow name of letters, digits, - and _ (e.g. invoice-sent)',
      ),
    session: recordId.optional(),
    reminder: recordId.optional(),
  })
  .refine((f) => (f.session === undefined) !== (f.reminder === undefined), {
    message: 'give exactly one of --session <id> or --reminder <id>',
  });

/** invoice-sent → LC_FLOW_URL_INVOICE_SENT */
export function flowUrlVariable(name: string): string {
  return `LC_FLOW_URL_${name.toUpperCase().replace(/-/g, '_')}`;
}

export function flowsCommand(clock: Clock = systemClock): Command {
  const flows = new Command('flows').description('Logic Apps and Power Automate flows: trigger one with a record');
  flows
    .command('trigger')
    .description("POST a session or a reminder as JSON to the flow's HTTP trigger (URL from LC_FLOW_URL_<NAME>)")
    .argument('<name>', 'the flow name; its trigger URL is read from LC_FLOW_URL_<NAME>')
    .option('--session <id>', 'send this session')
    .option('--reminder <id>', 'send this reminder')
    .option('--json', 'print one JSON document on stdout')
    .action(verb(async (ctx, name: string) => trigger(ctx, name, clock)));
  return flows;
}

async function trigger(ctx: VerbContext, name: string, clock: Clock): Promise<void> {
  const flags = parseFlags(triggerFlags, { name, session: ctx.options.session, reminder: ctx.options.reminder });
  const variable = flowUrlVariable(flags.name);
  const url = process.env[variable];
  if (!url) {
    throw new ConfigurationError(
      `No trigger URL for flow "${flags.name}": set ${variable} to the flow's HTTP trigger URL (it carries the trigger's key, so it is read from the environment only).`,
    );
  }
  for (const secret of flowUrlSecrets(url)) ctx.runtime.hub.addSecret(secret);
  const tables = resolveTables(ctx.runtime.loaded.config.tables);
  const what = flags.session !== undefined ? `session ${flags.session}` : `reminder ${flags.reminder ?? ''}`;
  const result = await withClient(ctx, async (dv, connection) => {
    const payload = await payloadFor(dv, tables, flags, new Date(clock.now()), ctx.signal);
    const actor = actorOfState(connection.auth.state, connection.profile);
    return auditEffect(
      ctx.runtime.hub.audit(),
      {
        actor: actor,
        profile: connection.profile.name,
        action: 'flow.trigger',
        target: `flow ${flags.name}: ${what}`,
      },
      () => triggerFlow(connection.http, url, payload, { signal: ctx.signal, log: ctx.runtime.hub.logger('business') }),
    );
  });
  const report = {
    flow: flags.name,
    type: flags.session !== undefined ? 'session' : 'reminder',
    id: flags.session ?? flags.reminder,
    status: result.status,
  };
  ctx.out.result(report, () => `Flow "${flags.name}" triggered with ${what} (HTTP ${result.status}).`);
}

async function payloadFor(
  dv: DataverseClient,
  tables: TableMapping,
  flags: { session?: string | undefined; reminder?: string | undefined },
  now: Date,
  signal: AbortSignal,
): Promise<FlowPayload> {
  if (flags.session !== undefined) {
    const t = tables.session;
    const select = [t.primaryId, ...Object.keys(sessionRowColumns(tables)).filter((n) => !n.includes('@'))];
    const row = await read(dv, t.entitySet, flags.session, select, 'session', signal);
    return flowPayload({ session: sessionFromRow(row, tables) }, now);
  }
  const t = tables.scheduledMessage;
  const select = [t.primaryId, ...Object.keys(reminderRowColumns(tables)).filter((n) => !n.includes('@'))];
  const row = await read(dv, t.entitySet, flags.reminder ?? '', select, 'reminder', signal);
  return flowPayload({ reminder: reminderFromRow(row, tables) }, now);
}

async function read(
  dv: DataverseClient,
  entitySet: string,
  id: string,
  select: string[],
  kind: string,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  try {
    return (await dv.get(entitySet, id, { select, formatted: true, signal })).row;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new NotFoundError(`There is no ${kind} ${id} in Dataverse (${entitySet}).`, {
      code: `flows.${kind}NotFound`,
      detail: { id },
      cause: error,
    });
  }
}
