// Shows the device-code sign-in message (a URL and a one-time code) where there is no browser
// redirect to use: remote, WSL, containers, SSH, or an authority that is not Microsoft's.
import * as vscode from 'vscode';

export async function showDeviceCode(message: string): Promise<void> {
  const code = /code ([A-Z0-9-]{6,})/i.exec(message)?.[1];
  const url = /(https?:\/\/\S+?)[\s.]*(?:\s|$)/.exec(message)?.[1];
  const choice = await vscode.window.showInformationMessage(message, ...(code && url ? ['Copy Code and Open'] : []));
  if (choice && code && url) {
    await vscode.env.clipboard.writeText(code);
    await vscode.env.openExternal(vscode.Uri.parse(url));
  }
}
