// A small msal-node INetworkModule over node:https that trusts the sandbox CA, so tests can run the real
// ConfidentialClientApplication in-process without NODE_EXTRA_CA_CERTS.

import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { request } from 'node:https';

export function sandboxNetworkModule(caPem: string): INetworkModule & { requests: string[] } {
  const requests: string[] = [];
  const send = <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> =>
    new Promise((resolve, reject) => {
      requests.push(`${method} ${new URL(url).pathname}`);
      const req = request(url, { method, headers: options?.headers, ca: caPem }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers[name] = value;
          try {
            resolve({
              headers,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T,
              status: res.statusCode ?? 0,
            });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      });
      req.on('error', reject);
      req.end(options?.body);
    });
  return {
    requests,
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}
