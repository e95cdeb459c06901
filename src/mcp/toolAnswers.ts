// How a tool answers: structured content checked against its output schema, the same JSON as text for clients
// that read text only (as the MCP specification asks), and every failure as a tool error carrying the typed
// error's message (redacted as the logs are), never as a crash of the server.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { toLifeCockpitError } from '../core/errors';
import { redactString, type Logger } from '../core/log';

export function answer(structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
}

export function toolError(error: unknown): CallToolResult {
  const e = toLifeCockpitError(error);
  return {
    isError: true,
    content: [{ type: 'text', text: redactString(e.message) }],
    _meta: { errorClass: e.errorClass, code: e.code, retriable: e.retriable },
  };
}

/** Runs a tool's work; whatever it throws becomes a tool error (and a log line), and the server carries on. */
export async function guarded(
  log: Logger,
  tool: string,
  run: () => Promise<Record<string, unknown>>,
): Promise<CallToolResult> {
  try {
    return answer(await run());
  } catch (error) {
    const e = toLifeCockpitError(error);
    log[e.errorClass === 'external' ? 'error' : 'info']('mcp tool failed', {
      tool,
      errorClass: e.errorClass,
      code: e.code,
      error: e.message,
    });
    return toolError(error);
  }
}
