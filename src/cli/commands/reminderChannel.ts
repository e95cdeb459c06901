// `lc reminders channel ID email|sms`: moves one draft or approved reminder to another channel, rendered again
// from the workspace's templates for it. Asks first (a record changes); the change is written only if nobody
// changed the reminder since it was read, so a sender that claimed it meanwhile wins (exit 14).
import * as path from 'node:path';
import { z } from 'zod';
import { isGuid } from '../../core/dataverse';
import { actorOfState } from '../../core/auth';
import { auditEffect } from '../../core/log';
import { resolveTables } from '../../core/practice';
import {
  loadTemplates,
  readMessage,
  setReminderChannel,
  WORKSPACE_TEMPLATES_FOLDER,
  type Reminder,
} from '../../core/reminders';
import { confirmEffect, type VerbContext } from '../action';
import { parseFlags } from '../flags';
import { withClient } from './dv';
import { practitionerOf } from './sessionCreate';

const channelFlags = z.object({
  id: z.string().trim().refine(isGuid, 'expected a reminder id (a GUID, as lc reminders status --json lists it)'),
  channel: z.enum(['email', 'sms'], { error: 'expected email or sms' }),
});

/** `--json`: the reminder as it is now, and whether it changed. */
export interface ChannelDocument {
  id: string;
  channel: 'email' | 'sms';
  changed: boolean;
  status: Reminder['status'];
  subject: string;
}

export async function setChannelVerb(ctx: VerbContext, id: string, channel: string): Promise<void> {
  const flags = parseFlags(channelFlags, { id, channel });
  const tables = resolveTables(ctx.runtime.loaded.config.tables);
  // Broken workspace templates stop here, before any question or write.
  const templates = await loadTemplates(path.join(process.cwd(), WORKSPACE_TEMPLATES_FOLDER));
  const doc = await withClient(ctx, async (dv, connection): Promise<ChannelDocument> => {
    const { reminder } = await readMessage(dv, tables, flags.id, ctx.signal);
    const medium = flags.channel === 'sms' ? 'SMS' : 'e-mail';
    await confirmEffect(
      ctx,
      `Send the ${reminder.kind === 'followUp' ? 'follow-up' : 'reminder'} "${reminder.subject || '(SMS)'}" to ${reminder.clientName ?? 'the client'} by ${medium}, rewritten from the templates,`,
    );
    const actor = actorOfState(connection.auth.state, connection.profile);
    const result = await auditEffect(
      ctx.runtime.hub.audit(),
      {
        actor: actor,
        profile: connection.profile.name,
        action: 'reminder.channel',
        target: `${tables.scheduledMessage.entitySet}(${flags.id})`,
        detail: { channel: flags.channel },
      },
      () =>
        setReminderChannel(
          {
            dataverse: dv,
            tables,
            log: ctx.runtime.hub.logger('business'),
            templates,
            practitioner: practitionerOf(connection),
          },
          flags.id,
          flags.channel,
          { signal: ctx.signal },
        ),
    );
    return {
      id: result.reminder.id,
      channel: result.reminder.channel === 'sms' ? 'sms' : 'email',
      changed: result.changed,
      status: result.reminder.status,
      subject: result.reminder.subject,
    };
  });
  ctx.out.result(doc, () =>
    doc.changed
      ? `Reminder ${doc.id} now goes by ${doc.channel === 'sms' ? 'SMS' : 'e-mail'} (${doc.status}).`
      : `Reminder ${doc.id} already goes by ${doc.channel === 'sms' ? 'SMS' : 'e-mail'}: nothing changed.`,
  );
}
