// The signed-in profile session: which profile the workspace follows, its clients once signed in, the
// stores the views read, their refresh (on sign-in, on demand and every five minutes), and what ends
// with the session. Switching profile or signing out ends it: the stores are cleared, loads under way
// are aborted and refused, and the next profile's loads start afresh.
import * as vscode from 'vscode';
import type { AuthService, AuthState, Credential, SignedInIdentity } from '../core/auth';
import { systemClock, type Clock } from '../core/clock';
import { connect, type ProfileClients, type ProfileHttpClients } from '../core/clients';
import type { Profile } from '../core/config';
import type { DataverseClient, TableInfo, TableSummary } from '../core/dataverse';
import { AuthenticationError, CancelledError, ValidationError } from '../core/errors';
import type { LogHub, Logger } from '../core/log';
import { resolveTables, type TableMapping } from '../core/practice';
import { loadReminders, type Reminder } from '../core/reminders';
import { DASHBOARD_SESSION_WINDOW, sessionsLoader, type Session } from '../core/sessions';
import { DataStore } from '../core/store';
import type { EditorConfigSource } from './configSource';
import { Disposable } from './lifecycle';

/** The sessions store reads back far enough for the dashboard; the Sessions view keeps to its 30 days. */
const loadSessions = sessionsLoader(DASHBOARD_SESSION_WINDOW);

/** How often the views refresh on their own. */
const REFRESH_EVERY_MS = 5 * 60_000;

/** A signed-in profile's clients, as commands that need a signed-in profile receive them. */
export interface SignedInClients extends ProfileClients {
  readonly identity: SignedInIdentity;
  readonly tables: TableMapping;
}

/** The same, for commands that need the profile's Dataverse environment. */
export interface DataverseClients extends SignedInClients {
  readonly dataverse: DataverseClient;
}

export interface ProfileSessionDeps {
  auth: AuthService;
  https: ProfileHttpClients;
  hub: LogHub;
  config: EditorConfigSource;
  /** Drives the light timer too, so a test moves time instead of waiting five minutes. */
  clock?: Clock;
  /** Builds a signed-in profile's clients (the core's connect; a test gives its own). */
  connect?: typeof connect;
}

export class ProfileSession extends Disposable {
  readonly sessions: DataStore<Session[]>;
  readonly reminders: DataStore<Reminder[]>;
  /** The Dataverse tables; a table's columns are loaded when the tree expands it (loadColumns). */
  readonly tables: DataStore<TableSummary[]>;
  private readonly clock: Clock;
  private readonly columnStores = new Map<string, { store: DataStore<TableInfo>; listener: { dispose(): void } }>();
  private readonly columnsEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeColumns = this.columnsEmitter.event;
  private readonly log: Logger;
  private signedIn: SignedInClients | undefined;
  /** The profile this session follows, as JSON: an unchanged profile keeps its sign-in. */
  private followed: string | undefined;
  /** Bumped whenever the session ends, so work begun for an older one stops at its next step. */
  private epoch = 0;

  constructor(private readonly deps: ProfileSessionDeps) {
    super();
    this.clock = deps.clock ?? systemClock;
    this.sessions = new DataStore(this.clock);
    this.reminders = new DataStore(this.clock);
    this.tables = new DataStore(this.clock);
    this.log = deps.hub.logger('business');
    this.register(deps.config.onDidChange((next) => void this.follow(next.activeProfile)));
    this.register(deps.auth.onDidChangeState((state) => this.onAuthState(state)));
    const timer = new AbortController();
    void this.refreshEvery(REFRESH_EVERY_MS, timer.signal);
    this.register({ dispose: () => timer.abort() });
    this.register({ dispose: () => this.end() });
    void vscode.commands.executeCommand('setContext', 'lifeCockpit.signedIn', false);
  }

  /** The signed-in profile's clients; undefined while signed out or signing in. */
  get clients(): SignedInClients | undefined {
    return this.signedIn;
  }

  requireClients(): SignedInClients {
    if (!this.signedIn) throw new AuthenticationError('Sign in first.', { code: 'auth.signedOut' });
    return this.signedIn;
  }

  requireDataverse(): DataverseClients {
    const clients = this.requireClients();
    const { dataverse } = clients;
    if (!dataverse)
      throw new ValidationError('This profile has no Dataverse environment URL.', { code: 'config.noDataverse' });
    return { ...clients, dataverse };
  }

  /** Follows the workspace's active profile (at start, after a switch or a settings edit). */
  async follow(profile: Profile | undefined): Promise<void> {
    const json = JSON.stringify(profile ?? null);
    if (json === this.followed) return;
    this.followed = json;
    const epoch = this.end();
    await this.deps.auth.restore(profile);
    if (!(await this.begin(epoch))) return;
    await this.refresh();
  }

