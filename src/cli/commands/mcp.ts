// `lc mcp`: Life Cockpit as a Model Context Protocol server over stdio, for the agents of VS Code, Cursor and
// other MCP clients, on the active profile of its environment, signed in as every verb signs in. stdout carries
// the protocol and nothing else: whatever calls console.log (a dependency, a stray debug line) is sent to stderr,
// and logs go to the log files (and stderr with --verbose). It starts signed out too: its tools then say how
// to sign in. It runs until the client closes stdin, or SIGINT/SIGTERM, and exits 0.
import { Console } from 'node:console';
import * as path from 'node:path';
import { Command } from 'commander';
import { version } from '../../../package.json';
import { systemClock, type Clock } from '../../core/clock';
import { ConfigurationError } from '../../core/config';
import { actorOfState } from '../../core/auth';
import { loadTemplates, WORKSPACE_TEMPLATES_FOLDER } from '../../core/reminders';
import type { McpConnection, McpDeps } from '../../mcp';
import { verb } from '../action';
import { connect } from '../connect';
import type { CliRuntime } from '../runtime';

/** The editor sets this in the server's environment only after the user confirmed agent writes on a live profile. */
export const LIVE_WRITES_CONFIRMED_ENV = 'LC_AGENT_WRITES_CONFIRMED';

/** Points every console method at stderr, so nothing but the protocol reaches stdout. */
export function keepStdoutForProtocol(): void {
  globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });
}

async function connectForAgent(runtime: CliRuntime): Promise<McpConnection> {
  const connection = await connect(runtime);
  const { profile, dataverse } = connection;
  if (!dataverse) {
    await connection.close();
    throw new ConfigurationError(`Profile ${profile.name} has no Dataverse environment: set LC_DATAVERSE_URL.`);
  }
  return {
    profile,
    dataverse,
    graph: connection.graph,
    http: connection.http,
    actor: actorOfState(connection.auth.state, profile),
    close: () => connection.close(),
  };
}

export function mcpDeps(runtime: CliRuntime, clock: Clock, env: NodeJS.ProcessEnv = process.env): McpDeps {
  return {
    runtime,
    clock,
    connect: () => connectForAgent(runtime),
    templates: () => loadTemplates(path.join(process.cwd(), WORKSPACE_TEMPLATES_FOLDER)),
    liveWritesConfirmed: env[LIVE_WRITES_CONFIRMED_ENV] === '1',
    version,
  };
}

export function mcpCommand(clock: Clock = systemClock): Command {
  return new Command('mcp')
    .description(
      "Serve Life Cockpit's tools to an AI agent over stdio (Model Context Protocol): reads freely, writes only with approval",
    )
    .action(
      verb(
        async (ctx) => {
          keepStdoutForProtocol();
          // Loaded on use: the SDK and its schemas weigh on every other verb's start-up and heap otherwise.
          const { runMcpServer } = await import('../../mcp');
          await runMcpServer(mcpDeps(ctx.runtime, clock), {
            stdin: process.stdin,
            stdout: process.stdout,
            signals: process,
          });
        },
        // Started signed out or misconfigured, the server still serves: its tools say what to fix.
        { toleratesConfigurationProblems: true, ownsSignals: true },
      ),
    );
}
