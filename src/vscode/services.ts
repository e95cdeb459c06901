// What every command factory and view receives: the services extension.ts built once.
import type * as vscode from 'vscode';
import type { AuthService } from '../core/auth';
import type { Profile } from '../core/config';
import type { TableMapping } from '../core/practice';
import type { HttpClient } from '../core/http';
import type { LogHub, Logger } from '../core/log';
import type { Reminder } from '../core/reminders';
import type { RowSource, Session } from '../core/sessions';
import type { DataStore } from '../core/store';
import type { DataverseClient, WhoAmI } from '../core/dataverse';
import type { DataverseTree } from './dataverseExplorer';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { EditorConfigSource } from './configSource';
import type { ReadOnlyDocuments } from './documents';
import type { SandboxLauncher } from './sandboxLauncher';

/** Clients for the signed-in profile, built on demand (they need a signed-in AuthService). */
export interface ProfileClients {
  profile: Profile;
  http: HttpClient;
  graph: Client;
  rows: RowSource | undefined;
  dataverse: DataverseClient | undefined;
  whoAmI: (() => Promise<WhoAmI>) | undefined;
  tables: TableMapping;
}

export interface EditorServices {
  context: vscode.ExtensionContext;
  hub: LogHub;
  log: Logger;
  config: EditorConfigSource;
  auth: AuthService;
  sandbox: SandboxLauncher;
  documents: ReadOnlyDocuments;
  sessions: DataStore<Session[]>;
  dataverseTree: DataverseTree;
  reminders: DataStore<Reminder[]>;
  /** Throws AuthenticationError when signed out. */
  clients(): ProfileClients;
  refreshAll(): Promise<void>;
  /** Records the profile a sign-in just connected, so the settings write it causes does not restart sign-in. */
  markProfileCurrent(profile: Profile): void;
  showLog(): void;
}
