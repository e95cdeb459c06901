// Resources an agent reads without a tool call: today's agenda and the reminders due now, as Markdown. When the
// server is not signed in, each says so and how to sign in, instead of failing the read.
import { toLifeCockpitError } from '../core/errors';
import { redactString } from '../core/log';
import { money } from '../core/stripe';
import { planNow, type ToolContext } from './readTools';
import { describeSessions, sessionsOfSpan, type AgentSession } from './sessionReads';

export const AGENDA_TODAY_URI = 'lifecockpit://agenda/today';
export const REMINDERS_DUE_URI = 'lifecockpit://reminders/due';

function time(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}

const STATUS_WORDS: Record<AgentSession['status'], string> = {
  scheduled: 'scheduled',
  attended: 'attended',
  noShow: 'no-show',
  canceled: 'canceled',
};

function reminderWords(s: AgentSession): string {
  if (s.reminders.length === 0) return 'none';
  const counts = new Map<string, number>();
  for (const r of s.reminders) {
    const key = `${r.kind === 'followUp' ? 'follow-up' : 'reminder'} ${r.status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => (n > 1 ? `${n}× ${key}` : key)).join(', ');
}

export function agendaMarkdown(
  profile: string,
  day: string,
  sessions: readonly AgentSession[],
  currency: string,
): string {
  const lines = [`# Today, ${day} (profile ${profile})`, ''];
  if (sessions.length === 0) return [...lines, 'No sessions today.', ''].join('\n');
  lines.push(`${sessions.length} session${sessions.length === 1 ? '' : 's'}.`, '');
  lines.push('| Time | Client | Status | Payment | Fee | Reminders | Session id |', '|---|---|---|---|---|---|---|');
  for (const s of sessions) {
    const attention = s.needsAttention.length > 0 ? ` (needs attention: ${s.needsAttention.join(', ')})` : '';
    lines.push(
      `| ${time(s.start)}–${time(s.end)} | ${cell(s.client ?? '(no client)')} | ${STATUS_WORDS[s.status]}${attention} | ${s.payment} | ${
        s.feeCents === null ? '' : money(s.feeCents, currency)
      } | ${reminderWords(s)} | ${s.id} |`,
    );
  }
  return [...lines, ''].join('\n');
}

export function dueMarkdown(document: Awaited<ReturnType<typeof planNow>>['document']): string {
  const lines = [`# Reminders due now (profile ${document.profile})`, ''];
  if (document.total === 0) return [...lines, 'Nothing is due: no message would leave.', ''].join('\n');
  const mailboxes = document.mailboxes.map((m) => `${m.mailbox || '(no mailbox)'}: ${m.count}`).join(', ');
  lines.push(
    `${document.total} message${document.total === 1 ? '' : 's'} would leave (${mailboxes}). Nothing was sent.`,
    '',
  );
  if (document.recovering > 0) {
    lines.push(
      `${document.recovering} were left in sending by an earlier run: they are looked up before anything is sent.`,
      '',
    );
  }
  lines.push('| Due | Kind | To | Subject | From | Session id |', '|---|---|---|---|---|---|');
  for (const m of document.messages) {
    lines.push(
      `| ${new Date(m.scheduledTime).toISOString().slice(0, 16).replace('T', ' ')} UTC | ${m.kind === 'followUp' ? 'follow-up' : 'reminder'} | ${cell(
        m.clientName ? `${m.clientName} <${m.recipient}>` : m.recipient,
      )} | ${cell(m.subject)} | ${m.mailbox} | ${m.sessionId ?? ''} |`,
    );
  }
  lines.push('', 'The tool reminders_send sends them, after the practitioner approves.', '');
  return lines.join('\n');
}

function unavailable(title: string, error: unknown): string {
  return `# ${title}\n\nNot available: ${redactString(toLifeCockpitError(error).message)}\n`;
}

export function registerResources(ctx: ToolContext): void {
  const { server, link } = ctx;
  const markdown = (uri: URL, text: string) => ({ contents: [{ uri: uri.href, mimeType: 'text/markdown', text }] });

  server.registerResource(
    'agenda-today',
    AGENDA_TODAY_URI,
    {
      title: "Today's agenda",
      description: "Today's sessions: time, client, status, payment, fee and reminders (Markdown).",
      mimeType: 'text/markdown',
    },
    async (uri, extra) => {
      try {
        const connection = await link.connection();
        const now = new Date(ctx.deps.clock.now());
        const found = await sessionsOfSpan(connection.dataverse, link.tables, { kind: 'today' }, now, extra.signal);
        const sessions = await describeSessions(connection.dataverse, link.tables, found.sessions, now, extra.signal);
        return markdown(
          uri,
          agendaMarkdown(connection.profile.name, found.from, sessions, link.config.payments.currency),
        );
      } catch (error) {
        return markdown(uri, unavailable("Today's agenda", error));
      }
    },
  );

  server.registerResource(
    'reminders-due',
    REMINDERS_DUE_URI,
    {
      title: 'Reminders due now',
      description: 'Every reminder and follow-up that would leave now, with recipient, subject and sender (Markdown).',
      mimeType: 'text/markdown',
    },
    async (uri) => {
      try {
        const connection = await link.connection();
        return markdown(uri, dueMarkdown((await planNow(ctx, connection)).document));
      } catch (error) {
        return markdown(uri, unavailable('Reminders due now', error));
      }
    },
  );
}
