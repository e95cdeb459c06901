// The one place the editor shows a failure: the typed error's message (never a stack trace), with
// "Show Log" to reach the full, redacted detail in the output channel.
import * as vscode from 'vscode';
import { toLifeCockpitError } from '../core/errors';
import type { Logger } from '../core/log';

export async function showError(error: unknown, log: Logger, showLog: () => void): Promise<void> {
  const e = toLifeCockpitError(error);
  if (e.errorClass === 'cancelled') {
    log.info('cancelled by the user', { code: e.code });
    return;
  }
  log.error(e.message, { code: e.code, class: e.errorClass, retriable: e.retriable, detail: e.detail, cause: e.cause });
  const choice = await vscode.window.showErrorMessage(e.message, 'Show Log');
  if (choice === 'Show Log') showLog();
}
