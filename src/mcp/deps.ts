// What the MCP server is given (explicit dependencies: the CLI builds them from its runtime), and the one
// signed-in connection it keeps for its lifetime: made on the first tool call that needs it, made again after
// a failure, so a server started signed out answers with how to sign in and works once the user has.
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Clock } from '../core/clock';
import { ConfigurationError, type LoadedConfiguration, type Profile, type SecretName } from '../core/config';
import type { DataverseClient } from '../core/dataverse';
import { LifeCockpitError } from '../core/errors';
import type { HttpClient } from '../core/http';
import type { LogHub, Logger } from '../core/log';
import { resolveTables, type TableMapping } from '../core/practice';
import type { Templates } from '../core/reminders';

/** The parts of the CLI's runtime the server uses. */
export interface McpRuntime {
  loaded: LoadedConfiguration;
  hub: LogHub;
  log: Logger;
  secret(name: SecretName): string | undefined;
}

/** The active profile's clients, signed in. */
export interface McpConnection {
  profile: Profile;
  dataverse: DataverseClient;
  graph: Client;
  http: HttpClient;
  /** Who acts, for the audit lines (actorOf the signed-in identity). */
  actor: string;
  close(): Promise<void>;
}

export interface McpDeps {
  runtime: McpRuntime;
  clock: Clock;
  /** Signs in as the CLI does (environment, then keychain); throws a typed error saying what is missing. */
  connect(): Promise<McpConnection>;
  /** The message templates (the workspace's, else the shipped ones). */
  templates(): Promise<Templates>;
  /** LC_AGENT_WRITES_CONFIRMED=1: the editor confirmed agent writes on a live profile. */
  liveWritesConfirmed: boolean;
  version: string;
}

const SIGN_IN_HINT =
  'From VS Code or Cursor, run "Life Cockpit: Sign In": the editor then restarts this server signed in. ' +
  'From a terminal, run `lc auth login`, or start it with LC_CLIENT_SECRET set.';

/** The connection of a running server: one sign-in, reused by every tool, closed with the server. */
export class PracticeLink {
  private connecting: Promise<McpConnection> | undefined;

  constructor(private readonly deps: McpDeps) {}

  get config() {
    return this.deps.runtime.loaded.config;
  }

  get tables(): TableMapping {
    return resolveTables(this.config.tables);
  }

  /** The active profile, or a configuration error saying how to define one (the server started signed out). */
  profile(): Profile {
    const { loaded } = this.deps.runtime;
    if (loaded.activeProfile) return loaded.activeProfile;
    throw new ConfigurationError(
      `Not signed in: profile "${loaded.config.activeProfile}" is not defined. ${SIGN_IN_HINT}`,
      loaded.problems,
    );
  }

  connection(): Promise<McpConnection> {
    this.connecting ??= this.open().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  async close(): Promise<void> {
    const open = this.connecting;
    this.connecting = undefined;
    if (!open) return;
    try {
      await (await open).close();
    } catch (error) {
      this.deps.runtime.log.debug('mcp: connection ended before it was closed', { error });
    }
  }

  private async open(): Promise<McpConnection> {
    this.profile();
    const { problems } = this.deps.runtime.loaded;
    if (problems.length > 0) {
      const list = problems.map((p) => `${p.key} (from ${p.layer}): ${p.message}`).join('; ');
      throw new ConfigurationError(`Invalid configuration, nothing was done: ${list}.`, problems);
    }
    try {
      return await this.deps.connect();
    } catch (error) {
      throw withSignInHint(error);
    }
  }
}

/** A sign-in that failed for want of a credential or configuration says how to sign in; others pass as they are. */
function withSignInHint(error: unknown): unknown {
  if (!(error instanceof LifeCockpitError)) return error;
  if (error.errorClass !== 'validation' && error.errorClass !== 'authentication') return error;
  return new LifeCockpitError(error.errorClass, `${error.message} ${SIGN_IN_HINT}`, {
    code: error.code,
    retriable: error.retriable,
    ...(error.detail ? { detail: error.detail } : {}),
    cause: error,
  });
}
