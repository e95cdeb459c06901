// Adds Life Cockpit's server to a workspace's `.cursor/mcp.json` (root key `mcpServers`), for Cursor builds
// without the `vscode.cursor.mcp` API: only our own entry is written, through jsonc-parser's edits, so the
// other servers, their order, comments and the file's indentation stay as they were; a second run changes
// nothing; a file that does not parse is refused and left alone. The entry never holds a secret.
import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { isDeepStrictEqual } from 'node:util';
import { ValidationError } from '../core/errors';

export interface CursorServerEntry {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface MergedCursorConfig {
  /** The file's new text (the old one when nothing changed). */
  text: string;
  changed: boolean;
  /** The entry replaced an older one of ours (another profile, a moved extension). */
  replaced: boolean;
}

/** Merges our entry into the file's text (undefined: no file yet); throws a ValidationError for a file it cannot read. */
export function mergeCursorMcpConfig(
  text: string | undefined,
  name: string,
  entry: CursorServerEntry,
  fileLabel = '.cursor/mcp.json',
): MergedCursorConfig {
  const source = text ?? '';
  const errors: ParseError[] = [];
  const root: unknown = source.trim() === '' ? {} : parse(source, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    const first = errors[0];
    throw new ValidationError(
      `${fileLabel} is not valid JSON (${printParseErrorCode(first.error)} at line ${lineOf(source, first.offset)}); it was left unchanged. Fix it, then run "Add MCP Server to Cursor" again.`,
      { code: 'mcp.cursorConfigUnreadable' },
    );
  }
  if (!isObject(root))
    throw new ValidationError(`${fileLabel} does not hold a JSON object; it was left unchanged.`, {
      code: 'mcp.cursorConfigUnreadable',
    });
  const servers = root.mcpServers;
  if (servers !== undefined && !isObject(servers))
    throw new ValidationError(`"mcpServers" in ${fileLabel} is not an object; it was left unchanged.`, {
      code: 'mcp.cursorConfigUnreadable',
    });
  const existing = servers?.[name];
  if (isDeepStrictEqual(existing, entry)) return { text: source, changed: false, replaced: false };
  const base = source.trim() === '' ? '{}\n' : source;
  const edits = modify(base, ['mcpServers', name], entry, { formattingOptions: formattingOf(base) });
  return { text: applyEdits(base, edits), changed: true, replaced: existing !== undefined };
}

/** Reads the file, merges, and writes it only when something changed; a file it cannot read is never written. */
export async function addServerToCursorConfig(
  file: { read(): Promise<string | undefined>; write(text: string): Promise<void> },
  name: string,
  entry: CursorServerEntry,
): Promise<MergedCursorConfig> {
  const merged = mergeCursorMcpConfig(await file.read(), name, entry);
  if (merged.changed) await file.write(merged.text);
  return merged;
}

/** Indents as the file already does (two spaces for a new one). */
function formattingOf(text: string): { insertSpaces: boolean; tabSize: number; eol: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^([ \t]+)\S/m.exec(text)?.[1];
  if (indent?.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indent ? indent.length : 2, eol };
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
