// The timer offers newly due reminders once, naming the profile; a profile with autoSend sends without
// asking; nothing is offered while a send runs or while signed out; a profile switch starts afresh.
import { strict as assert } from 'node:assert';
import type { Reminder } from '../../../src/core/reminders';
import { DataStore } from '../../../src/core/store';
import type * as TimerModule from '../../../src/vscode/dueReminderTimer';
import { FakeClock } from '../../builders/fakeClock';
import { aReminder } from '../../builders/sessionBuilder';
import { loadWithVscode, recordingWindow } from './vscodeStandIn';

const NOW = Date.parse('2026-11-25T12:00:00Z');

function setup(options: { autoSend?: boolean; answers?: Array<string | undefined>; signedIn?: boolean } = {}) {
  const ui = recordingWindow(options.answers ?? []);
  const { DueReminderTimer } = loadWithVscode<typeof TimerModule>('../../../src/vscode/dueReminderTimer', {
    window: ui.window,
  });
  const store = new DataStore<Reminder[]>(new FakeClock(true, NOW));
  const calls: string[] = [];
  let sending = false;
  const timer = new DueReminderTimer({
    reminders: store,
    now: () => new Date(NOW),
    profile: () => (options.signedIn === false ? undefined : { name: 'practice', autoSend: options.autoSend === true }),
    redraw: () => calls.push('redraw'),
    sending: () => sending,
    preview: async () => calls.push('preview'),
    send: async (ask) => calls.push(ask ? 'send (asking)' : 'send (no question)'),
  });
  const load = (reminders: Reminder[]) => store.refresh(async () => reminders);
  return { ui, store, calls, timer, load, setSending: (v: boolean) => (sending = v) };
}

const due = () => aReminder().approved().at('2026-11-25T11:59:00Z').build();

describe('DueReminderTimer', () => {
  it('offers Preview and Send once for newly due reminders, naming the profile', async () => {
    const t = setup({ answers: ['Send'] });
    await t.load([due(), due()]);
    await t.timer.check();
    assert.deepEqual(t.ui.shown, ['2 reminders are now due on profile "practice".']);
    assert.ok(t.calls.includes('send (asking)'), 'Send asks its one question');
    await t.timer.check();
    assert.equal(t.ui.shown.length, 1, 'not offered again on the next tick');
    t.timer.dispose();
  });

  it('sends without asking when the profile opted into automatic sending', async () => {
    const t = setup({ autoSend: true });
    await t.load([due()]);
    await t.timer.check();
    assert.deepEqual(t.ui.shown, []);
    assert.ok(t.calls.includes('send (no question)'));
    t.timer.dispose();
  });

  it('offers nothing while a send runs or while signed out, and redraws the badge on every tick', async () => {
    const busy = setup();
    busy.setSending(true);
    await busy.load([due()]);
    await busy.timer.check();
    assert.deepEqual(busy.ui.shown, []);
    assert.ok(busy.calls.includes('redraw'));
    busy.timer.dispose();
    const out = setup({ signedIn: false });
    await out.load([due()]);
    await out.timer.check();
    assert.deepEqual(out.ui.shown, []);
    out.timer.dispose();
  });

  it('offers the next profile’s due reminders afresh after a switch', async () => {
    const t = setup({ answers: [undefined, undefined] });
    const r = due();
    await t.load([r]);
    await t.timer.check();
    t.store.clear(); // the profile session ended
    await t.load([r]);
    await t.timer.check();
    assert.equal(t.ui.shown.length, 2);
    t.timer.dispose();
  });
});
