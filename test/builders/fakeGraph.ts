// A Graph client for unit tests: the real SDK (request building, $batch bodies, RAW responses) with its last
// middleware answering from a handler instead of the network, and every request recorded.
import { Client, type Context } from '@microsoft/microsoft-graph-client';

export interface FakeGraphRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeGraphAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type FakeGraphHandler = (request: FakeGraphRequest) => FakeGraphAnswer | Promise<FakeGraphAnswer>;

export function fakeGraph(handler: FakeGraphHandler): { client: Client; requests: FakeGraphRequest[] } {
  const requests: FakeGraphRequest[] = [];
  const client = Client.initWithMiddleware({
    middleware: {
      execute: async (context: Context): Promise<void> => {
        const url = new URL(typeof context.request === 'string' ? context.request : context.request.url);
        const headers: Record<string, string> = {};
        new Headers(context.options?.headers).forEach((value, name) => (headers[name] = value));
        const raw = context.options?.body;
        const body: unknown = typeof raw === 'string' && raw !== '' ? JSON.parse(raw) : undefined;
        const request = { method: (context.options?.method ?? 'GET').toUpperCase(), url, headers, body };
        requests.push(request);
        const answer = await handler(request);
        const text = answer.body === undefined ? null : JSON.stringify(answer.body);
        context.response = new Response(answer.status === 202 || answer.status === 204 ? null : text, {
          status: answer.status,
          headers: { 'content-type': 'application/json', ...answer.headers },
        });
      },
    },
  });
  return { client, requests };
}
