// A reminder row names its client, its kind and time; a failed one shows its error in the row itself;
// a due one carries the context value that offers Send Now.
import { strict as assert } from 'node:assert';
import { reminderItemView } from '../../../src/vscode/reminderItem';
import { aReminder } from '../../builders/sessionBuilder';

const now = new Date('2026-11-25T12:00:00Z');
const utc = { locale: 'en-GB', timeZone: 'UTC' };

describe('reminderItemView', () => {
  it('shows a failed reminder with its error, on one line', () => {
    const r = aReminder().failed('Graph said 550:\n mailbox unavailable').build();
    const view = reminderItemView(r, now, utc);
    assert.equal(view.contextValue, 'reminder.failed');
    assert.match(view.description, /^reminder · 25 Nov, 09:00 · failed: Graph said 550: mailbox unavailable$/);
    assert.equal(view.icon, 'error');
  });

  it('marks an approved reminder due once its time has come, and only then', () => {
    const due = aReminder().approved().at('2026-11-25T11:59:00Z').build();
    const later = aReminder().approved().at('2026-11-25T12:01:00Z').build();
    assert.equal(reminderItemView(due, now, utc).contextValue, 'reminder.approved.due');
    assert.equal(reminderItemView(later, now, utc).contextValue, 'reminder.approved');
    assert.equal(reminderItemView(aReminder().build(), now, utc).contextValue, 'reminder.draft');
  });

  it('names the client, else the address', () => {
    const r = { ...aReminder().build(), clientName: undefined };
    assert.equal(reminderItemView(r, now, utc).label, 'alex@example.test');
  });

  it('cuts a long error short in the row and keeps it whole in the tooltip', () => {
    const error = 'x'.repeat(500);
    const view = reminderItemView(aReminder().failed(error).build(), now, utc);
    assert.ok(view.description.length < 200);
    assert.ok(view.tooltip.includes(error));
  });
});
