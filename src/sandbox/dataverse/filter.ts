// A small OData $filter parser: comparisons (eq ne gt ge lt le), and/or/not, parentheses,
// contains/startswith/endswith, and string ('' escapes a quote), number, boolean, null, GUID and
// date-time literals. It yields an AST that filterCompile.ts turns into one predicate per query.
// Error texts follow Microsoft.OData's URI parser, which is what Dataverse answers with.

import { badQuery } from './errors';

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type StringFunction = 'contains' | 'startswith' | 'endswith';
export type LiteralType = 'string' | 'integer' | 'decimal' | 'boolean' | 'null' | 'guid' | 'datetime' | 'date';

export type Operand =
  | { kind: 'property'; path: string; position: number }
  | { kind: 'literal'; type: LiteralType; value: string | number | boolean | null; position: number };

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: CompareOp; left: Operand; right: Operand }
  | { kind: 'call'; name: StringFunction; args: Operand[]; position: number }
  | { kind: 'value'; operand: Operand };

interface Token {
  type: 'ident' | 'string' | 'number' | 'guid' | 'datetime' | 'date' | '(' | ')' | ',' | 'eof';
  text: string;
  position: number;
}

const COMPARE_OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['contains', 'startswith', 'endswith']);
const GUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])/y;
const DATETIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})(?![\w:])/y;
const DATE = /\d{4}-\d{2}-\d{2}(?![\w:-])/y;
const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDlLfF]?(?![\w.])/y;
const IDENT = /[A-Za-z_][A-Za-z0-9_./]*/y;

function syntaxError(text: string, position: number): never {
  throw badQuery(`Syntax error at position ${position} in '${text}'.`);
}

function matchAt(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

function readString(text: string, start: number): { token: Token; end: number } {
  let at = start + 1;
  let value = '';
  for (;;) {
    if (at >= text.length) {
      throw badQuery(`There is an unterminated string literal at position ${text.length} in '${text}'.`);
    }
    const ch = text[at];
    if (ch === "'") {
      // OData escapes a quote inside a string literal by doubling it.
      if (text[at + 1] === "'") {
        value += "'";
        at += 2;
        continue;
      }
      return { token: { type: 'string', text: value, position: start }, end: at + 1 };
    }
    value += ch;
    at++;
  }
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const ch = text[at];
    if (/\s/.test(ch)) {
      at++;
      continue;
    }
    if (ch === "'") {
      const { token, end } = readString(text, at);
      tokens.push(token);
      at = end;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: ch, text: ch, position: at });
      at++;
      continue;
    }
    const matched =
      tokenOf('guid', GUID, text, at) ??
      tokenOf('datetime', DATETIME, text, at) ??
      tokenOf('date', DATE, text, at) ??
      tokenOf('number', NUMBER, text, at) ??
      tokenOf('ident', IDENT, text, at);
    if (!matched) {
      throw badQuery(`Syntax error: character '${ch}' is not valid at position ${at} in '${text}'.`);
    }
    tokens.push(matched);
    at += matched.text.length;
  }
  tokens.push({ type: 'eof', text: '', position: text.length });
  return tokens;
}

function tokenOf(type: Token['type'], pattern: RegExp, text: string, at: number): Token | undefined {
  const found = matchAt(pattern, text, at);
  return found === undefined ? undefined : { type, text: found, position: at };
}

/**
 * How deep parentheses and `not` may nest. Microsoft.OData's URI parser bounds its recursion the same way
 * (QueryParserSettings' FilterLimit, 800 recursive calls, several a level) and answers "The recursion limit
 * has been exceeded." instead of running out of stack; and/or chains are loops here, so they do not count.
 */
export const MAX_FILTER_DEPTH = 100;

class Parser {
  private at = 0;
  private depth = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  parse(): FilterNode {
    const node = this.orExpression();
    if (this.peek().type !== 'eof') syntaxError(this.text, this.peek().position);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.at];
  }

  private take(): Token {
    return this.tokens[this.at++];
  }

  private isKeyword(word: string): boolean {
    const token = this.peek();
    return token.type === 'ident' && token.text === word;
  }

  private orExpression(): FilterNode {
    let node = this.andExpression();
    while (this.isKeyword('or')) {
      this.take();
      node = { kind: 'or', left: node, right: this.andExpression() };
    }
    return node;
  }

  private andExpression(): FilterNode {
    let node = this.unary();
    while (this.isKeyword('and')) {
      this.take();
      node = { kind: 'and', left: node, right: this.unary() };
    }
    return node;
  }

  private unary(): FilterNode {
    if (this.isKeyword('not')) {
      this.take();
      return { kind: 'not', operand: this.nested(() => this.unary()) };
    }
    return this.primary();
  }

  private nested(parse: () => FilterNode): FilterNode {
    if (++this.depth > MAX_FILTER_DEPTH) throw badQuery('The recursion limit has been exceeded.');
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private primary(): FilterNode {
    const token = this.peek();
    if (token.type === '(') {
      this.take();
      const inner = this.nested(() => this.orExpression());
      if (this.peek().type !== ')') syntaxError(this.text, this.peek().position);
      this.take();
      return inner;
    }
    if (token.type === 'ident' && this.tokens[this.at + 1]?.type === '(') return this.call();
    const left = this.operand();
    const next = this.peek();
    if (next.type === 'ident' && COMPARE_OPS.has(next.text)) {
      this.take();
      return { kind: 'compare', op: next.text as CompareOp, left, right: this.operand() };
    }
    return { kind: 'value', operand: left };
  }

  private call(): FilterNode {
    const name = this.take();
    if (!FUNCTIONS.has(name.text)) {
      throw badQuery(
        `An unknown function with name '${name.text}' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.`,
      );
    }
    this.take(); // (
    const args: Operand[] = [this.operand()];
    while (this.peek().type === ',') {
      this.take();
      args.push(this.operand());
    }
    if (this.peek().type !== ')') syntaxError(this.text, this.peek().position);
    this.take();
    return { kind: 'call', name: name.text as StringFunction, args, position: name.position };
  }

  private operand(): Operand {
    const token = this.take();
    const position = token.position;
    switch (token.type) {
      case 'string':
        return { kind: 'literal', type: 'string', value: token.text, position };
      case 'guid':
        return { kind: 'literal', type: 'guid', value: token.text.toLowerCase(), position };
      case 'datetime':
        return { kind: 'literal', type: 'datetime', value: token.text, position };
      case 'date':
        return { kind: 'literal', type: 'date', value: token.text, position };
      case 'number': {
        const bare = token.text.replace(/[mMdDlLfF]$/, '');
        const isInteger = /^-?\d+$/.test(bare) && !/[mMdDfF]$/.test(token.text);
        return { kind: 'literal', type: isInteger ? 'integer' : 'decimal', value: Number(bare), position };
      }
      case 'ident':
        if (token.text === 'true' || token.text === 'false') {
          return { kind: 'literal', type: 'boolean', value: token.text === 'true', position };
        }
        if (token.text === 'null') return { kind: 'literal', type: 'null', value: null, position };
        if (COMPARE_OPS.has(token.text) || ['and', 'or', 'not'].includes(token.text)) syntaxError(this.text, position);
        return { kind: 'property', path: token.text, position };
      default:
        return syntaxError(this.text, position);
    }
  }
}

export function parseFilter(text: string): FilterNode {
  if (text.trim() === '') syntaxError(text, 0);
  return new Parser(tokenize(text), text).parse();
}
