// The $filter parser and compiler: operators, precedence, literals, OData quote escaping, null and
// case semantics, and the URI parser's errors for malformed or ill-typed filters.

import { strict as assert } from 'node:assert';
import { parseFilter } from '../../../src/sandbox/dataverse/filter';
import { compileFilter, type PropertyAccess } from '../../../src/sandbox/dataverse/filterCompile';
import { DataverseError } from '../../../src/sandbox/dataverse/errors';

type Item = Record<string, unknown>;

const TYPES: Record<string, string> = {
  name: 'Edm.String',
  count: 'Edm.Int32',
  fee: 'Edm.Decimal',
  active: 'Edm.Boolean',
  ref: 'Edm.Guid',
  when: 'Edm.DateTimeOffset',
};

const ITEMS: Item[] = [
  {
    id: 1,
    name: 'Alice',
    count: 1,
    fee: 10.5,
    active: true,
    ref: 'aaaaaaaa-0000-4000-8000-000000000001',
    when: '2025-01-01T10:00:00Z',
  },
  {
    id: 2,
    name: "O'Brien",
    count: 2,
    fee: 20,
    active: false,
    ref: 'aaaaaaaa-0000-4000-8000-000000000002',
    when: '2025-02-01T10:00:00Z',
  },
  { id: 3, name: 'bob', count: 3, fee: null, active: true, ref: null, when: null },
  {
    id: 4,
    name: null,
    count: 4,
    fee: 40,
    active: false,
    ref: 'aaaaaaaa-0000-4000-8000-000000000004',
    when: '2025-03-01T00:00:00Z',
  },
];

function resolve(path: string): PropertyAccess<Item> {
  const edmType = TYPES[path];
  if (!edmType)
    throw new DataverseError(
      400,
      '0x80060888',
      `Could not find a property named '${path}' on type 'Microsoft.Dynamics.CRM.test'.`,
    );
  return { edmType, get: (item) => item[path] ?? null };
}

function ids(filter: string): number[] {
  const predicate = compileFilter(parseFilter(filter), resolve);
  return ITEMS.filter(predicate).map((item) => item.id as number);
}

function expectBadFilter(filter: string, message: RegExp): void {
  assert.throws(
    () => ids(filter),
    (error: unknown) => error instanceof DataverseError && error.status === 400 && message.test(error.message),
  );
}

describe('Dataverse $filter', () => {
  it('compares numbers with every operator', () => {
    assert.deepEqual(ids('count eq 2'), [2]);
    assert.deepEqual(ids('count ne 2'), [1, 3, 4]);
    assert.deepEqual(ids('count gt 2'), [3, 4]);
    assert.deepEqual(ids('count ge 2'), [2, 3, 4]);
    assert.deepEqual(ids('count lt 2'), [1]);
    assert.deepEqual(ids('count le 2'), [1, 2]);
    assert.deepEqual(ids('fee gt 15.5'), [2, 4]);
  });

  it('gives and precedence over or, and honours parentheses and not', () => {
    assert.deepEqual(ids('count eq 1 or count eq 2 and active eq true'), [1]);
    assert.deepEqual(ids('(count eq 1 or count eq 2) and active eq false'), [2]);
    assert.deepEqual(ids('not (count gt 1)'), [1]);
    assert.deepEqual(ids('not active'), [2, 4]);
    assert.deepEqual(ids('active'), [1, 3]);
  });

  it('compares strings ignoring case, as the SQL collation does', () => {
    assert.deepEqual(ids("name eq 'ALICE'"), [1]);
    assert.deepEqual(ids("contains(name,'O')"), [2, 3]);
    assert.deepEqual(ids("startswith(name,'b')"), [3]);
    assert.deepEqual(ids("endswith(name,'ICE')"), [1]);
  });

  it('reads a doubled quote as one quote inside a string literal', () => {
    assert.deepEqual(ids("name eq 'O''Brien'"), [2]);
    assert.deepEqual(ids("contains(name,'''')"), [2]);
  });

  it('keeps an injection attempt inside the string literal', () => {
    assert.deepEqual(ids("name eq 'x'' or count gt 0 or name eq ''y'"), []);
    expectBadFilter("name eq 'x' or count gt 0 or name eq 'y''", /unterminated string literal/);
    expectBadFilter("name eq 'Alice'; drop table contact", /character ';' is not valid/);
  });

  it('matches null only with eq null / ne null, and leaves nulls out of ne', () => {
    assert.deepEqual(ids('name eq null'), [4]);
    assert.deepEqual(ids('name ne null'), [1, 2, 3]);
    assert.deepEqual(ids("name ne 'alice'"), [2, 3]);
    assert.deepEqual(ids('fee lt 100'), [1, 2, 4]);
  });

  it('reads GUID and date-time literals', () => {
    assert.deepEqual(ids('ref eq AAAAAAAA-0000-4000-8000-000000000002'), [2]);
    assert.deepEqual(ids('when ge 2025-02-01T10:00:00Z'), [2, 4]);
    assert.deepEqual(ids('when lt 2025-02-01T11:00:00+01:00'), [1]);
    assert.deepEqual(ids('when ge 2025-03-01'), [4]);
  });

  it('refuses mismatched operand types like the OData binder', () => {
    expectBadFilter("count eq 'two'", /incompatible types.*'Edm.Int32' and 'Edm.String'.*'Equal'/);
    expectBadFilter("ref eq 'aaaaaaaa-0000-4000-8000-000000000002'", /'Edm.Guid' and 'Edm.String'/);
    expectBadFilter('contains(count,1)', /No function signature for the function with name 'contains'/);
    expectBadFilter('count', /must evaluate to a single boolean value/);
  });

  it('reports syntax errors, unknown functions and unknown properties', () => {
    expectBadFilter('count eq', /Syntax error at position 8 in 'count eq'/);
    expectBadFilter('(count eq 1', /Syntax error/);
    expectBadFilter('count eq 1 count', /Syntax error at position 11/);
    expectBadFilter("substringof('a',name)", /unknown function with name 'substringof'/);
    expectBadFilter('nope eq 1', /Could not find a property named 'nope'/);
    expectBadFilter('', /Syntax error/);
  });

  it('answers 400 beyond a bounded nesting depth instead of overflowing the stack', () => {
    const nested = (depth: number, open = '(') => `${open.repeat(depth)}count eq 1${')'.repeat(depth)}`;
    expectBadFilter(nested(2000), /recursion limit has been exceeded/);
    expectBadFilter(`${'not '.repeat(5000)}active`, /recursion limit has been exceeded/);
    assert.deepEqual(ids(nested(50)), [1]);
  });

  it('still takes a long flat or-chain, as a filter on many ids is', () => {
    const chain = Array.from({ length: 5000 }, (_, i) => `count eq ${i + 10}`).join(' or ');
    assert.deepEqual(ids(`${chain} or count eq 2`), [2]);
    const andChain = Array.from({ length: 5000 }, () => 'count gt 0').join(' and ');
    assert.deepEqual(ids(andChain), [1, 2, 3, 4]);
  });
});
