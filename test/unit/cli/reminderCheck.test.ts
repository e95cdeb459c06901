// How `lc reminders send-again` reads the end of its send: the report's item for the reminder (none when the run
// did not load it) and the row as it is afterwards. Sent or in the Outbox is success; another run that claimed it
// between the approval and this send is success too (that run sends it, once); anything else is an error whose
// exit code says what happens next: 13 when it failed or went back to Needs a Check, 12 when the next send takes it.
import { strict as assert } from 'node:assert';
import { sendAgainOutcome } from '../../../src/cli/commands/reminderCheck';
import { exitCodeFor } from '../../../src/core/errors';
import type { Reminder, SendReportItem } from '../../../src/core/reminders';

const ID = '5f0c2a4e-8d1b-4c3a-9e7f-2b6d1a0c9e11';

function row(status: Reminder['status']): Reminder {
  return {
    id: ID,
    kind: 'reminder',
    status,
    clientName: 'Anna Berg',
    email: 'anna@example.com',
    subject: 'Your session tomorrow',
    scheduledTime: new Date('2026-12-02T09:00:00Z'),
    sentTime: undefined,
    attempts: 0,
    lastError: undefined,
    sessionId: undefined,
  };
}

function item(outcome: SendReportItem['outcome'], error?: string): SendReportItem {
  return { reminderId: ID, recipient: 'anna@example.com', subject: 'Your session tomorrow', outcome, error };
}

function exitOf(run: () => unknown): number {
  try {
    run();
  } catch (error) {
    return exitCodeFor(error);
  }
  assert.fail('expected an error');
}

describe('lc reminders send-again: how its send ended', () => {
  it('is sent, or submitted (in the Outbox), when this run got it out', () => {
    assert.equal(sendAgainOutcome(item('sent'), row('sent')), 'sent');
    assert.equal(sendAgainOutcome(item('submitted'), row('sending')), 'submitted');
  });

  it('is taken by another sender when another run claimed it between the approval and this send', () => {
    assert.equal(sendAgainOutcome(undefined, row('sending')), 'takenByAnotherSender');
    assert.equal(sendAgainOutcome(undefined, row('sent')), 'takenByAnotherSender');
    assert.equal(
      sendAgainOutcome(item('skipped', 'Another sender is working on it.'), row('sending')),
      'takenByAnotherSender',
    );
  });

  it('is not "taken by another" when this run left its own claim (Dataverse failed after the claim): 12', () => {
    assert.equal(
      exitOf(() => sendAgainOutcome(item('retryLater', 'Dataverse is unavailable.'), row('sending'))),
      12,
    );
  });

  it('exits 13 when the channel refused it or its answer was lost again, saying what it is now', () => {
    assert.equal(
      exitOf(() => sendAgainOutcome(item('failed', 'The address was rejected.'), row('failed'))),
      13,
    );
    assert.throws(
      () => sendAgainOutcome(item('skipped', 'SendGrid mail was given this message…'), row('needsCheck')),
      /approved again but not sent: SendGrid mail was given this message… It is now waiting for a check\./,
    );
  });

  it('exits 12 when it stays approved for the next lc reminders send, and says so', () => {
    assert.throws(
      () => sendAgainOutcome(item('retryLater', 'SendGrid answered 503.'), row('approved')),
      (error: Error) => exitCodeFor(error) === 12 && /the next `lc reminders send` sends it, once/.test(error.message),
    );
    assert.equal(
      exitOf(() => sendAgainOutcome(undefined, row('approved'))),
      12,
    );
  });
});
