// Preview Template: pick a reminder or follow-up template (the workspace's over the shipped ones),
// render it with the next real session, and show subject and body read-only. A template naming a
// missing variable shows its typed error (file and line), exactly as sending would meet it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import { defaultTemplates, loadTemplates, renderMessage, WORKSPACE_TEMPLATES_FOLDER } from '../core/reminders';
import type { EditorServices } from './services';
import { previewInput, sampleSession, templateChoices, templatePreviewDocument } from './templatePreview';

export async function previewTemplate(s: EditorServices): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const templates = folder ? await loadTemplates(path.join(folder, WORKSPACE_TEMPLATES_FOLDER)) : defaultTemplates();
  const choices = templateChoices(templates);
  const pick = await vscode.window.showQuickPick(
    choices.map((choice) => ({
      label: choice.file,
      description: `${choice.kind === 'followUp' ? 'follow-up' : 'reminder'}${choice.language ? ` · ${choice.language}` : ''}`,
      detail: choice.origin,
      choice,
    })),
    { title: 'Life Cockpit: Preview Template', placeHolder: 'The template to render with the next session' },
  );
  if (!pick) throw new CancelledError();
  const now = new Date(s.clock.now());
  const session = sampleSession(s.session.sessions.current.data, now);
  const profile = s.session.clients?.profile;
  const input = previewInput(pick.choice, session, {
    name: profile?.mailbox ?? profile?.name ?? 'Practitioner',
    email: profile?.mailbox,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  });
  const rendered = await renderMessage(input, templates);
  await s.documents.show(
    `Template ${pick.choice.file}.md`,
    templatePreviewDocument(pick.choice, input, rendered),
    'markdown',
  );
}
