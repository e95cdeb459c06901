// What every command factory and view receives: the services extension.ts built once.
import type * as vscode from 'vscode';
import type { AuthService } from '../core/auth';
import type { Clock } from '../core/clock';
import type { LogHub, Logger } from '../core/log';
import type { EditorConfigSource } from './configSource';
import type { ReadOnlyDocuments } from './documents';
import type { EditableDocuments } from './editableDocuments';
import type { GetStartedPanel } from './getStartedPanel';
import type { McpRegistration } from './mcpRegistration';
import type { ProfileSession } from './profileSession';
import type { ReminderSender } from './reminderSending';
import type { SandboxLauncher } from './sandboxLauncher';
import type { EditorWebhookReceiver } from './webhookReceiver';

export interface EditorServices {
  context: vscode.ExtensionContext;
  hub: LogHub;
  log: Logger;
  clock: Clock;
  config: EditorConfigSource;
  auth: AuthService;
  /** The signed-in profile session: its clients, the stores the views read, refresh, switch. */
  session: ProfileSession;
  sandbox: SandboxLauncher;
  documents: ReadOnlyDocuments;
  /** Documents whose save writes a record back (a reminder's text, a session note). */
  editable: EditableDocuments;
  /** Preview and Send Due Reminders, Send Now: one send at a time in this window. */
  sender: ReminderSender;
  /** The MCP server registered with the editor's agent, and the live profiles' agent-writes confirmations. */
  mcp: McpRegistration;
  /** The local webhook receiver of the active profile, and its inbox. */
  webhooks: EditorWebhookReceiver;
  /** The first-run steps' progress and the Get Started page that shows them. */
  getStarted: GetStartedPanel;
  showLog(): void;
}
