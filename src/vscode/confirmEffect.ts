// Asking before an effect (a mail, a record change): the question names the profile it lands in, so a
// practitioner never changes the live practice believing it is the sandbox.
import * as vscode from 'vscode';
import { describeTarget, type Profile } from '../core/config';
import { CancelledError } from '../core/errors';

type Target = Pick<Profile, 'name' | 'kind' | 'tenantId' | 'confirmEffects'>;

/** Effects on a live profile ask first, unless the profile turned confirmation off. */
export async function confirmEffect(profile: Target, action: string, button = 'Continue'): Promise<void> {
  const ask = profile.confirmEffects ?? profile.kind === 'live';
  if (!ask) return;
  await confirmAlways(`${action} in ${describeTarget(profile)}?`, button);
}

/** Asks whatever the profile's setting (sending mail to clients always asks, once). */
export async function confirmAlways(question: string, button: string): Promise<void> {
  const choice = await vscode.window.showWarningMessage(question, { modal: true }, button);
  if (choice !== button) throw new CancelledError('Not confirmed; nothing was changed.');
}
