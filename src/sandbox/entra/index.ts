// The sandbox's Entra ID: the metadata documents msal-node reads, the client-credentials token
// endpoint, and the TokenVerifier the other services check bearer tokens with. It counts token
// requests so tests can assert that a client caches its token.

import type {
  PracticeSeed,
  SandboxRequest,
  SandboxResponse,
  SandboxService,
  ServiceContext,
  TokenVerifier,
} from '../types';
import { issueAccessToken, type SigningKey } from './accessTokens';
import { buildDirectory, describeDirectory, findTenant, type EntraDirectory } from './directory';
import { MULTI_TENANT_SEGMENTS, instanceDiscovery, jwks, openIdConfigurationFor } from './discovery';
import { AAD, aadError, aadHeaders, type AadRequestIds } from './errors';
import { decideTokenRequest } from './tokenEndpoint';
import { DEVICE_CODE_GRANTS, DeviceCodeFlow, type DelegatedDecision } from './deviceCode';
import { issueDelegatedTokens, type DirectoryUser } from './delegatedTokens';

export { createTokenVerifier, audienceMatches } from './verifier';
export { GRAPH_RESOURCE, GRAPH_APP_ID } from './accessTokens';
export { aadTimestamp } from './errors';
export type { EntraDirectory, EntraApp, EntraTenant } from './directory';

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3599;

export interface EntraOptions {
  signing: SigningKey;
  /** PEM of the app's client-assertion certificate (registered on the practice's app). */
  appCertificatePem: string;
  tokenLifetimeSeconds?: number;
  /** The device-code `interval` clients poll at (Entra: 5 seconds). */
  deviceCodeIntervalSeconds?: number;
  /** Tests: device codes count as approved as soon as they are issued. */
  autoApproveDeviceCodes?: boolean;
}

export interface MintTokenOptions {
  audience: string;
  roles?: string[];
  lifetimeSeconds?: number;
  clientId?: string;
}

export interface EntraService extends SandboxService {
  readonly tokens: TokenVerifier;
  /** Signs a token without a token request (tests: expired tokens, other audiences, other roles). */
  mintToken(options: MintTokenOptions): string;
  directory(): EntraDirectory;
  tokenRequestCount(): number;
  /** Stands in for the user entering a device code and consenting (or refusing); false if no such pending code. */
  settleDeviceCode(userCode: string, outcome: 'approved' | 'declined'): boolean;
}

