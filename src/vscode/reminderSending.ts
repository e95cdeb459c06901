// Preview Due Reminders and Send Due Reminders in the editor, over the core's sender: the dry run as a
// read-only document, one question naming the count and the profile, a cancellable progress
// notification whose token is the AbortSignal the sender honours, and a summary after. One send runs
// at a time in this window (the sender's claims keep other windows, the CLI and a worker from sending
// a reminder twice); the pacer lives as long as the signed-in profile, so the timer's sends and
// Send Now share one mailbox rate.
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import { channelsFor, closeTransports, type ChannelSecrets, type Transports } from '../core/channels';
import type { Clock } from '../core/clock';
import type { Profile } from '../core/config';
import { actorOf, type LogHub, type Logger } from '../core/log';
import {
  createMailboxPacer,
  planDueReminders,
  sendDueReminders,
  type MailboxPacer,
  type PlannedMessage,
  type SendReport,
  type SenderDeps,
} from '../core/reminders';
import type { Session } from '../core/sessions';
import { channelsNotSetUp, notSetUpMessage } from './channelSecrets';
import type { EditorConfigSource } from './configSource';
import { confirmAlways } from './confirmEffect';
import type { ReadOnlyDocuments } from './documents';
import type { DataverseClients, ProfileSession } from './profileSession';
import { planDocument, sendQuestion, sendSummary, type PlanLine } from './sendDocuments';
import { sessionItemView } from './sessionItem';

export const DUE_REMINDERS_DOCUMENT = 'Due Reminders.md';

export interface SendRequest {
  /** Only these reminders (Send Now), due or not. */
  reminderIds?: string[];
  /** False only for a profile that opted into automatic sending. */
  ask: boolean;
  /** The question to ask instead of the due count's (Send Now names the client). */
  question?: string;
}

/** What the sender uses of the editor's services (it is one of them, so it names its needs here). */
export interface ReminderSenderServices {
  clock: Clock;
  config: EditorConfigSource;
  documents: ReadOnlyDocuments;
  hub: LogHub;
  log: Logger;
  session: ProfileSession;
  /** The profile's channel secrets (SMS, SMTP, SendGrid), read when a send begins. */
  channelSecrets(profile: Profile): Promise<ChannelSecrets>;
  showLog(): void;
}

export const SET_CHANNEL_SECRET = 'Set Channel Secret…';

/** A dry run shown, or a send finished: `sent` counts the messages that left; `cancelled` when stopped. */
export type ReminderRunFinished = { kind: 'preview' } | { kind: 'send'; sent: number; cancelled: boolean };

export class ReminderSender implements vscode.Disposable {
  private pacer: { profile: string; pacer: MailboxPacer } | undefined;
  private running: Promise<SendReport | undefined> | undefined;
  private readonly finished = new vscode.EventEmitter<ReminderRunFinished>();
  readonly onDidFinish = this.finished.event;

  constructor(private readonly s: ReminderSenderServices) {}

  get isSending(): boolean {
    return this.running !== undefined;
  }

  /** The dry run, shown read-only: every message that would leave now, with totals. */
  async preview(c: DataverseClients): Promise<PlannedMessage[]> {
    const now = new Date(this.s.clock.now());
    const plan = await planDueReminders(this.senderDeps(c), { now });
    const lines = plan.map((m) => planLine(m, this.s.session.sessions.current.data));
    await this.s.documents.show(
      DUE_REMINDERS_DOCUMENT,
      planDocument(lines, { profile: c.profile.name, sendToSelf: c.profile.sendToSelf === true, at: now }),
      'markdown',
    );
    this.finished.fire({ kind: 'preview' });
    return plan;
  }

  /**
   * Sends what is due (or only `reminderIds`, due or not): asks once unless `ask` is false (a profile
   * that opted into automatic sending), then sends with progress and cancellation, then summarises.
   */
  async send(c: DataverseClients, options: SendRequest): Promise<SendReport | undefined> {
    if (this.running) {
      void vscode.window.showInformationMessage('Life Cockpit is already sending reminders in this window.');
      return undefined;
    }
    const run = this.run(c, options).finally(() => {
      this.running = undefined;
    });
    this.running = run;
    return run;
  }

  dispose(): void {
    this.pacer = undefined;
    this.finished.dispose();
  }

  private run(c: DataverseClients, options: SendRequest): Promise<SendReport | undefined> {
    return this.withChannels(c, (deps) => this.runWith(c, options, deps));
  }

  /**
   * Runs `work` with the sender's dependencies for `c`, its channels other than Graph built from the profile's
   * own secrets (a Checkout link's mail uses it too), and closes the channels once `work` is done.
   */
  async withChannels<T>(c: DataverseClients, work: (deps: SenderDeps) => Promise<T>): Promise<T> {
    const transports = channelsFor(c.profile, await this.s.channelSecrets(c.profile), {
      http: c.http,
      clock: this.s.clock,
      log: this.s.hub.logger('business'),
    });
    try {
      return await work(this.senderDeps(c, transports));
    } finally {
      await closeTransports(transports);
    }
  }

