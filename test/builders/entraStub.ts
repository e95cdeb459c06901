// A minimal Entra ID token service on 127.0.0.1 over HTTPS, enough for msal-node's client-credentials
// flow: the tenant's openid-configuration and a token endpoint. Every request is recorded, so a test
// can prove what reached this host (a client secret, or nothing). `answer` replaces the token answer.
import type { ServerResponse } from 'node:http';
import { TestServer, type SeenRequest, type TestCertificate } from '../unit/http/testServer';

export interface EntraStub {
  origin: string;
  server: TestServer;
  /** Token requests that carried a client secret. */
  secretsSeen(): string[];
  /** Replaces the token endpoint's answer (status, headers, body); undefined restores the default. */
  answer: ((request: SeenRequest, response: ServerResponse) => void) | undefined;
  stop(): Promise<void>;
}

export function fakeJwt(claims: object): string {
  return `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
}

export async function startEntraStub(certificate: TestCertificate, claims: object = {}): Promise<EntraStub> {
  const server = new TestServer(certificate);
  const origin = await server.start();
  const stub: EntraStub = {
    origin,
    server,
    answer: undefined,
    secretsSeen: () =>
      server.requests
        .map((r) => new URLSearchParams(r.body).get('client_secret'))
        .filter((s): s is string => s !== null),
    stop: () => server.stop(),
  };
  server.handler = (request, response) => {
    const path = new URL(request.url, origin).pathname;
    const tenant = path.split('/')[1] ?? 'common';
    if (request.method === 'GET' && path.endsWith('/.well-known/openid-configuration')) {
      const base = `${origin}/${tenant}`;
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          token_endpoint: `${base}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
          issuer: `${origin}/${tenant}/v2.0`,
        }),
      );
      return;
    }
    if (request.method === 'POST' && path.endsWith('/oauth2/v2.0/token')) {
      if (stub.answer) return stub.answer(request, response);
      const scope = new URLSearchParams(request.body).get('scope') ?? '';
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          token_type: 'Bearer',
          expires_in: 3600,
          ext_expires_in: 3600,
          access_token: fakeJwt({ aud: scope.replace(/\/\.default$/, ''), tid: tenant, ...claims }),
        }),
      );
      return;
    }
    response.statusCode = 404;
    response.end('{}');
  };
  return stub;
}
