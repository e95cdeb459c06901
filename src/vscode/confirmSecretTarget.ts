// The modal that stands between a stored client secret and a target it was not entered for (a workspace
// or `.env` changed the profile's authority host, tenant or app): it names the old and the new host.
import * as vscode from 'vscode';
import { describeSecretTargetChange, type SecretTargetChange } from '../core/auth';

const SEND = 'Send the Secret There';

export async function confirmSecretTarget(change: SecretTargetChange): Promise<boolean> {
  const { message, detail } = describeSecretTargetChange(change);
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, SEND);
  return choice === SEND;
}
