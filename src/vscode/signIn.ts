// "Sign In": for a profile that already names its tenant and app, only the secret (or certificate)
// is asked; otherwise guided input boxes, each validated as it is typed, or a pasted connection
// string. The credential is tested before anything is saved; on failure nothing is saved.
import * as vscode from 'vscode';
import {
  certificateCredentialFromPem,
  loadCertificateCredential,
  parseConnectionString,
  type Credential,
} from '../core/auth';
import { profileSchema, type Profile } from '../core/config';
import { isGuid } from '../core/dataverse';
import { CancelledError } from '../core/errors';
import type { EditorServices } from './services';

export async function signIn(s: EditorServices): Promise<void> {
  const existing = s.config.loaded.activeProfile;
  const ready = existing?.tenantId && existing.clientId ? existing : undefined;
  const draft = ready
    ? { profile: ready, credential: await askCredential(ready) }
    : await askNewProfile(existing?.name ?? 'practice');
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Life Cockpit: signing in to ${draft.profile.name}…`,
      cancellable: false,
    },
    () => s.session.signIn(draft.profile, draft.credential),
  );
  if (!ready) await saveProfile(draft.profile);
  const state = s.auth.state;
  if (state.kind === 'signedIn') {
    void vscode.window.showInformationMessage(
      `Signed in to ${state.profile}: tenant ${state.identity.tenantId}, app ${state.identity.appName ?? state.identity.clientId}.`,
    );
  }
  await s.session.refresh();
}

async function askCredential(profile: Profile): Promise<Credential> {
  if (profile.authKind === 'user') return { kind: 'user' };
  if (profile.authKind === 'certificate') {
    if (profile.certificateFile) return loadCertificateCredential(profile.certificateFile);
    return pickCertificate();
  }
  const secret = await vscode.window.showInputBox({
    title: `Client secret for profile ${profile.name}`,
    prompt:
      profile.kind === 'sandbox'
        ? `Paste the sandbox's client secret for app ${profile.clientId} ("clientSecret" in the ready line of lc sandbox --json), nothing before or after it. Start Sandbox signs in by itself.`
        : `Paste the client secret's Value for app ${profile.clientId} (Entra admin center › App registrations › Certificates & secrets). It is kept in the editor's secret storage, never in settings.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: validateSecret,
  });
  if (secret === undefined) throw new CancelledError('Sign-in cancelled.');
  return { kind: 'secret', clientSecret: secret.trim() };
}

export function validateSecret(value: string): string | undefined {
  const v = value.trim();
  if (!v) return 'Paste the client secret.';
  if (isGuid(v)) {
    return 'This looks like the Secret ID. Paste the secret’s Value instead (shown once, when the secret is created).';
  }
  return undefined;
}

async function pickCertificate(): Promise<Credential> {
  const files = await vscode.window.showOpenDialog({
    title: 'Certificate (PEM with private key and certificate)',
    canSelectMany: false,
    filters: { 'PEM files': ['pem', 'crt', 'key'] },
  });
  if (!files?.[0]) throw new CancelledError('Sign-in cancelled.');
  const bytes = await vscode.workspace.fs.readFile(files[0]);
  return certificateCredentialFromPem(new TextDecoder().decode(bytes), files[0].fsPath);
}

/** Validates one profile field with the same zod schema the configuration uses. */
function fieldValidator(field: 'tenantId' | 'clientId' | 'dataverseUrl' | 'mailbox' | 'name') {
  return (value: string): string | undefined => {
    if (!value.trim()) return field === 'dataverseUrl' || field === 'mailbox' ? undefined : 'Required.';
    const result = profileSchema.shape[field].safeParse(value.trim());
    return result.success ? undefined : `Expected ${result.error.issues[0]?.message ?? 'a valid value'}.`;
  };
}

async function ask(options: vscode.InputBoxOptions): Promise<string> {
  const value = await vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
  if (value === undefined) throw new CancelledError('Sign-in cancelled.');
  return value.trim();
}

async function askNewProfile(suggestedName: string): Promise<{ profile: Profile; credential: Credential }> {
  const how = await vscode.window.showQuickPick(
    [
      { label: 'Enter tenant, app and secret', id: 'fields' as const },
      {
        label: 'Paste a Dataverse connection string',
        description: 'AuthType=ClientSecret;Url=…;ClientId=…;ClientSecret=…',
        id: 'connection' as const,
      },
    ],
    { title: 'Life Cockpit: Sign In', ignoreFocusOut: true },
  );
  if (!how) throw new CancelledError('Sign-in cancelled.');
  const name = await ask({ title: 'Profile name', value: suggestedName, validateInput: fieldValidator('name') });
  if (how.id === 'connection') {
    const text = await ask({ title: 'Connection string', password: true, validateInput: (v) => tryParse(v) });
    const parsed = parseConnectionString(text);
    const tenantId =
      parsed.tenantId ?? (await ask({ title: 'Directory (tenant) id', validateInput: fieldValidator('tenantId') }));
    const mailbox = await ask({ title: 'Sender mailbox (optional)', validateInput: fieldValidator('mailbox') });
    const profile = profileSchema.parse({
      name,
      kind: 'live',
      tenantId,
      clientId: parsed.clientId,
      dataverseUrl: parsed.url,
      ...(mailbox ? { mailbox } : {}),
    });
    if (parsed.credential.kind === 'secret') return { profile, credential: parsed.credential };
    const credential = parsed.credential.certificateFile
      ? loadCertificateCredential(parsed.credential.certificateFile)
      : await pickCertificate();
    return {
      profile: { ...profile, authKind: 'certificate', certificateFile: parsed.credential.certificateFile },
      credential,
    };
  }
  const tenantId = await ask({
    title: 'Directory (tenant) id',
    prompt: 'From the app registration’s Overview page',
    validateInput: fieldValidator('tenantId'),
  });
  const clientId = await ask({
    title: 'Application (client) id',
    prompt: 'From the app registration’s Overview page',
    validateInput: fieldValidator('clientId'),
  });
  const dataverseUrl = await ask({
    title: 'Dataverse environment URL (optional)',
    placeHolder: 'https://contoso.crm.dynamics.com',
    validateInput: fieldValidator('dataverseUrl'),
  });
  const mailbox = await ask({
    title: 'Sender mailbox (optional)',
    placeHolder: 'dr.morgan@contoso.com',
    validateInput: fieldValidator('mailbox'),
  });
  const profile = profileSchema.parse({
    name,
    kind: 'live',
    tenantId,
    clientId,
    ...(dataverseUrl ? { dataverseUrl } : {}),
    ...(mailbox ? { mailbox } : {}),
  });
  return { profile, credential: await askCredential(profile) };
}

function tryParse(text: string): string | undefined {
  try {
    parseConnectionString(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Writes a profile into settings (workspace when one is open) and makes it active. No secret is written. */
export async function saveProfile(profile: Profile): Promise<void> {
  const configuration = vscode.workspace.getConfiguration('lifeCockpit');
  const target = vscode.workspace.workspaceFolders?.length
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  const inspected = configuration.inspect<unknown[]>('profiles');
  const current =
    (target === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
  const others = current.filter((p) => (p as { name?: string }).name !== profile.name);
  const stored = Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== undefined));
  await configuration.update('profiles', [...others, stored], target);
  await configuration.update('activeProfile', profile.name, target);
}
