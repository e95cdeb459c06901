// The editor's AuthService: secrets and msal's token cache in SecretStorage, token requests through
// the profile's HTTP client, VS Code's Microsoft account for user sign-in where it applies, and the
// device code shown in a notification otherwise; a stored secret goes to a changed target only once the
// user confirms it.
import * as vscode from 'vscode';
import { AuthService, loadCertificateCredential } from '../core/auth';
import type { ProfileHttpClients } from '../core/clients';
import { msalNetworkClient } from '../core/http';
import type { LogHub } from '../core/log';
import { confirmSecretTarget } from './confirmSecretTarget';
import { showDeviceCode } from './deviceCodePrompt';
import { MicrosoftAccountTokenSource, usesMicrosoftAccountProvider } from './microsoftAccountTokenSource';

export function createEditorAuth(secrets: vscode.SecretStorage, hub: LogHub, https: ProfileHttpClients): AuthService {
  return new AuthService({
    secrets,
    log: hub.logger('auth'),
    networkClientFor: (profile) => msalNetworkClient(https.for(profile)),
    persistTokenCache: true,
    loadCertificate: loadCertificateCredential,
    onSecret: (secret) => hub.addSecret(secret),
    tokenSourceFor: (profile) =>
      usesMicrosoftAccountProvider(profile)
        ? new MicrosoftAccountTokenSource(profile, vscode.authentication)
        : undefined,
    deviceCodePrompt: (message) => void showDeviceCode(message),
    confirmNewTarget: confirmSecretTarget,
  });
}
