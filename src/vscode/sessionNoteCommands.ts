// Add Session Note: a Markdown draft from the session note template opens in an editor; saving writes it
// to the session as a Dataverse note. A failed save keeps the text in the editor (the save throws); a
// second save of the same text is recognised and writes nothing new. Import From Calendar: the profile
// mailbox's Outlook events with the chosen category become sessions, once, with a report of what matched.
import * as vscode from 'vscode';
import { dataverseRecordUrl } from '../core/dataverse';
import { AuthenticationError, ValidationError } from '../core/errors';
import { importSessionsFromCalendar } from '../core/booking';
import { addSessionNote, sessionNoteDraft, type CalendarImportReport } from '../core/sessions';
import { confirmEffect } from './confirmEffect';
import type { DataverseClients, SignedInClients } from './profileSession';
import type { EditorServices } from './services';
import { sessionActionDeps, sessionOf, workspaceTemplates } from './sessionCommands';

export async function addSessionNoteCommand(s: EditorServices, c: DataverseClients, node: unknown): Promise<void> {
  const session = sessionOf(node);
  if (!session)
    throw new ValidationError('Pick a session in the Sessions view to add a note to it.', {
      code: 'sessions.noneChosen',
    });
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const draft = await sessionNoteDraft(session, await workspaceTemplates(), {
    timeZone,
    practitionerName: c.identity.userName ?? c.profile.mailbox ?? c.profile.name,
  });
  const profile = c.profile.name;
  const who = session.clientName ?? session.subject;
  const day = session.start.toISOString().slice(0, 10);
  await s.editable.open(
    `/note/${session.id}/Note ${who.replace(/[/\\]/g, '-')} ${day}.md`,
    draft,
    async (text) => {
      const current = s.session.clients;
      if (current?.profile.name !== profile || !current.dataverse)
        throw new AuthenticationError(
          `This note belongs to a session of profile "${profile}", which is no longer signed in here. Switch back to it and save again; your text stays in the editor.`,
          { code: 'notes.profileGone' },
        );
      await confirmEffect(current.profile, `Add this note to ${who}'s session`);
      const saved = await addSessionNote({ dataverse: current.dataverse, tables: current.tables }, session.id, text);
      s.log.info('session note saved', {
        sessionId: session.id,
        noteId: saved.noteId,
        alreadySaved: saved.alreadySaved,
      });
      void s.session.refresh();
      void vscode.window.showInformationMessage(
        saved.alreadySaved
          ? `This note is already on ${who}'s session (profile "${profile}"): nothing new was written.`
          : `Note saved to ${who}'s session on profile "${profile}". Saving changed text again adds it as another note.`,
      );
    },
    'markdown',
  );
}

export async function openSessionInDataverse(c: SignedInClients, node: unknown): Promise<void> {
  const session = sessionOf(node);
  const url = c.profile.dataverseUrl;
  if (!session) return;
  if (!url) throw new ValidationError('This profile has no Dataverse environment URL.', { code: 'config.noDataverse' });
  await vscode.env.openExternal(vscode.Uri.parse(dataverseRecordUrl(url, c.tables.session.logicalName, session.id)));
}

const CATEGORY_KEY = 'lifeCockpit.calendarCategory';
const DAY = 86_400_000;

export async function importFromCalendarCommand(s: EditorServices, c: DataverseClients): Promise<void> {
  const mailbox = c.profile.mailbox;
  if (!mailbox)
    throw new ValidationError(
      `Profile "${c.profile.name}" names no mailbox, so there is no calendar to import from. Set its mailbox.`,
      {
        code: 'calendar.noMailbox',
      },
    );
  const category = await vscode.window.showInputBox({
    title: 'Import From Calendar (1/2): category',
    prompt: `The Outlook category that marks client sessions in ${mailbox}'s calendar`,
    value: s.context.workspaceState.get<string>(CATEGORY_KEY) ?? 'Client session',
    validateInput: (v) => (v.trim() ? undefined : 'A category, please.'),
    ignoreFocusOut: true,
  });
  if (category === undefined) return;
  const range = await vscode.window.showQuickPick(
    [
      { label: 'Next 7 days', back: 0, ahead: 7 },
      { label: 'Next 30 days', back: 0, ahead: 30 },
      { label: 'Past 7 days and next 30', back: 7, ahead: 30 },
      { label: 'Past 30 days', back: 30, ahead: 0 },
    ],
    { title: 'Import From Calendar (2/2): range', ignoreFocusOut: true },
  );
  if (!range) return;
  await s.context.workspaceState.update(CATEGORY_KEY, category.trim());
  const now = s.clock.now();
  const from = new Date(now - range.back * DAY);
  const to = new Date(now + Math.max(range.ahead, 1) * DAY);
  await confirmEffect(
    c.profile,
    `Create sessions from ${mailbox}'s events marked "${category.trim()}" (${range.label.toLowerCase()})`,
  );
  const deps = await sessionActionDeps(s, c);
  const report = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Life Cockpit: importing from ${mailbox}'s calendar (${c.profile.name})`,
      cancellable: true,
    },
    (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return importSessionsFromCalendar(
        { ...deps, dataverse: c.dataverse, graph: c.graph },
        { mailbox, from, to, category: category.trim(), signal: abort.signal },
      );
    },
  );
  await s.session.refresh();
  if (report.unmatched.length > 0)
    await s.documents.show('Calendar Import.md', importReportDocument(report, c.profile.name), 'markdown');
  void vscode.window.showInformationMessage(
    `Imported from ${mailbox}'s calendar on profile "${c.profile.name}": ${report.created.length} new session(s) with ${report.created.reduce((n, e) => n + e.messages, 0)} reminder(s), ${report.alreadyImported.length} already there, ${report.unmatched.length} not matched to one client.`,
  );
}

export function importReportDocument(report: CalendarImportReport, profile: string): string {
  const reasons = {
    noAttendee: 'no attendee',
    noClient: 'no client with these addresses',
    severalClients: 'several clients match',
  };
  return [
    `# Calendar import (${profile})`,
    '',
    `- Events with the category: ${report.considered}`,
    `- New sessions: ${report.created.length}`,
    `- Already imported: ${report.alreadyImported.length}`,
    `- Not imported (no single client): ${report.unmatched.length}`,
    '',
    ...(report.unmatched.length ? ['## Not imported', ''] : []),
    ...report.unmatched.map(
      (u) =>
        `- ${u.start.toISOString()} ${u.subject.replace(/\s+/g, ' ')}: ${reasons[u.reason]}${u.attendees.length ? ` (${u.attendees.join(', ')})` : ''}`,
    ),
    '',
  ].join('\n');
}
