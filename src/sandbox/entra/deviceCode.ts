// The device-code flow (RFC 8628) as Entra v2.0 runs it: POST /{tenant}/oauth2/v2.0/devicecode hands
// out a device_code and a user_code; the token endpoint answers 400 authorization_pending (AADSTS70016)
// until the sandbox approves the code, then a delegated token for the practitioner, or
// authorization_declined / expired_token. The refresh_token grant serves further resources silently.

import type { Prng, SandboxRequest, SandboxUrls } from '../types';
import { GRAPH_RESOURCE } from './accessTokens';
import { findApp, findTenant, type EntraApp, type EntraDirectory } from './directory';
import { AAD, type AadErrorSpec } from './errors';
import { knownAudience } from './tokenEndpoint';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** msal sends the short form `device_code`, which Entra also accepts. */
export const DEVICE_CODE_GRANTS: ReadonlySet<string> = new Set([DEVICE_CODE_GRANT, 'device_code']);
/** Entra's device codes live 15 minutes and ask clients to poll every 5 seconds. */
export const DEVICE_CODE_LIFETIME_SECONDS = 900;
export const DEFAULT_POLL_INTERVAL_SECONDS = 5;

type DeviceCodeStatus = 'pending' | 'approved' | 'declined' | 'redeemed';

interface PendingCode {
  deviceCode: string;
  userCode: string;
  app: EntraApp;
  expiresAt: number;
  status: DeviceCodeStatus;
}

interface RefreshGrant {
  app: EntraApp;
}

export type DelegatedDecision = { ok: true; app: EntraApp; audience: string } | { ok: false; error: AadErrorSpec };

export interface DeviceCodeOptions {
  urls: SandboxUrls;
  prng: Prng;
  now: () => number;
  intervalSeconds?: number;
  /** Tests: codes count as approved the moment they are issued. */
  autoApprove?: boolean;
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

export const DEVICE_AAD = {
  pending: (): AadErrorSpec => ({
    status: 400,
    error: 'authorization_pending',
    code: 70016,
    message: 'The provided request has not yet been authorized by the user. The user must input their code.',
  }),
  expired: (): AadErrorSpec => ({
    status: 400,
    error: 'expired_token',
    code: 70020,
    message: "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
  }),
  // Entra documents the error name and wording for a refusal but no AADSTS number; 70000 is its generic invalid-grant code.
  declined: (): AadErrorSpec => ({
    status: 400,
    error: 'authorization_declined',
    code: 70000,
    message: 'The end user denied the authorization request.',
  }),
  badCode: (): AadErrorSpec => ({
    status: 400,
    error: 'bad_verification_code',
    code: 70019,
    message: "The provided value for the input parameter 'device_code' is not valid.",
  }),
  badRefresh: (): AadErrorSpec => ({
    status: 400,
    error: 'invalid_grant',
    code: 9002313,
    message: 'Invalid request. Request is malformed or invalid. The refresh token is not valid.',
  }),
};

export class DeviceCodeFlow {
  private readonly codes = new Map<string, PendingCode>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();

  constructor(private readonly options: DeviceCodeOptions) {}

  /** POST /{tenant}/oauth2/v2.0/devicecode */
  start(
    request: SandboxRequest,
    tenantSegment: string,
    directory: EntraDirectory,
  ): { ok: true; body: object } | { ok: false; error: AadErrorSpec } {
    const tenant = findTenant(directory, tenantSegment);
    if (tenant === undefined) return { ok: false, error: AAD.tenantNotFound(tenantSegment) };
    const form = new URLSearchParams(request.body.toString('utf8'));
    const clientId = form.get('client_id');
    if (!clientId) return { ok: false, error: AAD.missingParameter('client_id') };
    const scope = form.get('scope');
    if (!scope?.trim()) return { ok: false, error: AAD.missingParameter('scope') };
    const app = findApp(directory, tenant.tenantId, clientId);
    if (app === undefined) return { ok: false, error: AAD.unknownClient(clientId, tenant.tenantId) };
    const resource = this.resourceOf(scope);
    if ('error' in resource) return { ok: false, error: resource.error };
    const { prng } = this.options;
    const deviceCode = `DAQABAAEAAAD${randomChars(prng, 48)}`;
    // Entra's user codes are eight upper-case letters and digits (captured: "YZMYLD4K").
    const userCode = randomChars(prng, 8, USER_CODE_ALPHABET);
    this.codes.set(deviceCode, {
      deviceCode,
      userCode,
      app,
      expiresAt: this.options.now() + DEVICE_CODE_LIFETIME_SECONDS * 1000,
      status: this.options.autoApprove ? 'approved' : 'pending',
    });
    const verificationUri = `${this.options.urls.origin}/_sandbox/devicelogin`;
    return {
      ok: true,
      body: {
        user_code: userCode,
        device_code: deviceCode,
        verification_uri: verificationUri,
        expires_in: DEVICE_CODE_LIFETIME_SECONDS,
        interval: this.options.intervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS,
        message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
      },
    };
  }

