// Lets the stripe SDK send through the HTTP layer: a Stripe.HttpClient whose requests go to HttpClient as the
// 'stripe' service. Give the SDK `stripeSdkOptions(http)`: it also sets maxNetworkRetries to 0, so the SDK does
// not retry on top of the layer. The layer retries only POSTs that carry an Idempotency-Key, which stripe-node
// adds to every v1 POST, so a retried charge is replayed by Stripe, never made twice.
import type { Readable } from 'node:stream';
import Stripe from 'stripe';
import { ValidationError } from '../errors';
import type { HttpClient } from './httpClient';
import type { HttpMethod, HttpResponse } from './types';

type RequestHeaders = Record<string, string | number | string[]>;

/**
 * The layer's classes extend the SDK's, so they are defined when the first Stripe client is made: the
 * extension loads the stripe SDK on first use (esbuild.mjs), and a class defined at module load would
 * load it at every activation.
 */
function defineLayerClient() {
  class LayerResponse extends Stripe.HttpClientResponse {
    constructor(private readonly response: HttpResponse) {
      super(response.status, response.headers);
    }

    override getRawResponse(): HttpResponse {
      return this.response;
    }

    /** The body was already read within the attempt, so the stream is complete from the start. */
    override toStream(streamCompleteCallback: () => void): Readable {
      streamCompleteCallback();
      return this.response.body;
    }

    override async toJSON(): Promise<unknown> {
      // _parseResponseBody keeps the raw text on a parse error, as the SDK's own clients do.
      return this._parseResponseBody(await this.response.text()) as unknown;
    }
  }

  class LayerHttpClient extends Stripe.HttpClient {
    constructor(private readonly http: HttpClient) {
      super();
    }

    override getClientName(): string {
      return 'life-cockpit';
    }

    /**
     * The SDK's `timeout` (always set, 80 s by default) is not used: the stripe ServicePolicy's timeoutMs rules,
     * so every Stripe timeout is configured in one place.
     */
    override async makeRequest(
      host: string,
      port: string,
      path: string,
      method: string,
      headers: RequestHeaders,
      requestData: string,
      protocol: string,
    ): Promise<LayerResponse> {
      // Same guard as the SDK's fetch client: a path not starting with "/" could change the host (see validatePath).
      if (!path.startsWith('/')) {
        throw new ValidationError(`Stripe request path must start with "/": ${path}`, { code: 'http.invalidPath' });
      }
      const url = new URL(`${protocol === 'http' ? 'http' : 'https'}://${host}${path}`);
      if (port) url.port = port;
      const upper = method.toUpperCase() as HttpMethod;
      const hasPayload = upper === 'POST' || upper === 'PUT' || upper === 'PATCH';
      const response = await this.http.request({
        service: 'stripe',
        method: upper,
        url: url.toString(),
        headers: flattenHeaders(headers),
        body: requestData || (hasPayload ? '' : undefined),
      });
      return new LayerResponse(response);
    }
  }
  return LayerHttpClient;
}

let LayerClient: ReturnType<typeof defineLayerClient> | undefined;

function flattenHeaders(headers: RequestHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    flat[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return flat;
}

/** A Stripe.HttpClient that sends through `http`. */
export function stripeHttpClient(http: HttpClient): Stripe.HttpClient {
  LayerClient ??= defineLayerClient();
  return new LayerClient(http);
}

/** The Stripe constructor options that route the SDK through the layer with the SDK's own retries off. */
export function stripeSdkOptions(http: HttpClient): { httpClient: Stripe.HttpClient; maxNetworkRetries: 0 } {
  return { httpClient: stripeHttpClient(http), maxNetworkRetries: 0 };
}