  /** Signs in to `profile` and makes it the session's; the caller refreshes when it is ready to. */
  async signIn(profile: Profile, credential: Credential): Promise<void> {
    // Saving the profile rewrites settings; following that change must not sign in again.
    this.followed = JSON.stringify(profile);
    const epoch = this.end();
    await this.deps.auth.signIn(profile, credential);
    await this.begin(epoch);
  }

  async signOut(profileName: string): Promise<void> {
    this.end();
    await this.deps.auth.signOut(profileName);
  }

  /** Reloads sessions, reminders and tables for the signed-in profile; results of an ended session are refused. */
  async refresh(): Promise<void> {
    const clients = this.signedIn;
    const rows = clients?.dataverse;
    if (!clients || !rows) return;
    const now = this.now();
    await Promise.all([
      this.sessions.refresh((signal) => loadSessions(rows, clients.tables, now, signal)),
      this.reminders.refresh((signal) => loadReminders(rows, clients.tables, now, signal)),
      this.refreshTables(),
    ]);
    if (clients !== this.signedIn) return; // switched or signed out meanwhile: nothing of it is reported
    const failed = this.sessions.current.error ?? this.reminders.current.error;
    this.log.info('views refreshed', {
      sessions: this.sessions.current.data?.length,
      reminders: this.reminders.current.data?.length,
      tables: this.tables.current.data?.length,
      error: failed?.message,
    });
    this.deps.auth.reportRefresh(
      failed && failed.errorClass === 'authentication' ? { ok: false, message: failed.message } : { ok: true },
    );
  }

  /** Reloads the table list, and the columns of every table loaded so far. */
  async refreshTables(): Promise<void> {
    const dv = this.signedIn?.dataverse;
    if (!dv) return;
    for (const name of this.columnStores.keys()) void this.loadColumns(name, { fresh: true });
    await this.tables.refresh((signal) => dv.listTables(signal));
  }

  /** A table's columns as loaded so far (undefined until the tree first expands the table). */
  columns(logicalName: string): DataStore<TableInfo> | undefined {
    return this.columnStores.get(logicalName)?.store;
  }

  /** Loads a table's columns once (or again when `fresh`); the tree calls it when a table expands. */
  async loadColumns(logicalName: string, options: { fresh?: boolean } = {}): Promise<void> {
    const dv = this.signedIn?.dataverse;
    if (!dv) return;
    let held = this.columnStores.get(logicalName);
    if (!held) {
      const store = new DataStore<TableInfo>(this.clock);
      held = { store, listener: store.onDidChange(() => this.columnsEmitter.fire()) };
      this.columnStores.set(logicalName, held);
    }
    const { data, loading } = held.store.current;
    if (loading || (data && !options.fresh)) return;
    await held.store.refresh((signal) => dv.getTable(logicalName, signal));
  }

  /** Builds the clients once auth has signed in; false when the session ended meanwhile or sign-in failed. */
  private async begin(epoch: number): Promise<boolean> {
    const { auth } = this.deps;
    const state = auth.state;
    const profile = auth.activeProfile;
    if (epoch !== this.epoch || !profile || (state.kind !== 'signedIn' && state.kind !== 'refreshFailing'))
      return false;
    const clients = await (this.deps.connect ?? connect)(profile, {
      log: this.deps.hub.logger('api'),
      http: this.deps.https.for(profile),
      tokens: () => auth.tokens(),
    });
    if (epoch !== this.epoch) return false;
    this.signedIn = {
      ...clients,
      identity: state.identity,
      tables: resolveTables(this.deps.config.loaded.config.tables),
    };
    return true;
  }

  /** Ends the session: clients dropped, stores cleared, loads under way aborted. Returns the new epoch. */
  private end(): number {
    this.signedIn = undefined;
    this.sessions.clear();
    this.reminders.clear();
    this.tables.clear();
    for (const { store, listener } of this.columnStores.values()) {
      listener.dispose();
      store.clear();
    }
    this.columnStores.clear();
    this.columnsEmitter.fire();
    return ++this.epoch;
  }

  private onAuthState(state: AuthState): void {
    const signedIn = state.kind === 'signedIn' || state.kind === 'refreshFailing';
    void vscode.commands.executeCommand('setContext', 'lifeCockpit.signedIn', signedIn);
    void vscode.commands.executeCommand(
      'setContext',
      'lifeCockpit.profileKind',
      signedIn ? state.profileKind : undefined,
    );
    // Signed out by anything else (a failed restore, a revoked credential): the session ends with it.
    if (state.kind === 'signedOut' && this.signedIn) this.end();
  }

  /** The light timer: a refresh every `ms` on the session's clock until disposed. */
  private async refreshEvery(ms: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.clock.sleep(ms, signal);
      } catch (error) {
        if (error instanceof CancelledError) return;
        throw error;
      }
      await this.refresh().catch((error: unknown) =>
        this.log.warn('timed refresh failed', { reason: error instanceof Error ? error.message : String(error) }),
      );
    }
  }

  private now(): Date {
    return new Date(this.clock.now());
  }
}