  /** The sandbox's stand-in for the user entering the code and consenting (or refusing). */
  settle(userCode: string, outcome: 'approved' | 'declined'): boolean {
    const wanted = userCode.trim().toUpperCase();
    for (const code of this.codes.values()) {
      if (code.userCode === wanted && code.status === 'pending' && code.expiresAt > this.options.now()) {
        code.status = outcome;
        return true;
      }
    }
    return false;
  }

  /** grant_type=urn:ietf:params:oauth:grant-type:device_code */
  redeem(form: URLSearchParams, tenantId: string): DelegatedDecision {
    const deviceCode = form.get('device_code');
    if (!deviceCode) return { ok: false, error: AAD.missingParameter('device_code') };
    const code = this.codes.get(deviceCode);
    if (code === undefined || code.app.tenantId !== tenantId || code.status === 'redeemed')
      return { ok: false, error: DEVICE_AAD.badCode() };
    if (code.expiresAt <= this.options.now()) return { ok: false, error: DEVICE_AAD.expired() };
    if (code.status === 'pending') return { ok: false, error: DEVICE_AAD.pending() };
    if (code.status === 'declined') return { ok: false, error: DEVICE_AAD.declined() };
    code.status = 'redeemed';
    return this.forScope(code.app, form.get('scope') ?? '');
  }

  /** grant_type=refresh_token (public client: no secret). */
  refresh(form: URLSearchParams, tenantId: string): DelegatedDecision {
    const token = form.get('refresh_token');
    if (!token) return { ok: false, error: AAD.missingParameter('refresh_token') };
    const grant = this.refreshTokens.get(token);
    if (grant === undefined || grant.app.tenantId !== tenantId) return { ok: false, error: DEVICE_AAD.badRefresh() };
    return this.forScope(grant.app, form.get('scope') ?? '');
  }

  issueRefreshToken(app: EntraApp): string {
    const token = `1.AQ${randomChars(this.options.prng, 96)}`;
    this.refreshTokens.set(token, { app });
    return token;
  }

  pendingCount(): number {
    return [...this.codes.values()].filter((c) => c.status === 'pending').length;
  }

  clear(): void {
    this.codes.clear();
    this.refreshTokens.clear();
  }

  private forScope(app: EntraApp, scope: string): DelegatedDecision {
    const resource = this.resourceOf(scope);
    if ('error' in resource) return { ok: false, error: resource.error };
    return { ok: true, app, audience: resource.audience };
  }

  /** Delegated scopes name one resource: `<resource>/.default` or `<resource>/<Permission>`. */
  private resourceOf(scope: string): { audience: string } | { error: AadErrorSpec } {
    const scopes = scope.split(/\s+/).filter((s) => s !== '' && !OIDC_SCOPES.has(s));
    const first = scopes[0];
    if (first === undefined) return { error: AAD.invalidScope(scope) };
    // Bare permission names (User.Read) mean Graph, as Entra reads them.
    const resource = first.includes('/') ? first.slice(0, first.lastIndexOf('/')) : GRAPH_RESOURCE;
    const audience = knownAudience(resource.replace(/\/+$/, ''), this.options.urls);
    if (audience === undefined) return { error: AAD.invalidScope(scope) };
    return { audience };
  }
}

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function randomChars(prng: Prng, length: number, alphabet = TOKEN_ALPHABET): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[prng.int(0, alphabet.length)] ?? 'A';
  return text;
}
