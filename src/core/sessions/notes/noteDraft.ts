// The Markdown draft a practitioner starts a session note from: the workspace's `sessionNote.liquid`
// (or `sessionNote.<language>.liquid`) from `.lifecockpit/templates/`, else the shipped one. Rendered with
// Liquid as the message templates are (strict variables and filters, bounded parse, time and memory), but
// without HTML escaping: the draft is Markdown for the practitioner's own editor, never a client's mail.
import { Liquid, type FS } from 'liquidjs';
import { ValidationError } from '../../errors';
import type { Session } from '../session';

/** What the draft needs of a template set (the reminders module's `Templates` fits). */
export interface NoteTemplates {
  readonly files: ReadonlyMap<string, { readonly source: string; readonly origin: string }>;
}

export interface NoteDraftOptions {
  /** IANA zone the date and times are written in (the practice's). */
  timeZone: string;
  /** BCP 47 tag: picks `sessionNote.<language>.liquid` when there is one, and the date's language. */
  language?: string;
  practitionerName?: string;
}

export const NOTE_TEMPLATE_NAME = 'sessionNote';

const SHIPPED: Readonly<Record<string, string>> = {
  en: `# Session note{% if client.name %}: {{ client.name }}{% endif %}

- Date: {{ session.date }}, {{ session.startTime }}–{{ session.endTime }}
{% if session.location %}- Location: {{ session.location }}
{% endif %}
## Observations


## Interventions


## Next steps

`,
  de: `# Sitzungsnotiz{% if client.name %}: {{ client.name }}{% endif %}

- Datum: {{ session.date }}, {{ session.startTime }}–{{ session.endTime }}
{% if session.location %}- Ort: {{ session.location }}
{% endif %}
## Beobachtungen


## Interventionen


## Nächste Schritte

`,
};

const LIMITS = { parseLimit: 100_000, renderLimit: 2_000, memoryLimit: 5_000_000 } as const;

export async function sessionNoteDraft(
  session: Session,
  templates: NoteTemplates,
  options: NoteDraftOptions,
): Promise<string> {
  const { language, source, origin } = chooseTemplate(templates, options.language);
  const engine = new Liquid({
    fs: NO_FILES,
    strictVariables: true,
    strictFilters: true,
    lenientIf: true,
    ownPropertyOnly: true,
    timezoneOffset: options.timeZone,
    ...LIMITS,
  });
  const date = new Intl.DateTimeFormat(language, { timeZone: options.timeZone, dateStyle: 'full' });
  const time = new Intl.DateTimeFormat(language, { timeZone: options.timeZone, timeStyle: 'short' });
  const scope = {
    client: present({ name: session.clientName, id: session.clientId }),
    practitioner: present({ name: options.practitionerName }),
    session: present({
      id: session.id,
      subject: session.subject,
      start: session.start,
      end: session.end,
      date: date.format(session.start),
      startTime: time.format(session.start),
      endTime: time.format(session.end),
      durationMinutes: Math.round((session.end.getTime() - session.start.getTime()) / 60_000),
      location: session.location,
    }),
  };
  try {
    return await engine.parseAndRender(source, scope);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/, line:\d+, col:\d+$/, '');
    throw new ValidationError(`The note template ${origin} could not be rendered: ${reason}. Fix the template.`, {
      code: 'template.renderFailed',
      detail: { file: origin },
      cause: error,
    });
  }
}

function chooseTemplate(
  templates: NoteTemplates,
  language: string | undefined,
): { language: string; source: string; origin: string } {
  const tags = language ? [language, new Intl.Locale(language).language] : [];
  for (const tag of tags) {
    const file = templates.files.get(`${NOTE_TEMPLATE_NAME}.${tag}.liquid`);
    if (file) return { language: tag, source: file.source, origin: file.origin };
    const shipped = SHIPPED[tag];
    if (shipped && !templates.files.has(`${NOTE_TEMPLATE_NAME}.liquid`)) {
      return { language: tag, source: shipped, origin: `(built-in) ${NOTE_TEMPLATE_NAME}.${tag}.liquid` };
    }
  }
  const bare = templates.files.get(`${NOTE_TEMPLATE_NAME}.liquid`);
  if (bare) return { language: language ?? 'en', source: bare.source, origin: bare.origin };
  return { language: 'en', source: SHIPPED.en, origin: `(built-in) ${NOTE_TEMPLATE_NAME}.liquid` };
}

/** Drops absent and empty fields, so a template naming one fails instead of writing a blank. */
function present(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

/** A note template includes nothing: `{% include %}` and friends find no file, so the disk is never read. */
const NO_FILES: FS = {
  sep: '/',
  resolve: (_dir, file) => file,
  exists: async () => false,
  existsSync: () => false,
  readFile: async (file) => Promise.reject(new Error(`ENOENT: a note template cannot include "${file}"`)),
  readFileSync: (file) => {
    throw new Error(`ENOENT: a note template cannot include "${file}"`);
  },
  contains: async () => false,
  containsSync: () => false,
  dirname: () => '.',
};
