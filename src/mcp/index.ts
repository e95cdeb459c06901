// Public surface of the MCP module: Life Cockpit as a Model Context Protocol server for editors' agents (the
// same core as the sidebar and the CLI, read freely, written only with the practitioner's approval), and the
// approval rule it follows. It imports the core only; `lc mcp` (src/cli/commands/mcp.ts) runs it over stdio.
export { createLifeCockpitMcpServer, runMcpServer, type McpIo } from './server';
export type { McpConnection, McpDeps, McpRuntime } from './deps';
export {
  decideWriteApproval,
  describeWriteApproval,
  requireApproval,
  type ApprovalAnswer,
  type ApprovalInput,
  type AskPractitioner,
  type WriteApproval,
} from './approval';
export { checkPlainFilter, practiceTable, practiceTables, MAX_QUERY_ROWS } from './dataverseQuery';
export { AGENDA_TODAY_URI, REMINDERS_DUE_URI } from './resources';
