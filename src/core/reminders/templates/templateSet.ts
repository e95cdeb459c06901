// The set of message templates a render may use: the shipped defaults, each replaced by a workspace
// file of the same name from `.lifecockpit/templates/`. A workspace is input we do not control, so
// only plainly named `*.liquid` regular files directly in that folder are read (never a symbolic link,
// never a subfolder), each bounded in size.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_TEMPLATE_SOURCES } from './defaultTemplates';
import { TemplateError } from './templateError';

/** Where workspace templates live, relative to the workspace folder. */
export const WORKSPACE_TEMPLATES_FOLDER = path.join('.lifecockpit', 'templates');

/** The largest template (in characters) that is read or parsed; also the parse limit of one render. */
export const MAX_TEMPLATE_CHARS = 100_000;

export interface TemplateFile {
  /** The file name, e.g. `reminder.de.liquid`. */
  name: string;
  source: string;
  /** Where it came from, as a person would find it: the workspace file's path, or `(built-in) name`. */
  origin: string;
  shipped: boolean;
}

export interface Templates {
  readonly files: ReadonlyMap<string, TemplateFile>;
}

/** `reminder.liquid`, `reminder.de.liquid`, `signature.liquid`: a name with no path in it. */
const TEMPLATE_FILE_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9-]+)*\.liquid$/;

export function isTemplateFileName(name: string): boolean {
  return TEMPLATE_FILE_NAME.test(name);
}

export function defaultTemplates(): Templates {
  return templatesWith({});
}

/** The defaults overridden by the given workspace sources (file name to text); `folder` names their origin. */
export function templatesWith(
  workspace: Readonly<Record<string, string>>,
  folder = WORKSPACE_TEMPLATES_FOLDER,
): Templates {
  const files = new Map<string, TemplateFile>();
  for (const [name, source] of Object.entries(DEFAULT_TEMPLATE_SOURCES)) {
    files.set(name, { name, source, origin: `(built-in) ${name}`, shipped: true });
  }
  for (const [name, source] of Object.entries(workspace)) {
    if (!isTemplateFileName(name)) continue;
    files.set(name, { name, source, origin: path.join(folder, name), shipped: false });
  }
  return { files };
}

/** Reads the workspace's templates folder (absent: the defaults alone) over the defaults. */
export async function loadTemplates(folder: string): Promise<Templates> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return defaultTemplates();
    throw unreadable(folder, error);
  }
  const workspace: Record<string, string> = {};
  for (const entry of entries) {
    // A Dirent from readdir describes the link itself, so a symbolic link is not a file here.
    if (!entry.isFile() || !isTemplateFileName(entry.name)) continue;
    workspace[entry.name] = await readTemplateFile(path.join(folder, entry.name));
  }
  return templatesWith(workspace, folder);
}

async function readTemplateFile(file: string): Promise<string> {
  let handle: fs.promises.FileHandle;
  try {
    // O_NOFOLLOW: the file may have been swapped for a link since the folder was listed.
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    const { size } = await handle.stat();
    if (size > MAX_TEMPLATE_CHARS * 4) {
      throw new TemplateError(
        `The template ${file} is ${size} bytes, more than a message template may be (${MAX_TEMPLATE_CHARS} characters). Shorten it.`,
        { code: 'template.limitExceeded', detail: { file, size } },
      );
    }
    return await handle.readFile('utf8');
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    throw unreadable(file, error);
  } finally {
    await handle.close();
  }
}

function unreadable(file: string, error: unknown): TemplateError {
  const reason = (error as NodeJS.ErrnoException).code ?? String(error);
  return new TemplateError(
    `Could not read the message templates at ${file} (${reason}). Check the folder's permissions.`,
    {
      code: 'template.unreadable',
      detail: { file, reason },
      cause: error,
    },
  );
}
