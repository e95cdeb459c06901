// Microsoft Graph through @microsoft/microsoft-graph-client, sending through our HTTP layer. The SDK
// attaches the token only to Microsoft's Graph hosts unless `customHosts` names another host
// (hostname only, no port): the sandbox's, or a sovereign cloud's.
import { Client, GraphError, type AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import type { Resource, TokenProvider } from '../auth';
import {
  AuthenticationError,
  ExternalServiceError,
  NotFoundError,
  TransientError,
  ValidationError,
  type LifeCockpitError,
} from '../errors';
import { graphMiddlewareChain, type HttpClient } from '../http';

export interface GraphClientOptions {
  http: HttpClient;
  tokens: TokenProvider;
  resource: Resource;
  /** https://graph.microsoft.com, a sovereign cloud's, or the sandbox's graphUrl. */
  graphUrl: string;
}

export function createGraphClient(options: GraphClientOptions): Client {
  const authProvider: AuthenticationProvider = { getAccessToken: () => options.tokens.getToken(options.resource) };
  const host = new URL(options.graphUrl).hostname;
  return Client.initWithMiddleware({
    middleware: graphMiddlewareChain(options.http, authProvider),
    baseUrl: options.graphUrl.replace(/\/+$/, ''),
    customHosts: new Set([host]),
  });
}

/** Maps the SDK's GraphError (Graph's `{error:{code,message}}`) to our typed errors. */
export function translateGraphError(error: unknown, what: string): LifeCockpitError {
  if (!(error instanceof GraphError)) {
    return error instanceof Error && 'errorClass' in error
      ? (error as LifeCockpitError)
      : new ExternalServiceError(`Graph: ${what} failed: ${String(error)}`, { code: 'graph.failed', cause: error });
  }
  const detail = { status: error.statusCode, graphCode: error.code, requestId: error.requestId };
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
