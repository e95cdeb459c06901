// Which reminders became due since the editor last looked: the timer offers Preview and Send once per
// reminder, not on every tick, and again only for reminders it has not offered yet. Plain logic, no
// vscode import.
import { groupReminders, type Reminder } from '../core/reminders';

export class NewlyDue {
  private offered = new Set<string>();

  /** Due reminders not offered before; they count as offered from now on. */
  notice(reminders: readonly Reminder[] | undefined, now: Date): Reminder[] {
    if (!reminders) return [];
    const due = groupReminders(reminders, now).dueNow;
    const fresh = due.filter((r) => !this.offered.has(r.id));
    // Forget what is no longer due (sent, skipped): should it come back (a retry), it is offered again.
    this.offered = new Set(due.map((r) => r.id));
    return fresh;
  }

  /** A profile switch or sign-out: the next profile's due reminders are all new. */
  reset(): void {
    this.offered.clear();
  }
}
