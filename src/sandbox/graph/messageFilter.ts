// $filter, $orderby and $expand for Outlook messages: the extended-property lambda
// `singleValueExtendedProperties/Any(ep: ep/id eq '…' and ep/value eq '…')`, equality on a few
// string properties, date comparisons, and Outlook's rule that $orderby properties must lead $filter
// (else 400 InefficientFilter).

import { invalidFilter, splitTopLevel, stringLiteral, type OrderBy } from './odata';
import type { ExtendedProperty, StoredMessage } from './state';
import { GraphFault } from './wire';

export interface MessageClause {
  /** The property the clause reads (for the $orderby rule). */
  property: string;
  test(message: StoredMessage): boolean;
}

const STRING_PROPERTIES = ['subject', 'internetMessageId', 'conversationId'] as const;
const DATE_PROPERTIES = ['sentDateTime', 'receivedDateTime', 'createdDateTime', 'lastModifiedDateTime'] as const;

/** Extended-property ids compare case-insensitively: Outlook stores the GUID in lower case. */
export function normalizePropertyId(id: string): string {
  return id.trim().replace(/\{([0-9a-fA-F-]{36})\}/, (_whole, guid: string) => `{${guid.toLowerCase()}}`);
}

function sameId(a: string, b: string): boolean {
  return normalizePropertyId(a).toLowerCase() === normalizePropertyId(b).toLowerCase();
}

function anyClause(variable: string, body: string): MessageClause {
  const tests = splitTopLevel(body, 'and').map((part) => {
    const match = new RegExp(`^${variable}/(id|value)\\s+eq\\s+('(?:[^']|'')*')$`, 'i').exec(part);
    const literal = match ? stringLiteral(match[2] ?? '') : undefined;
    if (!match || literal === undefined) throw invalidFilter();
    const field = (match[1] ?? '').toLowerCase();
    return (property: ExtendedProperty): boolean =>
      field === 'id' ? sameId(property.id, literal) : property.value === literal;
  });
  return {
    property: 'singleValueExtendedProperties',
    test: (message) => message.extendedProperties.some((property) => tests.every((test) => test(property))),
  };
}

function dateClause(property: (typeof DATE_PROPERTIES)[number], operator: string, raw: string): MessageClause {
  const bound = Date.parse(raw);
  if (Number.isNaN(bound)) throw invalidFilter();
  const compare: Record<string, (a: number) => boolean> = {
    eq: (a) => a === bound,
    ne: (a) => a !== bound,
    gt: (a) => a > bound,
    ge: (a) => a >= bound,
    lt: (a) => a < bound,
    le: (a) => a <= bound,
  };
  const check = compare[operator.toLowerCase()];
  if (!check) throw invalidFilter();
  // Sent Items copies carry the same instant as sent, received, created and modified.
  return { property, test: (message) => check(message.sentMs) };
}

function messageClause(clause: string): MessageClause {
  const lambda = /^singleValueExtendedProperties\/any\(\s*(\w+)\s*:\s*(.+)\)$/i.exec(clause);
  if (lambda) return anyClause(lambda[1] ?? '', lambda[2] ?? '');
  const equals = /^(\w+)\s+eq\s+('(?:[^']|'')*')$/i.exec(clause);
  if (equals) {
    const property = STRING_PROPERTIES.find((name) => name.toLowerCase() === (equals[1] ?? '').toLowerCase());
    const literal = stringLiteral(equals[2] ?? '');
    if (!property || literal === undefined) throw invalidFilter();
    return { property, test: (message) => message[property] === literal };
  }
  const date = /^(\w+)\s+(eq|ne|gt|ge|lt|le)\s+(\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)$/i.exec(clause);
  if (date) {
    const property = DATE_PROPERTIES.find((name) => name.toLowerCase() === (date[1] ?? '').toLowerCase());
    if (!property) throw invalidFilter();
    return dateClause(property, date[2] ?? '', date[3] ?? '');
  }
  throw invalidFilter();
}

export function parseMessageFilter(expression: string | null): MessageClause[] {
  if (expression === null || expression.trim() === '') return [];
  return splitTopLevel(expression.trim(), 'and').map((clause) => messageClause(stripParens(clause)));
}

function stripParens(clause: string): string {
  let text = clause.trim();
  while (text.startsWith('(') && text.endsWith(')') && balanced(text.slice(1, -1))) text = text.slice(1, -1).trim();
  return text;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/**
 * Outlook's documented rule for messages: properties in $orderby must also appear in $filter, in the
 * same order, before any other property. Breaking it gets InefficientFilter.
 */
export function checkOrderAgainstFilter(order: OrderBy[], clauses: MessageClause[]): void {
  if (order.length === 0 || clauses.length === 0) return;
  const leading = clauses.slice(0, order.length).map((clause) => clause.property.toLowerCase());
  const fits = order.every((entry, index) => leading[index] === entry.property.toLowerCase());
  if (!fits) {
    throw new GraphFault(400, 'InefficientFilter', 'The restriction or sort order is too complex for this operation.');
  }
}

const ORDERABLE: Record<string, (message: StoredMessage) => number | string> = {
  sentdatetime: (message) => message.sentMs,
  receiveddatetime: (message) => message.sentMs,
  createddatetime: (message) => message.sentMs,
  lastmodifieddatetime: (message) => message.sentMs,
  subject: (message) => message.subject,
};

/** Sorts a copy; without $orderby Outlook lists newest first. */
export function sortMessages(messages: StoredMessage[], order: OrderBy[]): StoredMessage[] {
  const effective = order.length > 0 ? order : [{ property: 'receivedDateTime', descending: true }];
  const keys = effective.map((entry) => {
    const key = ORDERABLE[entry.property.toLowerCase()];
    if (!key)
      throw new GraphFault(
        400,
        'BadRequest',
        `Could not find a property named '${entry.property}' on type 'microsoft.graph.message'.`,
      );
    return { key, sign: entry.descending ? -1 : 1 };
  });
  return messages
    .map((message, index) => ({ message, index }))
    .sort((a, b) => {
      for (const { key, sign } of keys) {
        const left = key(a.message);
        const right = key(b.message);
        if (left < right) return -sign;
        if (left > right) return sign;
      }
      // Among equal keys the later-sent copy comes first, as in a real folder.
      return b.index - a.index;
    })
    .map((entry) => entry.message);
}

/** `$expand=singleValueExtendedProperties($filter=id eq '…')`; undefined when not expanded. */
export function expandedPropertyFilter(query: URLSearchParams): ((property: ExtendedProperty) => boolean) | undefined {
  const raw = query.get('$expand');
  if (raw === null || raw.trim() === '') return undefined;
  const match = /^singleValueExtendedProperties(?:\(\s*\$filter\s*=\s*(.+)\))?$/i.exec(raw.trim());
  if (!match)
    throw new GraphFault(
      400,
      'BadRequest',
      `Parsing OData Select and Expand failed: Could not find a property named '${raw.split('(')[0]}' on type 'microsoft.graph.message'.`,
    );
  if (match[1] === undefined) return () => true;
  const ids = splitTopLevel(match[1].trim(), 'or').map((clause) => {
    const idMatch = /^id\s+eq\s+('(?:[^']|'')*')$/i.exec(clause);
    const literal = idMatch ? stringLiteral(idMatch[1] ?? '') : undefined;
    if (literal === undefined) throw invalidFilter();
    return literal;
  });
  return (property) => ids.some((id) => sameId(property.id, id));
}
