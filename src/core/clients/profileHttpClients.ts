// The editor's HTTP clients, one per profile configuration: a profile keeps its client (and its
// connections and cache) while its configuration stays the same, and the client of a configuration
// that was replaced (another port, another CA) is closed, so no socket or trust outlives it.
import type { Profile } from '../config';
import type { HttpClient } from '../http';

export class ProfileHttpClients {
  private readonly byProfile = new Map<string, { configuration: string; http: HttpClient }>();

  constructor(private readonly build: (profile: Profile) => HttpClient) {}

  /** The client for this configuration of the profile, closing the one of a replaced configuration. */
  for(profile: Profile): HttpClient {
    const configuration = JSON.stringify(profile);
    const held = this.byProfile.get(profile.name);
    if (held?.configuration === configuration) return held.http;
    if (held) void held.http.close();
    const http = this.build(profile);
    this.byProfile.set(profile.name, { configuration, http });
    return http;
  }

  async close(): Promise<void> {
    const clients = [...this.byProfile.values()].map((held) => held.http);
    this.byProfile.clear();
    await Promise.all(clients.map((http) => http.close()));
  }
}
