// The three views, each a tree reading the session's stores, and the status-bar item of sign-in.
import * as vscode from 'vscode';
import type { AuthService } from '../core/auth';
import { AuthStatusBar } from './authStatusBar';
import type { EditorConfigSource } from './configSource';
import { DataverseTree } from './dataverseExplorer';
import { PaymentStatusBar } from './paymentStatusBar';
import type { ProfileSession } from './profileSession';
import { RemindersTree } from './remindersTree';
import { SessionsTree } from './sessionsTree';

export interface RegisteredViews {
  disposables: vscode.Disposable[];
  reminders: RemindersTree;
  sessionsView: vscode.TreeView<unknown>;
}

export function registerViews(
  session: ProfileSession,
  auth: AuthService,
  config?: EditorConfigSource,
): RegisteredViews {
  const sessionsTree = new SessionsTree(
    session.sessions,
    undefined,
    () => config?.loaded.config.payments.currency ?? 'eur',
  );
  const sessionsView = vscode.window.createTreeView('lifeCockpit.sessions', {
    treeDataProvider: sessionsTree,
    showCollapseAll: true,
  });
  const remindersTree = new RemindersTree(session.reminders, undefined, () => session.clients?.profile.mailChannel);
  const dataverseTree = new DataverseTree(session);
  const remindersView = vscode.window.createTreeView('lifeCockpit.reminders', {
    treeDataProvider: remindersTree,
    showCollapseAll: true,
  });
  remindersTree.attach(remindersView);
  const dataverseView = vscode.window.createTreeView('lifeCockpit.dataverse', {
    treeDataProvider: dataverseTree,
    showCollapseAll: true,
  });
  dataverseTree.attach(dataverseView);
  const disposables = [
    sessionsTree,
    sessionsView,
    remindersTree,
    remindersView,
    dataverseTree,
    dataverseView,
    new AuthStatusBar(auth),
    new PaymentStatusBar(auth, sessionsView),
  ];
  return { disposables, reminders: remindersTree, sessionsView };
}
