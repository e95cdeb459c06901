// The sandbox's own outbound HTTP (Graph's subscription validation, Stripe's webhook deliveries):
// plain node http/https with the sandbox CA trusted besides the system roots, and a timeout (Graph
// gives a notification URL 10 seconds to answer validation).

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { ServiceContext } from './types';

export function createOutbound(caPem: string, timeoutMs = 10_000): ServiceContext['outbound'] {
  const ca = [...rootCertificates, caPem];
  return (url, init) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        target,
        {
          method: init.method,
          headers: init.headers,
          timeout: timeoutMs,
          ...(target.protocol === 'https:' ? { ca } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`No answer from ${target.origin} within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(init.body);
    });
}
