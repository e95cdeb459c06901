// A profile's clients, built in one place for the editor, the CLI and any later worker: the HTTP layer
// (trusting the profile's CA for its own hosts only), the signed-in token provider, the Graph client
// and, when the profile names an environment, the Dataverse client.
import type { Client } from '@microsoft/microsoft-graph-client';
import { resourcesFor, type TokenProvider } from '../auth';
import type { Profile } from '../config';
import { DataverseClient } from '../dataverse';
import { createGraphClient } from '../graph';
import { createProfileHttpClient, type HttpClient } from '../http';
import type { Logger } from '../log';

export interface ConnectDeps {
  /** The logger of the API calls (the `api` category). */
  log: Logger;
  /**
   * An HTTP client already built for this profile's configuration (the editor keeps one per
   * configuration and closes it itself); without it, connect builds one that close() closes.
   */
  http?: HttpClient;
  /** The signed-in token provider, given the HTTP client its token requests go through. */
  tokens: (http: HttpClient) => TokenProvider | Promise<TokenProvider>;
}

export interface ProfileClients {
  readonly profile: Profile;
  readonly http: HttpClient;
  readonly tokens: TokenProvider;
  readonly graph: Client;
  /** Undefined when the profile names no Dataverse environment. */
  readonly dataverse: DataverseClient | undefined;
  /** Closes the HTTP client when connect built it; a client passed in stays open. */
  close(): Promise<void>;
}

export async function connect(profile: Profile, deps: ConnectDeps): Promise<ProfileClients> {
  const owned = deps.http === undefined;
  const http = deps.http ?? createProfileHttpClient(profile, deps.log);
  const close = (): Promise<void> => (owned ? http.close() : Promise.resolve());
  let tokens: TokenProvider;
  try {
    tokens = await deps.tokens(http);
  } catch (error) {
    await close();
    throw error;
  }
  const resources = resourcesFor(profile);
  const dataverse =
    resources.dataverse && profile.dataverseUrl
      ? new DataverseClient({
          http,
          tokens,
          resource: resources.dataverse,
          baseUrl: profile.dataverseUrl,
          log: deps.log,
        })
      : undefined;
  return {
    profile,
    http,
    tokens,
    graph: createGraphClient({ http, tokens, resource: resources.graph, graphUrl: profile.graphUrl }),
    dataverse,
    close,
  };
}
