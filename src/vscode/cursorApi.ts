// The part of Cursor's extension API we use, declared here because Cursor ships no types for it: the
// shape follows Cursor's documentation ("MCP Extension API", docs.cursor.com/en/context/mcp-extension-api,
// and the `declare module "vscode"` block of cursor.com/docs/extension-api). VS Code has no `cursor`
// namespace, so every use goes through cursorMcp(), which finds it or says it is not there.

/** A local server Cursor starts and speaks to over stdio (Cursor's StdioServerConfig). */
export interface CursorStdioServerConfig {
  /** The server's unique name; unregisterServer takes it. */
  name: string;
  server: {
    command: string;
    args: string[];
    env: Record<string, string>;
  };
}

/** `vscode.cursor.mcp`: register and unregister a server without editing mcp.json. */
export interface CursorMcpApi {
  registerServer(config: CursorStdioServerConfig): void;
  unregisterServer(serverName: string): void;
}

/** Cursor's MCP API on the given `vscode` module, or undefined in VS Code and in Cursor builds without it. */
export function cursorMcp(vscodeModule: object): CursorMcpApi | undefined {
  const cursor = (vscodeModule as { cursor?: { mcp?: Partial<CursorMcpApi> } }).cursor;
  const mcp = cursor?.mcp;
  if (typeof mcp?.registerServer !== 'function' || typeof mcp.unregisterServer !== 'function') return undefined;
  return mcp as CursorMcpApi;
}
