// Lets @azure/communication-sms send through the HTTP layer: a core-rest-pipeline HttpClient whose requests
// go to our HttpClient as the 'acs' service (timeouts, Retry-After on 429, breaker, one redacted log line).
// The SDK's own retry policy is switched off by the channel (retryOptions.maxRetries 0), so nothing is sent
// twice behind the layer's back; a failure without an answer comes back as the layer's typed error.
import {
  createHttpHeaders,
  type HttpClient as PipelineHttpClient,
  type PipelineRequest,
} from '@azure/core-rest-pipeline';
import { ValidationError } from '../../errors';
import type { HttpClient, HttpMethod } from '../../http';

const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function acsPipelineHttpClient(http: HttpClient): PipelineHttpClient {
  return {
    async sendRequest(request: PipelineRequest) {
      const method = request.method.toUpperCase();
      if (!METHODS.has(method)) {
        throw new ValidationError(`ACS request method ${method} is not supported.`, { code: 'channels.acsMethod' });
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of request.headers) headers[name] = value;
      const response = await http.request({
        service: 'acs',
        method: method as HttpMethod,
        url: request.url,
        headers,
        body: bodyOf(request),
        ...(request.abortSignal ? { signal: request.abortSignal as AbortSignal } : {}),
        ...(request.timeout > 0 ? { timeoutMs: request.timeout } : {}),
      });
      return {
        request,
        status: response.status,
        headers: createHttpHeaders(response.headers),
        bodyAsText: await response.text(),
      };
    },
  };
}

/** The SMS API sends JSON text; anything else (streams, form data) is not something this client sends. */
function bodyOf(request: PipelineRequest): string | Buffer | Uint8Array | undefined {
  const body = request.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  throw new ValidationError('ACS request bodies other than text or bytes are not supported.', {
    code: 'channels.acsBody',
  });
}
