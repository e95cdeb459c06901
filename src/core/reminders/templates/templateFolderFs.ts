// The only "file system" Liquid sees: the template set in memory, addressed by plain file names.
// `{% include %}`, `{% render %}` and `{% layout %}` can reach another template of the set by name
// and nothing else: a name with a path in it (`../../etc/passwd`, `/etc/passwd`, `a/b`) is refused
// before any lookup, so a workspace template cannot read the disk.
import type { FS } from 'liquidjs';
import { isTemplateFileName, type Templates } from './templateSet';
import { TemplateError } from './templateError';

export class TemplateFolderFs implements FS {
  readonly sep = '/';

  constructor(private readonly templates: Templates) {}

  resolve(_dir: string, file: string, ext: string): string {
    const name = file.endsWith(ext) ? file : file + ext;
    if (!isTemplateFileName(name)) {
      throw new TemplateError(
        `A template may include only another template of its folder, by name ('signature'), not "${file}".`,
        { code: 'template.pathRefused', detail: { reference: file } },
      );
    }
    return name;
  }

  existsSync(name: string): boolean {
    return this.templates.files.has(name);
  }
  async exists(name: string): Promise<boolean> {
    return this.existsSync(name);
  }
  readFileSync(name: string): string {
    const file = this.templates.files.get(name);
    if (!file) throw new Error(`ENOENT: ${name}`);
    return file.source;
  }
  async readFile(name: string): Promise<string> {
    return this.readFileSync(name);
  }
  // Every name resolve() lets through is in the set's one folder.
  containsSync(): boolean {
    return true;
  }
  async contains(): Promise<boolean> {
    return true;
  }
  dirname(): string {
    return '.';
  }
}
