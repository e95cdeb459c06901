// Turns what Entra ID answers (AADSTS codes inside msal-node's errors) into errors a practitioner can
// act on: what went wrong, and what to fix in the Entra admin center (or, against the sandbox, in the
// sandbox). msal keys its ServerError on the response body (wire-facts §1), so the AADSTS number is read
// from errorNo or the message text. Throttling, an outage and an untrusted certificate arrive as our own
// typed errors riding on msal's network_error (http/msalNetworkClient.ts) and are said as what they are;
// msal's "Error(s): Not Available - Timestamp: Not Available" boilerplate never reaches the user.
import { AuthenticationError, LifeCockpitError, TransientError, ValidationError } from '../errors';

export interface AuthContext {
  tenantId?: string;
  clientId?: string;
  resource?: string;
  /** The authority host signed in to, for messages. */
  authorityHost?: string;
  /** Signing in to the built-in sandbox: advice points at the sandbox, not the Entra admin center. */
  sandbox?: boolean;
  /** The typed error our network client threw during this sign-in, when msal dropped it. */
  networkFailure?: LifeCockpitError;
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

const READY_LINE = 'the running sandbox’s ready line (`lc sandbox --json`)';

/** The same AADSTS codes against the sandbox: what to check there (its ready line), never the admin center. */
const SANDBOX_AADSTS: Readonly<Record<number, Explain>> = {
  7000215: (c) =>
    `The client secret is not valid for app ${c.clientId ?? ''} in the sandbox: use the sandbox’s own secret, the "clientSecret" of ${READY_LINE}, with nothing before or after it (a final period or a space copied with it is enough to refuse it). Start Sandbox in the editor signs in with it by itself.`,
  7000222: (c) =>
    `The client secret of app ${c.clientId ?? ''} has expired in the sandbox’s directory. Sign in with the current "clientSecret" of ${READY_LINE}.`,
  7000218: () => `No client secret or certificate was sent. Use the "clientSecret" of ${READY_LINE}.`,
  700016: (c) =>
    `No application with client id ${c.clientId ?? ''} exists in the sandbox’s tenant ${c.tenantId ?? ''}. Use the "clientId" and "tenantId" of ${READY_LINE}, or run Start Sandbox, which writes them.`,
  90002: (c) =>
    `Tenant ${c.tenantId ?? ''} was not found in the sandbox. Use the "tenantId" of ${READY_LINE}, or run Start Sandbox again.`,
  700027: () =>
    `The sandbox does not know this certificate. Use the sandbox’s own certificate (the "certificate" of ${READY_LINE}).`,
};

function sandboxFallback(code: number): Explain {
  return () =>
    `The sandbox’s Entra ID refused the sign-in (AADSTS${code}). Check the profile’s tenant, app and secret against ${READY_LINE}, or run Start Sandbox again; the log has the full answer.`;
}

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
  // Throttling, an outage or an untrusted certificate is the fact to tell, whatever text came with it.
  const carried = carriedError(error) ?? ctx.networkFailure;
  const said = carried ? sayWhatHappened(carried, ctx) : undefined;
  if (said) return said;
  if (code !== undefined) {
    const explain = ctx.sandbox ? (SANDBOX_AADSTS[code] ?? sandboxFallback(code)) : AADSTS[code];
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
    if (carried)
      return new TransientError(
        `Cannot reach the sign-in service for tenant ${ctx.tenantId ?? ''}: ${carried.message}`,
        {
          code: `auth.${errorCode}`,
          retriable: carried.retriable,
          cause: error,
        },
      );
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
  return new AuthenticationError(`Sign-in failed: ${plainMsalMessage(error, errorCode)}`, {
    code: `auth.${errorCode ?? 'failed'}`,
    cause: error,
  });
}

/** Our typed error that msal carried as its network_error's cause (see http/msalNetworkClient.ts). */
function carriedError(error: unknown): LifeCockpitError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (current instanceof LifeCockpitError && current !== error) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Throttling, an outage and an untrusted certificate: three different things, said as such. */
function sayWhatHappened(carried: LifeCockpitError, ctx: AuthContext): LifeCockpitError | undefined {
  const detail = (carried.detail ?? {}) as { status?: number; retryAfter?: string };
  const injected = ctx.sandbox ? ' (The sandbox answers this when a fault is injected: see its faults.)' : '';
  if (carried.code === 'entra.throttled') {
    return new TransientError(
      `Microsoft Entra ID is throttling sign-in requests (429), longer than Life Cockpit waits on its own. Try again ${whenToRetry(detail.retryAfter) ?? 'in a minute'}.${injected}`,
      { code: 'auth.throttled', cause: carried, detail },
    );
  }
  if (carried.code === 'entra.unavailable') {
    const status = detail.status ?? 503;
    return new TransientError(
      `Microsoft Entra ID is unavailable (${status}): the sign-in service is down or overloaded, not your network or settings. Try again ${whenToRetry(detail.retryAfter) ?? 'in a few minutes'}.${injected}`,
      { code: 'auth.unavailable', cause: carried, detail },
    );
  }
  if (carried.code === 'http.tlsUntrusted') {
    const lowLevel = (carried.detail as { lowLevelCode?: string } | undefined)?.lowLevelCode;
    const where = ctx.authorityHost ?? 'The sign-in service';
    return new ValidationError(
      `${where} presented a certificate this computer does not trust${lowLevel ? ` (${lowLevel})` : ''}. ` +
        'For the sandbox, the profile’s caFile (lifeCockpit.profiles[].caFile, or LC_CA_FILE) must name the sandbox’s CA certificate, in a profile of kind "sandbox" (no other kind trusts an extra CA). ' +
        'Behind a proxy that inspects TLS, start the editor or lc with NODE_EXTRA_CA_CERTS naming the proxy’s CA.',
      { code: 'auth.untrustedCertificate', retriable: false, cause: carried },
    );
  }
  return undefined;
}

/** "in 30 s", "in 2 minutes" or "after <date>" from a Retry-After value; undefined when there is none. */
function whenToRetry(retryAfter: string | undefined): string | undefined {
  if (!retryAfter) return undefined;
  const text = retryAfter.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    const seconds = Math.ceil(Number(text));
    if (seconds >= 60 && seconds % 60 === 0) return `in ${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
    return `in ${seconds} s`;
  }
  return `after ${text}`;
}

/**
 * msal words a server's OAuth error as "Error(s): <codes> - Timestamp: <t> - Description: <d> - Correlation ID: …
 * - Trace ID: …", with "Not Available" for whatever the body lacked: keep the description and the error name.
 */
export function plainMsalMessage(error: unknown, errorCode: string | undefined): string {
  const e = error as { errorMessage?: string; message?: string } | undefined;
  const text = e?.errorMessage ?? e?.message ?? String(error);
  const description = /Description:\s*([\s\S]*?)(?:\s+-\s+(?:Correlation ID|Trace ID):|$)/.exec(text)?.[1]?.trim();
  const plain = (description ?? text.replace(/\s*-?\s*[A-Za-z() ]+:\s*Not Available/g, '').trim()).replace(
    /^Error\(s\):\s*/,
    '',
  );
  const withoutCode = errorCode ? plain.replace(new RegExp(`^${errorCode}:\\s*`), '') : plain;
  return errorCode && withoutCode ? `${withoutCode} (${errorCode})` : withoutCode || (errorCode ?? 'unknown error');
}
