// $filter for Outlook events (calendarView and events), the part clients use: the category lambda
// `categories/any(c: c eq 'Client session')` (Outlook compares strings ignoring case), equality on subject,
// isCancelled and isAllDay, joined by `and`/`or` (and parentheses). Anything else is refused with Graph's
// 400 "Invalid filter clause" rather than ignored, so a client is never shown unfiltered events as filtered.

import { invalidFilter, splitTopLevel, stringLiteral } from './odata';
import type { StoredEvent } from './state';

export type EventTest = (event: StoredEvent) => boolean;

/** The test `$filter` asks for, or undefined when there is none. */
export function parseEventFilter(query: URLSearchParams): EventTest | undefined {
  const raw = query.get('$filter');
  if (raw === null || raw.trim() === '') return undefined;
  return expression(raw.trim());
}

function expression(text: string): EventTest {
  const ors = splitTopLevel(text, 'or');
  if (ors.length > 1) {
    const parts = ors.map(expression);
    return (event) => parts.some((test) => test(event));
  }
  const ands = splitTopLevel(text, 'and');
  if (ands.length > 1) {
    const parts = ands.map(expression);
    return (event) => parts.every((test) => test(event));
  }
  const inner = /^\((.*)\)$/s.exec(text);
  if (inner && balanced(inner[1] ?? '')) return expression((inner[1] ?? '').trim());
  return clause(text);
}

function clause(text: string): EventTest {
  const lambda = /^categories\/any\(\s*([A-Za-z_]\w*)\s*:\s*(\w+)\s+eq\s+('(?:[^']|'')*')\s*\)$/i.exec(text);
  if (lambda) {
    const [, variable, subject, literal] = lambda;
    const wanted = stringLiteral(literal ?? '');
    if (subject !== variable || wanted === undefined) throw invalidFilter();
    return (event) => event.categories.some((c) => c.toLowerCase() === wanted.toLowerCase());
  }
  const comparison = /^(subject|isCancelled|isAllDay)\s+eq\s+(.+)$/i.exec(text);
  if (!comparison) throw invalidFilter();
  const property = (comparison[1] ?? '').toLowerCase();
  const value = (comparison[2] ?? '').trim();
  if (property === 'subject') {
    const wanted = stringLiteral(value);
    if (wanted === undefined) throw invalidFilter();
    return (event) => event.subject.toLowerCase() === wanted.toLowerCase();
  }
  if (value !== 'true' && value !== 'false') throw invalidFilter();
  const flag = value === 'true';
  return property === 'iscancelled' ? (event) => event.isCancelled === flag : (event) => event.isAllDay === flag;
}

/** Whether the parentheses of `text` (outside quotes) pair up, so stripping an outer pair is safe. */
function balanced(text: string): boolean {
  let depth = 0;
  let inQuote = false;
  for (const char of text) {
    if (char === "'") inQuote = !inQuote;
    else if (!inQuote && char === '(') depth++;
    else if (!inQuote && char === ')' && --depth < 0) return false;
  }
  return depth === 0;
}
