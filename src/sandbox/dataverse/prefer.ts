// The `Prefer` request header as Dataverse reads it: return=representation, odata.maxpagesize=N,
// odata.include-annotations="…" (a comma list of names or `ns.*` patterns, `*` for all, `-x` to
// exclude) and odata.continue-on-error. Values may be quoted and contain commas.

export interface Preferences {
  returnRepresentation: boolean;
  maxPageSize?: number;
  annotations?: AnnotationFilter;
  annotationsText?: string;
  continueOnError: boolean;
}

export class AnnotationFilter {
  private readonly include: string[];
  private readonly exclude: string[];

  constructor(text: string) {
    const patterns = text
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    this.include = patterns.filter((p) => !p.startsWith('-'));
    this.exclude = patterns.filter((p) => p.startsWith('-')).map((p) => p.slice(1));
  }

  private static matches(pattern: string, name: string): boolean {
    if (pattern === '*') return true;
    if (pattern.endsWith('.*')) return name.startsWith(pattern.slice(0, -1));
    return pattern === name;
  }

  allows(name: string): boolean {
    if (this.exclude.some((p) => AnnotationFilter.matches(p, name))) return false;
    return this.include.some((p) => AnnotationFilter.matches(p, name));
  }
}

/** Splits on commas outside double quotes. */
function splitPreferences(header: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

export function parsePreferences(header: string | undefined): Preferences {
  const prefs: Preferences = { returnRepresentation: false, continueOnError: false };
  for (const part of splitPreferences(header ?? '')) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const value =
      eq < 0
        ? ''
        : part
            .slice(eq + 1)
            .trim()
            .replace(/^"(.*)"$/, '$1');
    if (name === 'return' && value === 'representation') prefs.returnRepresentation = true;
    else if (name === 'odata.maxpagesize' && /^\d+$/.test(value)) prefs.maxPageSize = Number(value);
    else if (name === 'odata.include-annotations') {
      prefs.annotations = new AnnotationFilter(value);
      prefs.annotationsText = value;
    } else if (name === 'odata.continue-on-error') prefs.continueOnError = value !== 'false';
  }
  return prefs;
}
