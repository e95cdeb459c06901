// The dashboard webview's page: a strict Content-Security-Policy (nothing by default; the bundled script only by
// its nonce; styles from the extension's own files; images only from them or data:), the bundle and its
// stylesheet from dist/webview, and an empty root the script fills.
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

export function nonce(): string {
  return randomBytes(18).toString('base64');
}

export function dashboardCsp(cspSource: string, scriptNonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${scriptNonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${scriptNonce}'`,
  ].join('; ');
}

export function dashboardHtml(webview: Pick<vscode.Webview, 'cspSource' | 'asWebviewUri'>, bundle: vscode.Uri): string {
  const scriptNonce = nonce();
  const asset = (name: string) => webview.asWebviewUri(bundle.with({ path: `${bundle.path}/${name}` })).toString();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${dashboardCsp(webview.cspSource, scriptNonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dashboard.css')}" nonce="${scriptNonce}">
<title>Life Cockpit: Dashboard</title>
</head>
<body>
<div id="root"><p role="status">Loading the dashboard…</p></div>
<script nonce="${scriptNonce}" src="${asset('dashboard.js')}"></script>
</body>
</html>`;
}
