// Microsoft Graph through @microsoft/microsoft-graph-client, sending through our HTTP layer. The bearer
// token is attached here, not by the SDK's AuthenticationHandler, and only for the profile's own Graph
// origin; a 401 drops that token and retries once with a fresh one (a revoked or rotated token), the
// same rule as Dataverse (auth's sendAuthorized).
import { Client, GraphError } from '@microsoft/microsoft-graph-client';
import { sendAuthorized, type Resource, type TokenProvider } from '../auth';
import {
  AuthenticationError,
  ExternalServiceError,
  NotFoundError,
  TransientError,
  ValidationError,
  type LifeCockpitError,
} from '../errors';
import { graphFetchMiddleware, type HttpClient, type HttpRequest } from '../http';

export interface GraphClientOptions {
  http: HttpClient;
  tokens: TokenProvider;
  resource: Resource;
  /** https://graph.microsoft.com, a sovereign cloud's, or the sandbox's graphUrl. */
  graphUrl: string;
}

export function createGraphClient(options: GraphClientOptions): Client {
  const { http, tokens, resource } = options;
  const graphOrigin = new URL(options.graphUrl).origin;
  // A URL on another origin (a link a response handed us) gets no token.
  const send = (request: HttpRequest) =>
    new URL(request.url).origin === graphOrigin
      ? sendAuthorized(http, tokens, resource, request)
      : http.request(request);
  return Client.initWithMiddleware({
    middleware: graphFetchMiddleware(http, { send }),
    baseUrl: options.graphUrl.replace(/\/+$/, ''),
    customHosts: new Set([new URL(options.graphUrl).hostname]),
  });
}

/** Maps the SDK's GraphError (Graph's `{error:{code,message}}`) to our typed errors. */
export function translateGraphError(error: unknown, what: string): LifeCockpitError {
  if (!(error instanceof GraphError)) {
    return error instanceof Error && 'errorClass' in error
      ? (error as LifeCockpitError)
      : new ExternalServiceError(`Graph: ${what} failed: ${String(error)}`, { code: 'graph.failed', cause: error });
  }
  // Retry-After stays with the error, so a caller pacing its own retries (reminders' retryAfterMs) waits as asked.
  const retryAfter = error.headers?.get('retry-after') ?? undefined;
  const detail = { status: error.statusCode, graphCode: error.code, requestId: error.requestId, retryAfter };
  const message = `Graph: ${what} failed: ${error.message}`;
  if (error.statusCode === 401)
    return new AuthenticationError(message, { code: 'graph.unauthorized', detail, cause: error });
  if (error.statusCode === 403)
    return new AuthenticationError(`${message} (the app lacks a Graph application role for this)`, {
      code: 'graph.forbidden',
      detail,
      cause: error,
    });
  if (error.statusCode === 404) return new NotFoundError(message, { code: 'graph.notFound', detail, cause: error });
  if (error.statusCode === 429 || error.statusCode >= 500)
    return new TransientError(message, { code: 'graph.unavailable', detail, cause: error });
  if (error.statusCode === 400) return new ValidationError(message, { code: 'graph.badRequest', detail, cause: error });
  return new ExternalServiceError(message, { code: 'graph.failed', detail, cause: error });
}
