// Secrets outside the editor come from environment variables only (SECRET_ENV names them): the CLI reads the
// process environment, then the workspace's git-ignored `.env`; the worker reads its app settings. One lookup
// for both, so a secret has the same name and the same meaning wherever Life Cockpit runs without an editor.
import { SECRET_ENV, type SecretName } from './schema';

type Variables = Readonly<Record<string, string | undefined>>;

/** A secret's value from the first layer that sets it (an empty variable counts as unset). */
export function environmentSecrets(...layers: Variables[]): (name: SecretName) => string | undefined {
  return (name) => {
    for (const layer of layers) {
      const value = layer[SECRET_ENV[name]];
      if (value) return value;
    }
    return undefined;
  };
}
