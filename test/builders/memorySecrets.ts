// An in-memory SecretStore for tests: what the editor's SecretStorage holds, inspectable through `map`.
import type { SecretStore } from '../../src/core/auth';

export class MemorySecrets implements SecretStore {
  readonly map = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.map.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.map.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }
}
