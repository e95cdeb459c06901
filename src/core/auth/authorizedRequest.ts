// Sends a request with the resource's bearer token through the HTTP layer. A 401 drops that token
// once and retries once with a fresh one (a revoked or rotated token); a second 401 is the answer.
import type { HttpClient, HttpRequest, HttpResponse } from '../http';
import type { Resource, TokenProvider } from './tokenProvider';

export async function sendAuthorized(
  http: HttpClient,
  tokens: TokenProvider,
  resource: Resource,
  request: HttpRequest,
): Promise<HttpResponse> {
  const first = await tokens.getToken(resource, request.signal);
  const response = await http.request(withBearer(request, first));
  if (response.status !== 401) return response;
  await response.bytes(); // drain, so the pooled connection is reusable
  tokens.invalidate(resource, first);
  const second = await tokens.getToken(resource, request.signal);
  return http.request(withBearer(request, second));
}

function withBearer(request: HttpRequest, token: string): HttpRequest {
  return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
}
