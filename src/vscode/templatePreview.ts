// Preview Template: which templates there are to preview, the sample a template is rendered with (a
// real upcoming session when there is one), and the read-only document that shows the result. Plain
// values, no vscode import, so the document's wording is unit-tested.
import type { MessageInput, MessageKind, RenderedMessage, Templates } from '../core/reminders';
import type { Session } from '../core/sessions';

export interface TemplateChoice {
  kind: MessageKind;
  /** Undefined: the bare template (the practice's language). */
  language: string | undefined;
  /** The file the choice renders, e.g. `reminder.de.liquid`. */
  file: string;
  origin: string;
}

const TEMPLATE_NAME = /^(reminder|followUp)(?:\.([A-Za-z0-9-]+))?\.liquid$/;

/** The message templates there are (reminder and follow-up, per language); partials are left out. */
export function templateChoices(templates: Templates): TemplateChoice[] {
  const choices: TemplateChoice[] = [];
  for (const file of templates.files.values()) {
    const match = TEMPLATE_NAME.exec(file.name);
    if (!match) continue;
    choices.push({ kind: match[1] as MessageKind, language: match[2], file: file.name, origin: file.origin });
  }
  return choices.sort((a, b) => a.file.localeCompare(b.file));
}

/** A session to render with: the next one still scheduled, else a made-up one tomorrow at ten. */
export function sampleSession(sessions: readonly Session[] | undefined, now: Date): Session {
  const next = (sessions ?? [])
    .filter((s) => s.status === 'scheduled' && s.start.getTime() >= now.getTime())
    .sort((a, b) => a.start.getTime() - b.start.getTime())[0];
  if (next) return next;
  const start = new Date(now.getTime() + 86_400_000);
  start.setHours(10, 0, 0, 0);
  return {
    id: '00000000-0000-0000-0000-000000000000',
    subject: 'Session',
    clientId: undefined,
    clientName: 'Sample Client',
    start,
    end: new Date(start.getTime() + 50 * 60_000),
    status: 'scheduled',
    payment: 'unpaid',
    feeCents: 9000,
    location: 'Practice room',
  };
}

export function previewInput(
  choice: TemplateChoice,
  session: Session,
  practitioner: { name: string; email?: string | undefined; timeZone: string },
): MessageInput {
  const name = session.clientName ?? 'Sample Client';
  return {
    kind: choice.kind,
    session,
    client: { name, firstName: name.split(/\s+/)[0] },
    practitioner: { ...practitioner, language: choice.language },
    language: choice.language,
  };
}

export function templatePreviewDocument(
  choice: TemplateChoice,
  input: MessageInput,
  rendered: RenderedMessage,
): string {
  return [
    `# Template preview: ${choice.file}`,
    '',
    `Template: ${rendered.template}  `,
    `Rendered for: ${input.client.name}, session ${input.session.start.toISOString()} (${rendered.language}, ${rendered.timeZone})`,
    '',
    `**Subject:** ${rendered.subject}`,
    '',
    '```html',
    rendered.body,
    '```',
    '',
  ].join('\n');
}
