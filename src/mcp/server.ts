// The Life Cockpit MCP server: the read and write tools and the Markdown resources on one McpServer, and its
// run over stdio until the client goes (stdin ends), the pipe breaks, or a signal comes. Only the protocol is
// written to stdout; the signed-in connection is closed with the server.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Readable, Writable } from 'node:stream';
import { PracticeLink, type McpDeps } from './deps';
import { registerReadTools, type ToolContext } from './readTools';
import { registerResources } from './resources';
import { registerWriteTools } from './writeTools';

const INSTRUCTIONS =
  "Life Cockpit runs a therapist's practice on Microsoft 365 and Stripe. Read freely: sessions_list, session_get, " +
  'reminders_plan, payments_outstanding, dataverse_query, whoami, and the resources lifecockpit://agenda/today and ' +
  'lifecockpit://reminders/due. Writes (reminders_send, session_mark_attended, session_add_note, session_charge) act ' +
  'only after the practitioner approves each one; call whoami to see the profile (test or LIVE) and how approval works.';

export function createLifeCockpitMcpServer(deps: McpDeps): McpServer {
  const server = new McpServer({ name: 'life-cockpit', version: deps.version }, { instructions: INSTRUCTIONS });
  const link = new PracticeLink(deps);
  const ctx: ToolContext = { server, deps, link };
  registerReadTools(ctx);
  registerWriteTools(ctx);
  registerResources(ctx);
  const previous = server.server.onclose;
  server.server.onclose = () => {
    previous?.();
    void link.close();
  };
  return server;
}

export interface McpIo {
  stdin: Readable;
  stdout: Writable;
  /** Where SIGINT and SIGTERM arrive (the process); the server closes on either. */
  signals?: NodeJS.EventEmitter;
}

/** Serves over stdio until the client leaves or a signal comes; resolves once everything is closed. */
export async function runMcpServer(deps: McpDeps, io: McpIo): Promise<void> {
  const server = createLifeCockpitMcpServer(deps);
  const transport = new StdioServerTransport(io.stdin, io.stdout);
  const closed = new Promise<void>((resolve) => {
    const onclose = server.server.onclose;
    server.server.onclose = () => {
      onclose?.();
      resolve();
    };
  });
  const close = (why: string) => () => {
    deps.runtime.log.info('mcp server closing', { why });
    void server.close();
  };
  const onEnd = close('the client closed stdin');
  const onSignal = close('signal');
  const onBrokenPipe = close('stdout closed');
  io.stdin.once('end', onEnd);
  io.stdout.on('error', onBrokenPipe);
  io.signals?.on('SIGINT', onSignal);
  io.signals?.on('SIGTERM', onSignal);
  try {
    await server.connect(transport);
    const profile = deps.runtime.loaded.activeProfile;
    deps.runtime.log.info('mcp server started', { profile: profile?.name ?? null, kind: profile?.kind ?? null });
    await closed;
  } finally {
    io.stdin.off('end', onEnd);
    io.stdout.off('error', onBrokenPipe);
    io.signals?.off('SIGINT', onSignal);
    io.signals?.off('SIGTERM', onSignal);
  }
}
