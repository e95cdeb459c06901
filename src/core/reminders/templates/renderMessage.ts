// Renders a reminder or a follow-up from its Liquid template, before anything is saved or sent.
//
// Template convention: a template is an HTML body that captures its subject:
//
//     {% capture subject %}Reminder: your session on {{ session.date }}{% endcapture %}
//     <p>Hello {{ client.firstName | default: client.name }},</p> ...
//
// The captured `subject` (plain text: collapsed to one line, Liquid's HTML escaping undone) becomes
// the subject; everything else rendered becomes the body. A template without a subject is an error.
//
// Variables: `client` (name, firstName, email), `session` (id, subject, start, end, date, startTime,
// endTime, durationMinutes, location), `practitioner` (name, email), `language`, `timeZone`, and for a
// payment link `payment` (url, amount written as money in the message's language, expiresDate,
// expiresTime). A field
// the record lacks is absent, and naming it fails the render (strictVariables) unless tested with
// `{% if %}` or given a `| default:`; an unknown filter fails too (strictFilters). `date`, `startTime`
// and `endTime` are written in the message's language and time zone; so are the `local_date` and
// `local_time` filters and Liquid's own `date` filter. `{{ }}` output is HTML-escaped (`| raw` opts
// out, for trusted text only). Rendering is bounded in template size, time and memory.
//
// An SMS (`medium: 'sms'`) renders a `<kind>.sms` template as plain text: no subject, nothing escaped
// (a phone shows `&amp;` as typed), the same strict variables, and its segment count with a warning
// past two segments. Intl writes a narrow or no-break space in times and amounts (`10:00\u202fAM`), a
// character outside GSM-7 that would turn the whole SMS into UCS-2 (70 characters a segment, not 160):
// an SMS gets plain spaces instead.
import { Context, Liquid, type LiquidError } from 'liquidjs';
import { chooseLocale, LocalFormat, type MessageLocale } from './messageLocale';
import { TemplateFolderFs } from './templateFolderFs';
import { smsSegments, smsWarnings } from './smsSegments';
import { TemplateError, type TemplateErrorCode } from './templateError';
import { MAX_TEMPLATE_CHARS, type TemplateFile, type Templates } from './templateSet';
import type { MessageInput, RenderedMessage } from './message';

/** Bounds on one render: a workspace template is input we do not control. */
export const RENDER_LIMITS = {
  /** Characters parsed, across the template and everything it includes. */
  parseLimit: MAX_TEMPLATE_CHARS,
  /** Milliseconds of rendering. */
  renderLimit: 2_000,
  /** Liquid's count of allocated items (string lengths, array and range sizes). */
  memoryLimit: 5_000_000,
} as const;

export async function renderMessage(input: MessageInput, templates: Templates): Promise<RenderedMessage> {
  const sms = input.medium === 'sms';
  const locale = chooseLocale(input, templates);
  const engine = engineFor(templates, locale, sms);
  const context = new Context(scopeFor(input, locale), engine.options, {}, { liquid: engine });
  let body: string;
  try {
    body = await engine.render(engine.parse(locale.template.source, locale.template.name), context);
  } catch (error) {
    throw templateErrorFrom(error, locale.template, templates);
  }
  if (sms) return smsMessage(body, locale);
  const subject = plainSubject(context.bottom()['subject']);
  if (!subject) {
    throw new TemplateError(
      `The template ${locale.template.origin} sets no subject. Start it with {% capture subject %}Your subject{% endcapture %}.`,
      { code: 'template.noSubject', detail: { template: locale.template.name, file: locale.template.origin } },
    );
  }
  return {
    subject,
    body: body.trim(),
    contentType: 'html',
    template: locale.template.origin,
    language: locale.language,
    timeZone: locale.timeZone,
  };
}

function smsMessage(rendered: string, locale: MessageLocale): RenderedMessage {
  const body = rendered
    .replace(/[\u00a0\u2007\u2009\u202f]/g, ' ')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const counted = smsSegments(body);
  return {
    subject: '',
    body,
    contentType: 'text',
    template: locale.template.origin,
    language: locale.language,
    timeZone: locale.timeZone,
    sms: counted,
    warnings: smsWarnings(counted),
  };
}

function engineFor(templates: Templates, locale: MessageLocale, plainText: boolean): Liquid {
  const engine = new Liquid({
    fs: new TemplateFolderFs(templates),
    root: ['.'],
    partials: ['.'],
    layouts: ['.'],
    relativeReference: false,
    extname: '.liquid',
    cache: false,
    strictVariables: true,
    strictFilters: true,
    lenientIf: true,
    ownPropertyOnly: true,
    ...(plainText ? {} : { outputEscape: 'escape' as const }),
    timezoneOffset: locale.timeZone,
    ...RENDER_LIMITS,
  });
  const format = new LocalFormat(locale.language, locale.timeZone);
  engine.registerFilter('local_date', (value: unknown) => format.date(toDate(value)));
  engine.registerFilter('local_time', (value: unknown) => format.time(toDate(value)));
  return engine;
}

