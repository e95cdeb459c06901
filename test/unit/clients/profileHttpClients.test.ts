// The editor keeps one HTTP client per profile configuration; when a configuration is replaced (the
// sandbox restarted on another port, a profile edited), the old client is closed, not leaked.
import { strict as assert } from 'node:assert';
import { ProfileHttpClients } from '../../../src/core/clients';
import { profileSchema, type Profile } from '../../../src/core/config';
import type { HttpClient } from '../../../src/core/http';

function aProfile(fields: Record<string, unknown> = {}): Profile {
  return profileSchema.parse({
    name: 'sandbox',
    kind: 'sandbox',
    tenantId: '11111111-1111-4111-8111-111111111111',
    clientId: '22222222-2222-4222-8222-222222222222',
    dataverseUrl: 'https://127.0.0.1:40001',
    ...fields,
  });
}

function fakeClients(): { clients: ProfileHttpClients; built: Array<{ profile: Profile; closed: number }> } {
  const built: Array<{ profile: Profile; closed: number }> = [];
  const clients = new ProfileHttpClients((profile) => {
    const record = { profile, closed: 0 };
    built.push(record);
    return { close: async () => void record.closed++ } as unknown as HttpClient;
  });
  return { clients, built };
}

describe('ProfileHttpClients', () => {
  it('keeps one client while a profile’s configuration stays the same', () => {
    const { clients, built } = fakeClients();
    assert.equal(clients.for(aProfile()), clients.for(aProfile()));
    assert.equal(built.length, 1);
  });

  it('closes the client of a configuration that was replaced', () => {
    const { clients, built } = fakeClients();
    const before = clients.for(aProfile());
    const after = clients.for(aProfile({ dataverseUrl: 'https://127.0.0.1:40002' }));
    assert.notEqual(before, after);
    assert.deepEqual(
      built.map((b) => b.closed),
      [1, 0],
    );
  });

  it('keeps other profiles’ clients open, and closes every client on close()', async () => {
    const { clients, built } = fakeClients();
    clients.for(aProfile());
    clients.for(aProfile({ name: 'practice', kind: 'live' }));
    assert.deepEqual(
      built.map((b) => b.closed),
      [0, 0],
    );
    await clients.close();
    assert.deepEqual(
      built.map((b) => b.closed),
      [1, 1],
    );
  });
});
