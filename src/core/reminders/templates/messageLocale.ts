// Which template and which locale a message uses. The language is the caller's choice, else the
// client's, else the practice's; its template is looked up most specific first (`reminder.de-AT`,
// then `reminder.de`), then the practice language's, then the bare `reminder.liquid`. Dates are
// written in the language of the template chosen (a French client without a French template gets
// the English text with English dates, not a mix), in the caller's, the client's or else the
// practice's IANA time zone. An SMS looks up `<kind>.sms` the same way (`reminder.sms.de`, then
// `reminder.sms.liquid`).
import type { MessageInput } from './message';
import type { TemplateFile, Templates } from './templateSet';
import { TemplateError } from './templateError';

export interface MessageLocale {
  template: TemplateFile;
  /** BCP 47 tag dates and times are written in. */
  language: string;
  /** IANA time zone dates and times are written in. */
  timeZone: string;
}

const FALLBACK_LANGUAGE = 'en';

export function chooseLocale(input: MessageInput, templates: Templates): MessageLocale {
  const timeZone = checkedTimeZone(input.timeZone ?? input.client.timeZone ?? input.practitioner.timeZone);
  const requested = input.language ?? input.client.language;
  const practice =
    input.practitioner.language === undefined ? undefined : canonicalLanguage(input.practitioner.language);
  const languages = [requested === undefined ? undefined : canonicalLanguage(requested), practice];
  const base = templateBase(input);
  for (const language of languages) {
    if (language === undefined) continue;
    for (const tag of [language, new Intl.Locale(language).language]) {
      // `sms` is also a language tag (Skolt Sami): an e-mail never takes `reminder.sms.liquid` for one.
      if (tag === 'sms') continue;
      const template = templates.files.get(`${base}.${tag}.liquid`);
      if (template) return { template, language, timeZone };
    }
  }
  const template = bareTemplate(base, templates);
  // The shipped bare template is English; a workspace one is written in the practice's language.
  return { template, language: template.shipped ? FALLBACK_LANGUAGE : (practice ?? FALLBACK_LANGUAGE), timeZone };
}

/** `reminder`, or `reminder.sms` for an SMS. */
function templateBase(input: MessageInput): string {
  return input.medium === 'sms' ? `${input.kind}.sms` : input.kind;
}

function bareTemplate(base: string, templates: Templates): TemplateFile {
  const name = `${base}.liquid`;
  const template = templates.files.get(name);
  if (!template) {
    throw new TemplateError(`There is no ${name} template. Add one to .lifecockpit/templates.`, {
      code: 'template.notFound',
      detail: { template: name },
    });
  }
  return template;
}

function canonicalLanguage(tag: string): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    if (canonical) return canonical;
  } catch {
    // RangeError: not a language tag; reported below.
  }
  throw new TemplateError(`"${tag}" is not a language tag (such as "en" or "de-AT"). Correct the client's language.`, {
    code: 'template.invalidLanguage',
    detail: { language: tag },
  });
}

function checkedTimeZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new TemplateError(
      `"${timeZone}" is not an IANA time zone (such as "Europe/Berlin"). Correct the client's or the practice's time zone.`,
      { code: 'template.invalidTimeZone', detail: { timeZone } },
    );
  }
}

/** Formats instants in one language and time zone, as the message's reader expects them. */
export class LocalFormat {
  private readonly dateFormat: Intl.DateTimeFormat;
  private readonly timeFormat: Intl.DateTimeFormat;

  constructor(language: string, timeZone: string) {
    this.dateFormat = new Intl.DateTimeFormat(language, { timeZone, dateStyle: 'full' });
    this.timeFormat = new Intl.DateTimeFormat(language, { timeZone, timeStyle: 'short' });
  }
  date(instant: Date): string {
    return this.dateFormat.format(instant);
  }
  time(instant: Date): string {
    return this.timeFormat.format(instant);
  }
}