  private async runWith(c: DataverseClients, options: SendRequest, deps: SenderDeps): Promise<SendReport | undefined> {
    const profile = c.profile.name;
    let count = options.reminderIds?.length;
    if (count === undefined) {
      const plan = await planDueReminders(deps, { now: new Date(this.s.clock.now()) });
      // Rows left in sending are looked up and finished too, but the question counts what is due.
      count = plan.filter((m) => m.state === 'due').length;
      if (plan.length === 0) {
        void vscode.window.showInformationMessage(`No reminder is due on profile "${profile}".`);
        return undefined;
      }
    }
    if (options.ask) {
      await confirmAlways(options.question ?? sendQuestion(count, profile, c.profile.sendToSelf === true), 'Send');
    }
    let cancelled = false;
    const report = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Life Cockpit: sending reminders (${profile})`,
        cancellable: true,
      },
      async (progress, token) => {
        const abort = new AbortController();
        const onCancel = token.onCancellationRequested(() => {
          cancelled = true;
          abort.abort(new CancelledError('Sending stopped; what was not sent stays due.'));
        });
        // A profile switch or sign-out ends the session whose clients this send uses: stop at the next
        // step (a claimed row is recovered by the next send) rather than go on in the background.
        const onSessionEnd = this.s.session.reminders.onDidChange(() => {
          if (this.s.session.clients?.dataverse === c.dataverse) return;
          cancelled = true;
          abort.abort(new CancelledError('Sending stopped: the profile was switched or signed out.'));
        });
        try {
          return await sendDueReminders(deps, {
            now: new Date(this.s.clock.now()),
            signal: abort.signal,
            ...(options.reminderIds ? { reminderIds: options.reminderIds } : {}),
            onProgress: (p) =>
              progress.report({ increment: 100 / Math.max(p.total, 1), message: `${p.done} of ${p.total}` }),
          });
        } finally {
          onCancel.dispose();
          onSessionEnd.dispose();
        }
      },
    );
    this.s.log.info('reminders sent', {
      profile,
      total: report.total,
      sent: report.sent,
      submitted: report.submitted,
      failed: report.failed,
      retryLater: report.retryLater,
      cancelled,
    });
    this.finished.fire({ kind: 'send', sent: report.sent + report.submitted, cancelled });
    // The views show the rows' new states (and the badge its new count) before the summary is read.
    await this.s.session.refresh();
    const summary = sendSummary(report, profile, cancelled);
    const notSetUp = channelsNotSetUp(report.items, profile);
    if (notSetUp.length > 0) {
      const skipped = report.items.filter((i) => i.outcome === 'skipped').length;
      const choice = await vscode.window.showWarningMessage(
        `${summary} ${notSetUpMessage(notSetUp, skipped, profile)}`,
        SET_CHANNEL_SECRET,
        'Show Log',
      );
      if (choice === SET_CHANNEL_SECRET)
        await vscode.commands.executeCommand('lifeCockpit.setChannelSecret', notSetUp[0]);
      else if (choice) this.s.showLog();
    } else if (report.failed > 0) {
      const choice = await vscode.window.showWarningMessage(summary, 'Show Log');
      if (choice) this.s.showLog();
    } else void vscode.window.showInformationMessage(summary);
    return report;
  }

  /**
   * The exactly-once sender's dependencies for the signed-in profile (its pacer shared with every send), with
   * the channels other than Graph when given (a send builds them from the profile's secrets).
   */
  senderDeps(c: DataverseClients, transports?: Transports): SenderDeps {
    const settings = this.s.config.loaded.config.reminders;
    const identity = c.identity;
    return {
      dataverse: c.dataverse,
      graph: c.graph,
      tables: c.tables,
      clock: this.s.clock,
      log: this.s.hub.logger('business'),
      profile: c.profile,
      settings: {
        perMinute: settings.perMinute,
        concurrency: settings.concurrency,
        maxAttempts: settings.maxAttempts,
        submittedDraftGraceMs: settings.submittedDraftGraceSeconds * 1000,
      },
      pacer: this.pacerFor(c.profile.name, settings),
      audit: this.s.hub.audit(),
      actor: actorOf(identity),
      ...(transports ? { transports } : {}),
    };
  }

  private pacerFor(profile: string, settings: { perMinute: number; concurrency: number }): MailboxPacer {
    if (this.pacer?.profile !== profile)
      this.pacer = { profile, pacer: createMailboxPacer({ clock: this.s.clock, ...settings }) };
    return this.pacer.pacer;
  }
}

/** A planned message as the dry-run document lists it, the session named as the Sessions view does. */
export function planLine(m: PlannedMessage, sessions: readonly Session[] | undefined): PlanLine {
  const session = m.sessionId ? sessions?.find((s) => s.id === m.sessionId) : undefined;
  const view = session ? sessionItemView(session) : undefined;
  return {
    reminderId: m.reminderId,
    recipient: m.recipient,
    subject: m.subject,
    body: m.body,
    mailbox: m.mailbox,
    channel: m.channel,
    session: view ? `${view.label} · ${view.description}` : m.sessionId,
    recovering: m.state === 'recovering',
  };
}
