// While the editor is open, a light timer notices reminders that have newly fallen due: it redraws the
// Reminders view (its Due Now badge moves with the clock, not only with a refresh) and offers Preview
// and Send once per reminder. A profile that opted into automatic sending (`autoSend`) sends instead
// of asking. A profile switch or sign-out starts afresh.
import * as vscode from 'vscode';
import type { Reminder } from '../core/reminders';
import type { DataStore } from '../core/store';
import { Disposable } from './lifecycle';
import { NewlyDue } from './newlyDue';

const TICK_MS = 60_000;

export interface DueReminderTimerDeps {
  reminders: DataStore<Reminder[]>;
  now(): Date;
  /** The signed-in profile's name and whether it sends on its own; undefined while signed out. */
  profile(): { name: string; autoSend: boolean } | undefined;
  /** Redraws the Reminders view and its badge. */
  redraw(): void;
  /** Whether a send is under way in this window (then nothing is offered). */
  sending(): boolean;
  preview(): Thenable<unknown>;
  /** Sends what is due; `ask` false when the profile sends on its own. */
  send(ask: boolean): Thenable<unknown>;
}

export class DueReminderTimer extends Disposable {
  private readonly newlyDue = new NewlyDue();

  constructor(private readonly deps: DueReminderTimerDeps) {
    super();
    const timer = setInterval(() => void this.check(), TICK_MS);
    this.register({ dispose: () => clearInterval(timer) });
    this.register(
      deps.reminders.onDidChange((snapshot) => {
        if (!snapshot.data && !snapshot.loading) this.newlyDue.reset();
        else if (!snapshot.loading) void this.check();
      }),
    );
  }

  /** Looks once: called on every tick and whenever the reminders change. */
  async check(): Promise<void> {
    this.deps.redraw();
    const profile = this.deps.profile();
    if (!profile || this.deps.sending()) return;
    const fresh = this.newlyDue.notice(this.deps.reminders.current.data, this.deps.now());
    if (fresh.length === 0) return;
    if (profile.autoSend) {
      await this.deps.send(false);
      return;
    }
    const due = fresh.length === 1 ? '1 reminder is' : `${fresh.length} reminders are`;
    const choice = await vscode.window.showInformationMessage(
      `${due} now due on profile "${profile.name}".`,
      'Preview',
      'Send',
    );
    if (choice === 'Preview') await this.deps.preview();
    else if (choice === 'Send') await this.deps.send(true);
  }
}