export function createEntraService(ctx: ServiceContext, options: EntraOptions): EntraService {
  const lifetime = options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  let directory: EntraDirectory = { tenants: [], apps: [] };
  let tokenRequests = 0;
  let tokensIssued = 0;
  let user: DirectoryUser | undefined;
  const deviceCodes = new DeviceCodeFlow({
    urls: ctx.urls,
    prng: ctx.prng,
    now: () => ctx.clock.now(),
    intervalSeconds: options.deviceCodeIntervalSeconds,
    autoApprove: options.autoApproveDeviceCodes,
  });

  const ids = (request: SandboxRequest): AadRequestIds => ({
    traceId: request.requestId,
    correlationId: headerValue(request.headers['client-request-id']) ?? ctx.prng.uuid(),
    now: ctx.clock.now(),
  });

  const token = (request: SandboxRequest, tenantSegment: string): SandboxResponse => {
    tokenRequests++;
    const form = new URLSearchParams(request.body.toString('utf8'));
    const grant = form.get('grant_type');
    if ((grant !== null && DEVICE_CODE_GRANTS.has(grant)) || grant === 'refresh_token')
      return delegatedToken(request, tenantSegment, form);
    const decision = decideTokenRequest(request, tenantSegment, { directory, urls: ctx.urls, nowMs: ctx.clock.now() });
    if (!decision.ok) return aadError(decision.error, ids(request));
    tokensIssued++;
    const accessToken = issueAccessToken(
      {
        app: decision.app,
        audience: decision.audience,
        roles: decision.roles,
        lifetimeSeconds: lifetime,
        nowMs: ctx.clock.now(),
        appidacr: decision.appidacr,
      },
      options.signing,
      ctx.prng,
    );
    return {
      status: 200,
      headers: { ...aadHeaders(ids(request)), 'content-type': 'application/json; charset=utf-8' },
      body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken },
    };
  };

  /** The device-code and refresh-token grants: the practitioner signs in as themself. */
  const delegatedToken = (request: SandboxRequest, tenantSegment: string, form: URLSearchParams): SandboxResponse => {
    const tenant = findTenant(directory, tenantSegment);
    if (tenant === undefined) return aadError(AAD.tenantNotFound(tenantSegment), ids(request));
    const decision: DelegatedDecision = DEVICE_CODE_GRANTS.has(form.get('grant_type') ?? '')
      ? deviceCodes.redeem(form, tenant.tenantId)
      : deviceCodes.refresh(form, tenant.tenantId);
    if (!decision.ok) return aadError(decision.error, ids(request));
    if (user === undefined) throw new Error('entra: no practice loaded');
    tokensIssued++;
    const issued = issueDelegatedTokens(
      {
        app: decision.app,
        user,
        audience: decision.audience,
        lifetimeSeconds: lifetime,
        nowMs: ctx.clock.now(),
        authorityHost: ctx.urls.authorityHost,
      },
      options.signing,
      ctx.prng,
    );
    return {
      status: 200,
      headers: { ...aadHeaders(ids(request)), 'content-type': 'application/json; charset=utf-8' },
      body: {
        token_type: 'Bearer',
        scope: issued.scope,
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token: issued.accessToken,
        refresh_token: deviceCodes.issueRefreshToken(decision.app),
        id_token: issued.idToken,
        client_info: issued.clientInfo,
      },
    };
  };

  const deviceCode = (request: SandboxRequest, tenantSegment: string): SandboxResponse => {
    const started = deviceCodes.start(request, tenantSegment, directory);
    if (!started.ok) return aadError(started.error, ids(request));
    return { status: 200, headers: aadHeaders(ids(request)), body: started.body };
  };

  const openIdConfig = (request: SandboxRequest, tenantSegment: string): SandboxResponse => {
    const tenant = findTenant(directory, tenantSegment);
    if (tenant === undefined && !MULTI_TENANT_SEGMENTS.has(tenantSegment.toLowerCase())) {
      // The discovery document answers an unknown tenant with `invalid_tenant` (not invalid_request).
      return aadError({ ...AAD.tenantNotFound(tenantSegment), error: 'invalid_tenant' }, ids(request));
    }
    return {
      status: 200,
      headers: aadHeaders(ids(request)),
      body: openIdConfigurationFor(ctx.urls, tenantSegment, tenant),
    };
  };

  const route = (request: SandboxRequest): SandboxResponse | undefined => {
    const segments = request.path.split('?')[0]?.split('/').filter(Boolean) ?? [];
    const [tenantSegment, ...rest] = segments.map((s) => decodeURIComponent(s));
    const tail = rest.join('/');
    if (tenantSegment === undefined) return undefined;
    if (request.method === 'GET' && tenantSegment === 'common' && tail === 'discovery/instance') {
      return { status: 200, body: instanceDiscovery(ctx.urls, request.url.searchParams.get('authorization_endpoint')) };
    }
    if (request.method === 'GET' && tail === 'v2.0/.well-known/openid-configuration')
      return openIdConfig(request, tenantSegment);
    if (request.method === 'GET' && (tail === 'discovery/v2.0/keys' || tail === 'discovery/keys')) {
      const issuer = `${ctx.urls.authorityHost}/${findTenant(directory, tenantSegment)?.tenantId ?? '{tenantid}'}/v2.0`;
      return { status: 200, body: jwks(options.signing.cert, options.signing.kid, issuer) };
    }
    if (request.method === 'POST' && tail === 'oauth2/v2.0/devicecode') return deviceCode(request, tenantSegment);
    if (tail === 'oauth2/v2.0/token') {
      // Entra answers a GET on the token endpoint with AADSTS900561 (POST required).
      if (request.method !== 'POST') {
        return aadError(
          {
            status: 400,
            error: 'invalid_request',
            code: 900561,
            message: 'The endpoint only accepts POST requests. Received a GET request.',
          },
          ids(request),
        );
      }
      return token(request, tenantSegment);
    }
    return undefined;
  };

  return {
    name: 'entra',
    tokens: ctx.tokens,
    handle: (request) => Promise.resolve(route(request)),
    load(practice: PracticeSeed) {
      directory = buildDirectory(practice, options.appCertificatePem, ctx.clock.now());
      const { userId, displayName, mail } = practice.practitioner;
      user = { oid: userId.toLowerCase(), displayName, upn: mail };
      deviceCodes.clear();
      tokenRequests = 0;
      tokensIssued = 0;
    },
    // The directory is derived from the practice, which the server persists; only counters are state.
    exportState: () => ({ tokenRequests, tokensIssued }),
    importState(state: unknown) {
      const s = state as { tokenRequests?: unknown; tokensIssued?: unknown } | undefined;
      tokenRequests = typeof s?.tokenRequests === 'number' ? s.tokenRequests : 0;
      tokensIssued = typeof s?.tokensIssued === 'number' ? s.tokensIssued : 0;
    },
    inspect: () => ({
      tokenRequests,
      tokensIssued,
      tokenLifetimeSeconds: lifetime,
      pendingDeviceCodes: deviceCodes.pendingCount(),
      directory: describeDirectory(directory),
    }),
    mintToken(mint: MintTokenOptions): string {
      const home = directory.apps[0];
      const app = mint.clientId === undefined ? home : directory.apps.find((a) => a.clientId === mint.clientId);
      if (app === undefined)
        throw new Error(`mintToken: no app ${mint.clientId ?? '(practice app)'} in the sandbox directory`);
      return issueAccessToken(
        {
          app,
          audience: mint.audience,
          roles: mint.roles,
          lifetimeSeconds: mint.lifetimeSeconds ?? lifetime,
          nowMs: ctx.clock.now(),
          appidacr: '1',
        },
        options.signing,
        ctx.prng,
      );
    },
    directory: () => directory,
    tokenRequestCount: () => tokenRequests,
    settleDeviceCode: (userCode, outcome) => deviceCodes.settle(userCode, outcome),
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
