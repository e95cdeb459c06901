// Turns what Entra ID answers (AADSTS codes inside msal-node's errors) into errors a practitioner can
// act on: what went wrong, and what to fix in the Entra admin center. msal keys its ServerError on the
// response body (wire-facts §1), so the AADSTS number is read from errorNo or the message text.
import { AuthenticationError, TransientError, ValidationError, type LifeCockpitError } from '../errors';

export interface AuthContext {
  tenantId?: string;
  clientId?: string;
  resource?: string;
}

const ADMIN_CENTER = 'https://entra.microsoft.com';

type Explain = (ctx: AuthContext) => string;

const AADSTS: Readonly<Record<number, Explain>> = {
  7000215: (c) =>
    `The client secret is not valid for app ${c.clientId ?? ''}. In the Entra admin center (${ADMIN_CENTER}) › App registrations › your app › Certificates & secrets, copy the secret's Value (not its Secret ID) and sign in again.`,
  7000222: (c) =>
    `The client secret of app ${c.clientId ?? ''} has expired. Create a new secret under App registrations › your app › Certificates & secrets in the Entra admin center, then sign in again with it.`,
  7000218: () =>
    'No client secret or certificate was sent. Sign in again and provide the app’s client secret or certificate.',
  700016: (c) =>
    `No application with client id ${c.clientId ?? ''} exists in tenant ${c.tenantId ?? ''}. Check the Application (client) ID on the app's Overview page, and that the tenant is the one the app is registered in.`,
  90002: (c) =>
    `Tenant ${c.tenantId ?? ''} was not found. Check the Directory (tenant) ID on the app's Overview page in the Entra admin center, and that you sign in to the right cloud.`,
  1002012: (c) =>
    `The scope for ${c.resource ?? 'the resource'} must end in /.default for app sign-in. This is a Life Cockpit bug: please report it.`,
  70011: (c) => `The resource ${c.resource ?? ''} is not valid for this tenant. Check the Dataverse environment URL.`,
  500011: (c) =>
    `The resource ${c.resource ?? ''} is not known in tenant ${c.tenantId ?? ''}. Check the Dataverse environment URL, and that the environment belongs to this tenant.`,
  65001: (c) =>
    `Admin consent is missing for app ${c.clientId ?? ''}. Grant it in the Entra admin center (App registrations › API permissions › Grant admin consent), or open ${adminConsentUrl(c)}.`,
  700027: () =>
    'The certificate assertion was rejected: the certificate is not registered on the app, or the key does not match. Upload the certificate under Certificates & secrets › Certificates.',
  700024: () => 'The certificate assertion is outside its valid time range. Check this computer’s clock.',
  50011: () =>
    'The redirect URI does not match the app registration. Add it under Authentication in the Entra admin center.',
};

export function adminConsentUrl(ctx: AuthContext, authorityHost = 'https://login.microsoftonline.com'): string {
  return `${authorityHost}/${ctx.tenantId ?? 'organizations'}/adminconsent?client_id=${ctx.clientId ?? ''}`;
}

/** Reads the AADSTS number from an msal error (errorNo, or the text of its message). */
export function aadstsCode(error: unknown): number | undefined {
  const e = error as { errorNo?: string | number; errorMessage?: string; message?: string } | undefined;
  if (e?.errorNo !== undefined && !Number.isNaN(Number(e.errorNo))) return Number(e.errorNo);
  const match = /AADSTS(\d+)/.exec(`${e?.errorMessage ?? ''} ${e?.message ?? ''}`);
  return match ? Number(match[1]) : undefined;
}

export function translateAuthError(error: unknown, ctx: AuthContext): LifeCockpitError {
  const code = aadstsCode(error);
  const errorCode = (error as { errorCode?: string } | undefined)?.errorCode;
  if (code !== undefined) {
    const explain = AADSTS[code];
    const message = explain
      ? explain(ctx)
      : `Entra ID refused the sign-in (AADSTS${code}). See the log for the full answer.`;
    return new AuthenticationError(message, {
      code: `auth.AADSTS${code}`,
      retriable: false,
      cause: error,
      detail: { aadsts: code, errorCode },
    });
  }
  if (
    errorCode === 'network_error' ||
    errorCode === 'endpoints_resolution_error' ||
    errorCode === 'openid_config_error'
  ) {
    return new TransientError(
      `Cannot reach the sign-in service for tenant ${ctx.tenantId ?? ''}. Check the network and the authority host.`,
      {
        code: `auth.${errorCode}`,
        cause: error,
      },
    );
  }
  if (
    errorCode === 'untrusted_authority' ||
    errorCode === 'authority_uri_insecure' ||
    errorCode === 'url_parse_error'
  ) {
    return new ValidationError(
      `The authority host is not usable (${errorCode}): it must be an https URL of an Entra ID (or sandbox) authority.`,
      {
        code: `auth.${errorCode}`,
        cause: error,
      },
    );
  }
  if (error instanceof Error && (error as { errorClass?: string }).errorClass) return error as LifeCockpitError;
  const text = error instanceof Error ? error.message : String(error);
  return new AuthenticationError(`Sign-in failed: ${text}`, { code: `auth.${errorCode ?? 'failed'}`, cause: error });
}
