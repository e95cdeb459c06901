// Turns a parsed $filter into one predicate, checked once against the table's column types
// (so `statuscode eq 'x'` fails up front like OData's binder) and then run per row with no parsing.
// String comparisons ignore case because Dataverse's SQL collation does; a null column matches only
// `eq null` / `ne null` — `ne` leaves nulls out, the well-known Dataverse (SQL `<>`) behaviour.

import { badQuery } from './errors';
import type { CompareOp, FilterNode, LiteralType, Operand } from './filter';
import { normalizeDateTime } from './wireValues';

export interface PropertyAccess<T> {
  edmType: string;
  /** The row's value: strings as stored, GUIDs lowercase, date-times in wire form, null when absent. */
  get(row: T): unknown;
}

export type PropertyResolver<T> = (path: string) => PropertyAccess<T>;
export type Predicate<T> = (row: T) => boolean;

type ValueClass = 'string' | 'number' | 'boolean' | 'guid' | 'datetime' | 'null' | 'other';

const OPERATOR_KIND: Record<CompareOp, string> = {
  eq: 'Equal',
  ne: 'NotEqual',
  gt: 'GreaterThan',
  ge: 'GreaterThanOrEqual',
  lt: 'LessThan',
  le: 'LessThanOrEqual',
};

const LITERAL_EDM: Record<LiteralType, string> = {
  string: 'Edm.String',
  integer: 'Edm.Int32',
  decimal: 'Edm.Decimal',
  boolean: 'Edm.Boolean',
  null: 'null',
  guid: 'Edm.Guid',
  datetime: 'Edm.DateTimeOffset',
  date: 'Edm.Date',
};

function classOfEdm(edmType: string): ValueClass {
  switch (edmType) {
    case 'Edm.String':
      return 'string';
    case 'Edm.Int32':
    case 'Edm.Int64':
    case 'Edm.Decimal':
    case 'Edm.Double':
      return 'number';
    case 'Edm.Boolean':
      return 'boolean';
    case 'Edm.Guid':
      return 'guid';
    case 'Edm.DateTimeOffset':
    case 'Edm.Date':
      return 'datetime';
    default:
      return 'other';
  }
}

function classOfLiteral(type: LiteralType): ValueClass {
  if (type === 'integer' || type === 'decimal') return 'number';
  if (type === 'date') return 'datetime';
  return type;
}

interface CompiledOperand<T> {
  valueClass: ValueClass;
  edm: string;
  get: (row: T) => unknown;
  isLiteral: boolean;
  literal?: unknown;
}

function compileOperand<T>(operand: Operand, resolve: PropertyResolver<T>): CompiledOperand<T> {
  if (operand.kind === 'property') {
    const access = resolve(operand.path);
    return { valueClass: classOfEdm(access.edmType), edm: access.edmType, get: access.get, isLiteral: false };
  }
  const value = literalValue(operand);
  return {
    valueClass: classOfLiteral(operand.type),
    edm: LITERAL_EDM[operand.type],
    get: () => value,
    isLiteral: true,
    literal: value,
  };
}

function literalValue(operand: Extract<Operand, { kind: 'literal' }>): unknown {
  if (operand.type === 'datetime' || operand.type === 'date') {
    const normalized = normalizeDateTime(String(operand.value));
    if (!normalized)
      throw badQuery(
        `The DateTimeOffset text '${String(operand.value)}' should be in format 'yyyy-mm-ddThh:mm:ss('.'s+)?(zzzzzz)?' and each field value is within valid range.`,
      );
    return normalized;
  }
  return operand.value;
}

function comparable(valueClass: ValueClass, value: unknown): unknown {
  return valueClass === 'string' && typeof value === 'string' ? value.toLowerCase() : value;
}

function compileCompare<T>(
  op: CompareOp,
  leftOperand: Operand,
  rightOperand: Operand,
  resolve: PropertyResolver<T>,
): Predicate<T> {
  const left = compileOperand(leftOperand, resolve);
  const right = compileOperand(rightOperand, resolve);
  const valueClass = left.valueClass === 'null' ? right.valueClass : left.valueClass;
  if (left.valueClass !== 'null' && right.valueClass !== 'null' && left.valueClass !== right.valueClass) {
    throw badQuery(
      `A binary operator with incompatible types was detected. Found operand types '${left.edm}' and '${right.edm}' for operator kind '${OPERATOR_KIND[op]}'.`,
    );
  }
  if (left.valueClass === 'null' || right.valueClass === 'null') {
    const other = left.valueClass === 'null' ? right : left;
    if (op === 'eq') return (row) => other.get(row) == null;
    if (op === 'ne') return (row) => other.get(row) != null;
    return () => false;
  }
  const test = orderTest(op);
  // Fold a literal side once so the per-row work is one read and one comparison.
  if (right.isLiteral) {
    const constant = comparable(valueClass, right.literal);
    return (row) => {
      const value = left.get(row);
      return value != null && test(comparable(valueClass, value) as number, constant as number);
    };
  }
  return (row) => {
    const a = left.get(row);
    const b = right.get(row);
    return a != null && b != null && test(comparable(valueClass, a) as number, comparable(valueClass, b) as number);
  };
}

function orderTest(op: CompareOp): (a: number, b: number) => boolean {
  switch (op) {
    case 'eq':
      return (a, b) => a === b;
    case 'ne':
      return (a, b) => a !== b;
    case 'gt':
      return (a, b) => a > b;
    case 'ge':
      return (a, b) => a >= b;
    case 'lt':
      return (a, b) => a < b;
    case 'le':
      return (a, b) => a <= b;
  }
}

function compileCall<T>(node: Extract<FilterNode, { kind: 'call' }>, resolve: PropertyResolver<T>): Predicate<T> {
  const [target, needle] = node.args.map((arg) => compileOperand(arg, resolve));
  if (node.args.length !== 2 || target.valueClass !== 'string' || needle.valueClass !== 'string' || !needle.isLiteral) {
    throw badQuery(
      `No function signature for the function with name '${node.name}' matches the specified arguments. The function signatures considered are: ${node.name}(Edm.String Nullable=true, Edm.String Nullable=true).`,
    );
  }
  const text = String(needle.literal).toLowerCase();
  const test =
    node.name === 'contains'
      ? (value: string) => value.includes(text)
      : node.name === 'startswith'
        ? (value: string) => value.startsWith(text)
        : (value: string) => value.endsWith(text);
  return (row) => {
    const value = target.get(row);
    return typeof value === 'string' && test(value.toLowerCase());
  };
}

function compileValue<T>(operand: Operand, resolve: PropertyResolver<T>): Predicate<T> {
  const compiled = compileOperand(operand, resolve);
  if (compiled.valueClass !== 'boolean') {
    throw badQuery('The $filter expression must evaluate to a single boolean value.');
  }
  return (row) => compiled.get(row) === true;
}

export function compileFilter<T>(node: FilterNode, resolve: PropertyResolver<T>): Predicate<T> {
  switch (node.kind) {
    case 'and': {
      const left = compileFilter(node.left, resolve);
      const right = compileFilter(node.right, resolve);
      return (row) => left(row) && right(row);
    }
    case 'or': {
      const left = compileFilter(node.left, resolve);
      const right = compileFilter(node.right, resolve);
      return (row) => left(row) || right(row);
    }
    case 'not': {
      const inner = compileFilter(node.operand, resolve);
      return (row) => !inner(row);
    }
    case 'compare':
      return compileCompare(node.op, node.left, node.right, resolve);
    case 'call':
      return compileCall(node, resolve);
    case 'value':
      return compileValue(node.operand, resolve);
  }
}