function scopeFor(input: MessageInput, locale: MessageLocale): Record<string, unknown> {
  const format = new LocalFormat(locale.language, locale.timeZone);
  const { session, client, practitioner, payment } = input;
  return {
    ...(payment === undefined ? {} : { payment: paymentScope(payment, locale, format) }),
    client: present({ name: client.name, firstName: client.firstName, email: client.email }),
    practitioner: present({ name: practitioner.name, email: practitioner.email }),
    session: present({
      id: session.id,
      subject: session.subject,
      start: session.start,
      end: session.end,
      date: format.date(session.start),
      startTime: format.time(session.start),
      endTime: format.time(session.end),
      durationMinutes: Math.round((session.end.getTime() - session.start.getTime()) / 60_000),
      location: session.location,
    }),
    language: locale.language,
    timeZone: locale.timeZone,
  };
}

function paymentScope(
  payment: NonNullable<MessageInput['payment']>,
  locale: MessageLocale,
  format: LocalFormat,
): Record<string, unknown> {
  const money = new Intl.NumberFormat(locale.language, { style: 'currency', currency: payment.currency.toUpperCase() });
  return present({
    url: payment.url,
    amount: money.format(payment.amountCents / 100),
    expiresDate: format.date(payment.expiresAt),
    expiresTime: format.time(payment.expiresAt),
  });
}

/** Drops absent and empty fields, so a template naming one fails instead of writing a blank. */
function present(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

function toDate(value: unknown): Date {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new Error(`not a date: ${String(value)}`);
  return date;
}

const ESCAPED: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&#34;': '"', '&#39;': "'" };

/** A subject is plain text: undo Liquid's HTML escaping (the five entities it writes) and keep one line. */
function plainSubject(captured: unknown): string {
  if (typeof captured !== 'string') return '';
  return captured
    .replace(/&(amp|lt|gt|#34|#39);/g, (entity) => ESCAPED[entity] ?? entity)
    .replace(/\s+/g, ' ')
    .trim();
}

function templateErrorFrom(error: unknown, main: TemplateFile, templates: Templates): TemplateError {
  const refused = findInChain(error, (e): e is TemplateError => e instanceof TemplateError);
  if (refused) return refused;
  const liquidError = error as Partial<LiquidError> & { originalError?: unknown };
  const file = templateOf(liquidError.token, main, templates);
  const line = liquidError.token?.getPosition()[0];
  const where = line === undefined ? file.origin : `${file.origin}, line ${line}`;
  const detail = { template: file.name, file: file.origin, ...(line === undefined ? {} : { line }) };
  const innermost = messageOf(liquidError.originalError ?? error);
  const fail = (code: TemplateErrorCode, message: string, extra: Record<string, unknown> = {}) =>
    new TemplateError(message, { code, detail: { ...detail, ...extra }, cause: error });

  const missing = /^undefined variable: (.+)$/.exec(innermost);
  if (missing) {
    const variable = missing[1];
    return fail(
      'template.missingVariable',
      `The template ${where} uses "${variable}", which this message does not have. Fix the template, test it with {% if ${variable} %}, or give it a | default: value.`,
      { variable },
    );
  }
  const filter = /^undefined filter: (.+)$/.exec(innermost);
  if (filter) {
    return fail(
      'template.unknownFilter',
      `The template ${where} uses an unknown filter "${filter[1]}". Remove it or use a Liquid filter.`,
      {
        filter: filter[1],
      },
    );
  }
  if (
    /limit exceeded/.test(innermost) ||
    error instanceof RangeError ||
    liquidError.originalError instanceof RangeError
  ) {
    return fail(
      'template.limitExceeded',
      `The template ${where} is too large or takes too long to render (a huge loop or an include of itself?). Simplify it.`,
    );
  }
  const lookup = /^ENOENT: Failed to lookup "(.+)"/.exec(innermost);
  if (lookup) {
    return fail(
      'template.notFound',
      `The template ${where} includes "${lookup[1]}", which is not a template in .lifecockpit/templates. Add ${lookup[1]}.liquid there or remove the include.`,
      { reference: lookup[1] },
    );
  }
  const kind: TemplateErrorCode =
    liquidError.name === 'ParseError' || liquidError.name === 'TokenizationError'
      ? 'template.syntax'
      : 'template.renderFailed';
  return fail(kind, `The template ${where} could not be rendered: ${innermost}. Fix the template.`);
}

/** The template a token came from: Liquid names the file only on parse errors, but a token keeps its source text. */
function templateOf(token: LiquidError['token'] | undefined, main: TemplateFile, templates: Templates): TemplateFile {
  if (!token) return main;
  const named = templates.files.get(token.file ?? '');
  if (named) return named;
  if (token.input === main.source) return main;
  return [...templates.files.values()].find((f) => f.source === token.input) ?? main;
}

function findInChain<T>(error: unknown, match: (e: unknown) => e is T): T | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 10; depth++) {
    if (match(e)) return e;
    const next = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
    if (next === e) break;
    e = next;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Liquid appends ", file:..., line:..., col:..." itself; the file and line are given separately.
  return message.replace(/(, file:[^,]*)?, line:\d+, col:\d+$/, '');
}
