// A session row says who and when in the practitioner's own time, its status by icon, its payment in
// words, and carries a context value the menus match; client data never turns into Markdown.
import { strict as assert } from 'node:assert';
import { sessionItemView } from '../../../src/vscode/sessionItem';
import { aSession } from '../../builders/sessionBuilder';

const berlin = { locale: 'en-GB', timeZone: 'Europe/Berlin' };

describe('sessionItemView', () => {
  it('labels a session with its client and describes it with the local time and payment', () => {
    const s = aSession().at('2026-11-25T10:00:00Z').attended().unpaid().build();
    const view = sessionItemView(s, berlin);
    assert.equal(view.label, 'Alex Morgan');
    assert.match(view.description, /^Wed 25 Nov, 11:00/, 'Berlin is UTC+1 in November');
    assert.match(view.description, /unpaid 90\.00$/);
    assert.equal(view.icon, 'pass');
  });

  it('derives the context value from status and payment, as the menus expect', () => {
    assert.equal(sessionItemView(aSession().build(), berlin).contextValue, 'session.scheduled.none');
    assert.equal(sessionItemView(aSession().attended().paid().build(), berlin).contextValue, 'session.attended.paid');
    assert.equal(sessionItemView(aSession().canceled().build(), berlin).contextValue, 'session.canceled.none');
  });

  it('says why a session needs attention', () => {
    const view = sessionItemView(aSession().build(), { ...berlin, reasons: ['stillScheduled'] });
    assert.match(view.description, /still scheduled/);
    assert.match(view.tooltip, /mark it attended or a no-show/);
    const both = sessionItemView(aSession().attended().unpaid().build(), { ...berlin, reasons: ['unpaid', 'noNote'] });
    assert.match(both.description, /no note · unpaid 90\.00$/);
    assert.match(both.tooltip, /Attended and not paid/);
    assert.match(both.tooltip, /without a note/);
  });

  it('keeps a hostile client name from turning into a link or markup in the tooltip', () => {
    const s = { ...aSession().build(), clientName: '[click](command:lifeCockpit.signOut) **x**' };
    const view = sessionItemView(s, berlin);
    assert.doesNotMatch(view.tooltip, /\[click\]\(command:/);
    assert.match(view.tooltip, /\\\[click\\\]\\\(command:lifeCockpit\\\.signOut\\\)/);
    assert.equal(view.label, s.clientName, 'the label is plain text and shows the name as it is');
  });

  it('falls back to the subject when the client is unknown', () => {
    const s = { ...aSession().build(), clientName: undefined, subject: 'Intake' };
    assert.equal(sessionItemView(s, berlin).label, 'Intake');
  });
});
