// dataverse_query's guard (issue 17): the practice mapping's tables only (by entity set or logical name, as the
// user's table overrides rename them), and a filter that is a plain condition on the table's own columns.
import { strict as assert } from 'node:assert';
import { PolicyError } from '../../../src/core/errors';
import { resolveTables } from '../../../src/core/practice';
import { checkPlainFilter, practiceTable } from '../../../src/mcp';

describe('dataverse_query guard', () => {
  const tables = resolveTables({ client: { entitySet: 'cre92_clients', logicalName: 'cre92_client' } });

  it("finds the mapping's tables by entity set or logical name, renamed ones by their new names", () => {
    assert.equal(practiceTable(tables, 'appointments').entitySet, 'appointments');
    assert.equal(practiceTable(tables, 'Appointment').entitySet, 'appointments');
    assert.equal(practiceTable(tables, 'cre92_client').entitySet, 'cre92_clients');
    assert.equal(practiceTable(tables, 'annotations').entitySet, 'annotations');
  });

  it('refuses any other table, naming the ones it reads', () => {
    for (const name of [
      'contacts',
      'systemusers',
      'accounts',
      'appointments(00000000-0000-0000-0000-000000000001)',
      '$batch',
    ]) {
      assert.throws(
        () => practiceTable(tables, name),
        (e: unknown) =>
          e instanceof PolicyError && e.code === 'mcp.tableNotAllowed' && /cre92_clients, appointments/.test(e.message),
        name,
      );
    }
  });

  it('passes plain conditions, with anything inside string literals', () => {
    for (const filter of [
      "statecode eq 0 and contains(subject,'a/b $x any(y)')",
      "fullname eq 'O''Brien'",
      'scheduledstart ge 2026-12-01T00:00:00Z',
      '_objectid_value eq 7d57f1c2-0000-4000-8000-000000000001',
    ]) {
      assert.equal(checkPlainFilter(filter), filter);
    }
  });

  it('refuses navigation, smuggled options, lambdas, query functions and separators', () => {
    for (const filter of [
      "regardingobjectid_contact_appointment/emailaddress1 eq 'a@b.c'",
      "fullname eq 'x'&$expand=owninguser",
      'statecode eq 0 and $filter',
      'cre92_Session_appointment/any(s: s/statecode eq 0)',
      'Microsoft.Dynamics.CRM.LastXDays(PropertyName=@p1,PropertyValue=@p2)',
      "fullname eq 'x';drop",
    ]) {
      assert.throws(
        () => checkPlainFilter(filter),
        (e: unknown) => e instanceof PolicyError,
        filter,
      );
    }
  });

  it('refuses an unclosed literal, which would hide the rest of the text from the check', () => {
    assert.throws(() => checkPlainFilter("fullname eq 'x and statecode/x eq 1"), /unclosed string literal/);
  });
});
