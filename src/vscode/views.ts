// The three views, each a tree reading the session's stores, and the status-bar item of sign-in.
import * as vscode from 'vscode';
import type { AuthService } from '../core/auth';
import { AuthStatusBar } from './authStatusBar';
import { DataverseTree } from './dataverseExplorer';
import type { ProfileSession } from './profileSession';
import { RemindersTree } from './remindersTree';
import { SessionsTree } from './sessionsTree';

export interface RegisteredViews {
  disposables: vscode.Disposable[];
  reminders: RemindersTree;
}

export function registerViews(session: ProfileSession, auth: AuthService): RegisteredViews {
  const sessionsTree = new SessionsTree(session.sessions);
  const remindersTree = new RemindersTree(session.reminders);
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
    vscode.window.createTreeView('lifeCockpit.sessions', { treeDataProvider: sessionsTree, showCollapseAll: true }),
    remindersTree,
    remindersView,
    dataverseTree,
    dataverseView,
    new AuthStatusBar(auth),
  ];
  return { disposables, reminders: remindersTree };
}
