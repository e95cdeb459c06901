// The words around sending: the dry-run document of every message that would leave (with totals), the
// one question before sending, and the summary after. Plain values, no vscode import, so each is
// unit-tested.
import { channelLabel, type ChannelId } from '../core/channels';

/** One message the dry run says would leave (the editor's view of the sender's plan). */
export interface PlanLine {
  reminderId: string;
  recipient: string;
  subject: string;
  body: string;
  mailbox: string;
  /** The channel it leaves through; the document names it as a person reads it. */
  channel?: ChannelId;
  /** Who and when, e.g. "Ada Lovelace · Thu 3 Dec, 10:00". */
  session: string | undefined;
  /** Left in sending by an earlier run: looked up in the mailbox first, sent only if no copy is found. */
  recovering: boolean;
}

export interface PlanContext {
  profile: string;
  sendToSelf: boolean;
  at: Date;
}

export function planDocument(lines: readonly PlanLine[], context: PlanContext): string {
  const mailboxes = countBy(lines, (l) => l.mailbox);
  const due = lines.filter((l) => !l.recovering).length;
  const recovering = lines.length - due;
  const out = [
    `# Due reminders: ${due} message${due === 1 ? '' : 's'} would leave`,
    '',
    `Profile: ${context.profile}${context.sendToSelf ? ' (send-to-me test mode: every e-mail goes to your own mailbox and every SMS to your own phone)' : ''}  `,
    `As of: ${context.at.toISOString()}  `,
    `Nothing has been sent. Run "Life Cockpit: Send Due Reminders" to send them.`,
    '',
    '## Totals',
    '',
    `- Messages due: ${due}`,
    ...(recovering
      ? [`- Left in sending by an earlier run (looked up first, sent only if no copy exists): ${recovering}`]
      : []),
    `- Recipients: ${new Set(lines.map((l) => l.recipient.toLowerCase())).size}`,
    ...[...mailboxes].map(([mailbox, n]) => `- From ${mailbox}: ${n}`),
    '',
  ];
  lines.forEach((line, i) => {
    // An SMS has no subject and its text is plain, not HTML.
    const sms = line.channel === 'acsSms';
    out.push(
      `## ${i + 1}. ${line.subject ? oneLine(line.subject) : sms ? '(SMS)' : '(no subject)'}`,
      '',
      `- To: ${oneLine(line.recipient)}`,
      `- From: ${line.mailbox}`,
      ...(line.channel ? [`- Channel: ${channelLabel(line.channel)}`] : []),
      `- Session: ${line.session ? oneLine(line.session) : 'none'}`,
      `- Reminder: ${line.reminderId}${line.recovering ? ' (left in sending: looked up first)' : ''}`,
      '',
      ...fenced(line.body, sms ? 'text' : 'html'),
      '',
    );
  });
  if (lines.length === 0) out.push('No reminder is due.', '');
  return out.join('\n');
}

const SEND_TO_ME = '(send-to-me test mode: e-mail to your own mailbox, SMS to your own phone)';

/** The one question before sending: the count and the profile, by name. */
export function sendQuestion(count: number, profile: string, sendToSelf: boolean): string {
  const what = `${count} due reminder${count === 1 ? '' : 's'}`;
  return sendToSelf
    ? `Send ${what} from profile "${profile}" to yourself ${SEND_TO_ME}?`
    : `Send ${what} to clients from profile "${profile}"?`;
}

/** Send Now on one row: who receives it, from which profile, even before it is due. */
export function sendNowQuestion(
  client: string,
  kind: 'reminder' | 'followUp',
  profile: string,
  sendToSelf: boolean,
): string {
  const what = kind === 'followUp' ? 'follow-up' : 'reminder';
  return sendToSelf
    ? `Send the ${what} for ${client} now from profile "${profile}" to yourself ${SEND_TO_ME}?`
    : `Send the ${what} to ${client} now from profile "${profile}"?`;
}

/** The sender's report, as the editor reads it. */
export interface SendSummaryInput {
  total: number;
  sent: number;
  submitted: number;
  failed: number;
  retryLater: number;
  skipped: number;
  items: readonly { recipient: string; subject: string; outcome: string; error?: string | undefined }[];
}

export function sendSummary(report: SendSummaryInput, profile: string, cancelled: boolean): string {
  const parts = [
    report.sent ? `${report.sent} sent` : '',
    report.submitted ? `${report.submitted} submitted (Exchange is still delivering)` : '',
    report.retryLater ? `${report.retryLater} to retry later` : '',
    report.failed ? `${report.failed} failed` : '',
    report.skipped ? `${report.skipped} skipped` : '',
  ].filter(Boolean);
  const head = cancelled ? `Sending stopped on profile "${profile}"` : `Sent due reminders on profile "${profile}"`;
  const firstError = report.items.find((i) => i.outcome === 'failed' && i.error);
  return `${head}: ${parts.length ? parts.join(', ') : 'nothing to send'}.${firstError ? ` First failure (${oneLine(firstError.recipient)}): ${oneLine(firstError.error ?? '')}` : ''}`;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A fence longer than any run of backticks in the text, so a body cannot close it early. */
function fenced(text: string, language: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, text, fence];
}

/** What Preview shows of one reminder row. */
export interface PreviewedReminder {
  id: string;
  subject: string;
  email: string | undefined;
  phone?: string | undefined;
  channel?: string | undefined;
  kind: 'reminder' | 'followUp';
  status: string;
  scheduledTime: Date;
  lastError?: string | undefined;
}

/**
 * Preview of one reminder: who it goes to by its own channel (an SMS to a phone, in send-to-me mode the
 * practitioner's), and its body as it will leave (an SMS is plain text, not HTML).
 */
export function reminderPreview(
  r: PreviewedReminder,
  body: string,
  profile: {
    name: string;
    sendToSelf?: boolean | undefined;
    mailbox?: string | undefined;
    selfPhone?: string | undefined;
  },
): string {
  const sms = r.channel === 'sms';
  const to = sms ? `${r.phone ?? 'no phone'} (SMS)` : (r.email ?? 'no address');
  const self = sms
    ? (profile.selfPhone ?? 'your phone, once LC_SELF_PHONE is set')
    : (profile.mailbox ?? 'your mailbox');
  return [
    `# ${r.subject ? oneLine(r.subject) : sms ? '(SMS)' : '(no subject)'}`,
    '',
    `- To: ${to}${profile.sendToSelf ? ` (send-to-me mode: it goes to ${self})` : ''}`,
    `- ${r.kind === 'followUp' ? 'Follow-up' : 'Reminder'}, ${r.status}, scheduled ${r.scheduledTime.toLocaleString()}`,
    ...(r.lastError ? [`- Last error: ${r.lastError}`] : []),
    `- Profile: ${profile.name}`,
    '',
    ...fenced(body, sms ? 'text' : 'html'),
    '',
  ].join('\n');
}
