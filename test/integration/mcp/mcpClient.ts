// Drives the built `lc mcp` (dist/cli.js) as an editor's agent does: the SDK's own Client over its
// StdioClientTransport, in a clean environment (no LC_* from the test runner) with its own log directory.
// Whatever the server's stdout carries that is not protocol reaches the client as a transport error: every
// such error is collected, and each test's session must end with none. A client that declares elicitation
// answers each approval question as told and keeps the questions it was asked.
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { Readable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { cliPath } from '../cli/lcProcess';
import { testFolder } from '../../builders/testFolders';

export type Answer = 'accept' | 'decline' | 'cancel';

export interface McpSession {
  client: Client;
  /** Transport errors: a line on stdout that was not a JSON-RPC message. */
  protocolErrors: Error[];
  /** The approval questions the server asked, in order. */
  questions: string[];
  stderr(): string;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface McpOptions {
  env: Record<string, string>;
  /** Declare elicitation and answer every question so; undefined: a client without elicitation. */
  answer?: Answer;
  /** Node flags before dist/cli.js (e.g. `--require` a preload). */
  nodeArgs?: string[];
}

export async function startMcp(options: McpOptions): Promise<McpSession> {
  if (!fs.existsSync(cliPath)) throw new Error('dist/cli.js is missing: run npm run build');
  const logDir = testFolder('lc-mcp-logs-');
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...(options.nodeArgs ?? []), cliPath, 'mcp'],
    // The SDK passes only a few variables on: the temp folder goes too, so the server's land in the run's.
    env: { TMPDIR: os.tmpdir(), LC_LOG_DIR: logDir, ...options.env },
    cwd: os.tmpdir(),
    stderr: 'pipe',
  });
  let stderr = '';
  (transport.stderr as Readable | null)?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client(
    { name: 'life-cockpit-tests', version: '1.0.0' },
    { capabilities: options.answer ? { elicitation: { form: {} } } : {} },
  );
  const protocolErrors: Error[] = [];
  client.onerror = (error) => protocolErrors.push(error);
  const questions: string[] = [];
  if (options.answer) {
    const answer = options.answer;
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      questions.push(request.params.message);
      return answer === 'accept' ? { action: 'accept', content: {} } : { action: answer };
    });
  }
  await client.connect(transport);
  return {
    client,
    protocolErrors,
    questions,
    stderr: () => stderr,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: () => client.close(),
  };
}

/** The text of a tool's answer (its JSON, or a tool error's message). */
export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

/** The structured answer of a tool that succeeded; fails the test with the error's message otherwise. */
export function structured<T>(result: CallToolResult): T {
  if (result.isError) throw new Error(`the tool failed: ${textOf(result)}`);
  return result.structuredContent as T;
}
