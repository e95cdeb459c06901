// The filter builder: every value escaped or checked, so user text can never change the filter's meaning.
import assert from 'node:assert/strict';
import { ValidationError } from '../../../src/core/errors';
import {
  and,
  contains,
  date,
  eq,
  guid,
  isNull,
  lookup,
  not,
  onOrAfter,
  oneOf,
  or,
  startsWith,
  before,
} from '../../../src/core/dataverse/filter';
import { buildQuery } from '../../../src/core/dataverse/queryText';

const ID = '6F9619FF-8B86-D011-B42D-00C04FC964FF';

describe('dataverse filter builder', () => {
  it('doubles quotes so a name cannot close the literal and add a condition', () => {
    const filter = eq('fullname', "O'Brien' or fullname ne '");
    assert.equal(filter.text, "fullname eq 'O''Brien'' or fullname ne '''");
  });

  it('quotes strings inside contains and startswith the same way', () => {
    assert.equal(contains('fullname', "a'b").text, "contains(fullname,'a''b')");
    assert.equal(startsWith('emailaddress1', "x')or(1 eq 1").text, "startswith(emailaddress1,'x'')or(1 eq 1')");
  });

  it('writes GUIDs unquoted and lower-cased, and refuses anything that is not a GUID', () => {
    assert.equal(lookup('_cre92_session_value', ID).text, `_cre92_session_value eq ${ID.toLowerCase()}`);
    assert.equal(lookup('_cre92_session_value', `{${ID}}`).text, `_cre92_session_value eq ${ID.toLowerCase()}`);
    assert.throws(() => lookup('_cre92_session_value', `${ID} or true`), ValidationError);
    assert.throws(() => guid("1' or '1' eq '1"), ValidationError);
  });

  it('writes dates as ISO literals and refuses text that is not a date', () => {
    assert.equal(
      onOrAfter('scheduledstart', new Date(Date.UTC(2025, 2, 1, 9))).text,
      'scheduledstart ge 2025-03-01T09:00:00.000Z',
    );
    assert.equal(before('scheduledend', '2025-03-02').text, 'scheduledend lt 2025-03-02');
    assert.throws(() => date('2025-03-01 or 1 eq 1'), ValidationError);
    assert.throws(() => date(new Date('nonsense')), ValidationError);
    assert.throws(
      () => onOrAfter('scheduledstart', '2025-03-01T09:00:00'),
      ValidationError,
      'a date-time needs a zone',
    );
  });

  it('refuses column names that are not names', () => {
    assert.throws(() => eq('fullname eq null or fullname', 'x'), ValidationError);
    assert.throws(() => isNull("a'b"), ValidationError);
    assert.equal(isNull('cre92_senttime').text, 'cre92_senttime eq null');
  });

  it('refuses numbers that OData cannot read', () => {
    assert.throws(() => eq('cre92_attempts', Number.NaN), ValidationError);
    assert.throws(() => eq('cre92_attempts', Number.POSITIVE_INFINITY), ValidationError);
    assert.equal(eq('cre92_attempts', 3).text, 'cre92_attempts eq 3');
  });

  it('parenthesises combined conditions and skips the undefined ones', () => {
    const f = and(eq('statecode', 0), undefined, or(contains('fullname', 'a'), eq('emailaddress1', null)));
    assert.equal(f.text, "(statecode eq 0) and ((contains(fullname,'a')) or (emailaddress1 eq null))");
    assert.equal(not(eq('statecode', 1)).text, 'not (statecode eq 1)');
    assert.equal(oneOf('statuscode', [1, 2]).text, '(statuscode eq 1) or (statuscode eq 2)');
    assert.throws(() => and(undefined), ValidationError);
  });

  it('percent-encodes the filter in the query string so & and # stay inside it', () => {
    const query = buildQuery({ filter: eq('fullname', 'A&B #1+2'), select: ['fullname'], top: 5 });
    assert.equal(query, `$select=fullname&$filter=${encodeURIComponent("fullname eq 'A&B #1+2'")}&$top=5`);
    assert.equal(new URLSearchParams(query).get('$filter'), "fullname eq 'A&B #1+2'");
  });
});
