// What `lc reminders plan` shows people of a message, and how the crash hook of the reliability tests is
// read: only from LC_TEST_CRASH_AT, only its named points.
import { strict as assert } from 'node:assert';
import { crashHookFromEnvironment, readableBody } from '../../../src/cli/commands/reminderSending';
import { ValidationError } from '../../../src/core/errors';

describe('lc reminders plan: bodies for people', () => {
  it('shows a template’s HTML body as its text: paragraphs, line breaks and escaped values', () => {
    const html =
      '<p>Hello Anna &amp; Bob,</p>\n<p>Your session is in Room &lt;2&gt;.</p>\n<p>Kind regards,<br>Dr. Morgan</p>';
    assert.equal(readableBody(html), 'Hello Anna & Bob,\n\nYour session is in Room <2>.\n\nKind regards,\nDr. Morgan');
  });

  it('shows a plain-text body as it is, angle brackets and all', () => {
    const text = 'Hallo Katharina,\n\nbis <morgen> & gute Nacht';
    assert.equal(readableBody(text), text);
  });
});

describe('lc reminders send: the crash hook', () => {
  it('has no hook without LC_TEST_CRASH_AT', () => {
    assert.deepEqual(crashHookFromEnvironment({}), {});
    assert.deepEqual(crashHookFromEnvironment({ LC_TEST_CRASH_AT: '' }), {});
  });

  it('refuses a point the sender does not name, listing those it does', () => {
    assert.throws(
      () => crashHookFromEnvironment({ LC_TEST_CRASH_AT: 'afterLunch' }),
      (error: unknown) => error instanceof ValidationError && /afterClaim, afterDraft/.test(error.message),
    );
  });

  it('ignores the other points', () => {
    const { crashAt } = crashHookFromEnvironment({ LC_TEST_CRASH_AT: 'afterSend' });
    assert.ok(crashAt);
    crashAt('afterClaim'); // would end the test process were it the named point
  });
});
