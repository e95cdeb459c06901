// The sign-in state of the active profile, as one observable value the status bar, the welcome
// views and the CLI all read: signed out, signing in, signed in (tenant, app, roles), or a token
// refresh failing. It tests credentials before saving them, so nothing is saved on failure.
import type { ICachePlugin, INetworkModule } from '@azure/msal-node';
import { systemClock, type Clock } from '../clock';
import type { Profile } from '../config';
import { AuthenticationError, ValidationError, toLifeCockpitError } from '../errors';
import { actorOf, type Logger } from '../log';
import type { Credential } from './credentials';
import { DeviceCodeTokenSource } from './deviceCodeTokenSource';
import { readClaims } from './jwt';
import { MsalTokenSource, tokenCacheKey, type SecretStore } from './msalTokenSource';
import {
  parseSecretTarget,
  sameSecretTarget,
  secretTargetKey,
  secretTargetOf,
  type SecretTargetChange,
} from './secretTarget';
import { TokenProvider, type Resource, type TokenSource } from './tokenProvider';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** The code a token source throws when asked silently and no session exists: restoring then stays signed out. */
export const NO_SILENT_SESSION = 'auth.noSilentSession';

export interface SignedInIdentity {
  tenantId: string;
  clientId: string;
  appName?: string;
  roles: string[];
  /** When the secret or certificate itself expires, when known. */
  credentialExpiresOn?: Date;
  /** Signed in as a user (device code): the account's UPN; absent for app sign-in. */
  userName?: string;
}

export type AuthState =
  | { kind: 'signedOut'; profile?: string; reason?: string }
  | { kind: 'signingIn'; profile: string }
  | { kind: 'signedIn'; profile: string; profileKind: Profile['kind']; identity: SignedInIdentity }
  | {
      kind: 'refreshFailing';
      profile: string;
      profileKind: Profile['kind'];
      identity: SignedInIdentity;
      message: string;
      since: Date;
    };

/** Who an effect is audited as: the signed-in identity, or the profile's app while no sign-in has finished. */
export function actorOfState(state: AuthState, profile: Pick<Profile, 'clientId'>): string {
  return actorOf('identity' in state ? state.identity : { clientId: profile.clientId });
}

export function secretKey(profile: string): string {
  return `lifeCockpit/${profile}/clientSecret`;
}

export function resourcesFor(profile: Profile): { graph: Resource; dataverse?: Resource } {
  return {
    graph: { name: 'graph', scope: GRAPH_SCOPE },
    ...(profile.dataverseUrl ? { dataverse: { name: 'dataverse', scope: `${profile.dataverseUrl}/.default` } } : {}),
  };
}

export interface AuthServiceDeps {
  /** SecretStorage (editor) or a read-only env-backed store (CLI). */
  secrets: SecretStore;
  log: Logger;
  /** The msal network client for a profile (our HTTP layer, trusting the profile's CA). */
  networkClientFor?: (profile: Profile) => INetworkModule | undefined;
  /** Persist msal's token cache in `secrets` (editor: yes; CLI: no). */
  persistTokenCache: boolean;
  /** msal's cache plugin for a profile, instead of `secrets` (the CLI's OS keychain); undefined: as above. */
  tokenCachePluginFor?: (profile: Profile) => ICachePlugin | undefined;
  clock?: Clock;
  /** Tests, and the editor's Microsoft-account provider, substitute the token source; undefined: msal-node. */
  tokenSourceFor?: (profile: Profile, credential: Credential) => TokenSource | undefined;
  /** Told every secret the service handles, so loggers can mask it wherever it appears. */
  onSecret?: (secret: string) => void;
  /** Loads a certificate credential for certificate profiles. */
  loadCertificate?: (file: string) => Credential;
  /** Shows the device-code sign-in message (URL + code) for `authKind: 'user'` profiles. */
  deviceCodePrompt?: (message: string) => void;
  /**
   * Asks the user (a modal naming the old and new host) before a stored secret goes to a target it was not
   * entered for. Without it, such a secret is never used: the profile stays signed out.
   */
  confirmNewTarget?: (change: SecretTargetChange) => Promise<boolean>;
}

type StoredCredential = { credential: Credential } | { refused: string } | undefined;

type Listener = (state: AuthState) => void;

export class AuthService {
  private current: AuthState = { kind: 'signedOut' };
  private provider: TokenProvider | undefined;
  private profile: Profile | undefined;
  private readonly listeners = new Set<Listener>();
  private generation = 0;

  constructor(private readonly deps: AuthServiceDeps) {}

  get state(): AuthState {
    return this.current;
  }

  onDidChangeState(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** The token provider of the signed-in profile. */
  tokens(): TokenProvider {
    if (!this.provider || !this.profile) {
      throw new AuthenticationError('You are signed out. Run "Life Cockpit: Sign In" (or `lc auth login`) first.', {
        code: 'auth.signedOut',
      });
    }
    return this.provider;
  }

  get activeProfile(): Profile | undefined {
    return this.profile;
  }

  /** Picks up a profile at start or after a switch: signed in when its credential is stored. */
  async restore(profile: Profile | undefined): Promise<AuthState> {
    const generation = ++this.generation;
    this.reset();
    if (!profile) return this.setState({ kind: 'signedOut' });
    const stored = await this.storedCredential(profile);
    if (generation !== this.generation) return this.current;
    if (!stored) return this.setState({ kind: 'signedOut', profile: profile.name });
    if ('refused' in stored) return this.setState({ kind: 'signedOut', profile: profile.name, reason: stored.refused });
    const { credential } = stored;
    this.setState({ kind: 'signingIn', profile: profile.name });
    try {
      return await this.connect(profile, credential, generation, false);
    } catch (error) {
      const e = toLifeCockpitError(error);
      if (e.code === NO_SILENT_SESSION) return this.setState({ kind: 'signedOut', profile: profile.name });
      this.deps.log.warn('stored credentials no longer work', { profile: profile.name, code: e.code });
      return this.setState({ kind: 'signedOut', profile: profile.name, reason: e.message });
    }
  }

  /** Tests the credential by getting a token for each resource; saves the secret only when that works. */
  async signIn(profile: Profile, credential: Credential): Promise<AuthState> {
    const generation = ++this.generation;
    this.reset();
    if (credential.kind === 'secret') this.deps.onSecret?.(credential.clientSecret);
    this.setState({ kind: 'signingIn', profile: profile.name });
    try {
      const state = await this.connect(profile, credential, generation, true);
      if (credential.kind === 'secret') {
        await this.deps.secrets.store(secretKey(profile.name), credential.clientSecret);
        await this.deps.secrets.store(secretTargetKey(profile.name), JSON.stringify(secretTargetOf(profile)));
      }
      this.deps.log.info('signed in', {
        profile: profile.name,
        tenantId: profile.tenantId,
        clientId: profile.clientId,
      });
      return state;
    } catch (error) {
      this.reset();
      this.setState({ kind: 'signedOut', profile: profile.name, reason: toLifeCockpitError(error).message });
      throw error;
    }
  }

  /** Removes the profile's secret and cached tokens. */
  async signOut(profileName: string): Promise<void> {
    ++this.generation;
    await this.deps.secrets.delete(secretKey(profileName));
    await this.deps.secrets.delete(secretTargetKey(profileName));
    await this.deps.secrets.delete(tokenCacheKey(profileName));
    this.reset();
    this.deps.log.info('signed out', { profile: profileName });
    this.setState({ kind: 'signedOut', profile: profileName });
  }

  /** Called by API clients when a token refresh fails or recovers, so the status bar tells the truth. */
  reportRefresh(outcome: { ok: true } | { ok: false; message: string }): void {
    const state = this.current;
    if (outcome.ok && state.kind === 'refreshFailing') {
      this.setState({
        kind: 'signedIn',
        profile: state.profile,
        profileKind: state.profileKind,
        identity: state.identity,
      });
    } else if (!outcome.ok && state.kind === 'signedIn') {
      this.setState({ ...state, kind: 'refreshFailing', message: outcome.message, since: new Date(this.now()) });
    }
  }

  /** `interactive`: an explicit sign-in, where a token source may show its sign-in UI; restoring stays silent. */
  private async connect(
    profile: Profile,
    credential: Credential,
    generation: number,
    interactive: boolean,
  ): Promise<AuthState> {
    if (!profile.tenantId || !profile.clientId) {
      throw new ValidationError(`Profile ${profile.name} needs a tenant id and a client id.`, {
        code: 'auth.profileIncomplete',
      });
    }
    const source = this.deps.tokenSourceFor?.(profile, credential) ?? this.msalSource(profile, credential);
    const provider = new TokenProvider(source, { clock: this.deps.clock });
    const resources = resourcesFor(profile);
    const graphToken = await provider.getToken(resources.graph, undefined, { interactive });
    if (resources.dataverse) await provider.getToken(resources.dataverse, undefined, { interactive });
    if (generation !== this.generation) return this.current; // a newer sign-in or switch won
    const claims = readClaims(graphToken);
    this.provider = provider;
    this.profile = profile;
    return this.setState({
      kind: 'signedIn',
      profile: profile.name,
      profileKind: profile.kind,
      identity: {
        tenantId: claims.tid ?? profile.tenantId,
        clientId: claims.appid ?? claims.azp ?? profile.clientId,
        appName: claims.app_displayname,
        roles: claims.roles ?? [],
        credentialExpiresOn: credential.expiresOn,
        ...(credential.kind === 'user' ? { userName: claims.upn ?? claims.preferred_username } : {}),
      },
    });
  }

  private msalSource(profile: Profile, credential: Credential): TokenSource {
    const identity = {
      profile: profile.name,
      tenantId: profile.tenantId as string,
      clientId: profile.clientId as string,
      authorityHost: profile.authorityHost,
      sandbox: profile.kind === 'sandbox',
    };
    if (credential.kind === 'user') {
      const prompt = this.deps.deviceCodePrompt;
      return new DeviceCodeTokenSource({
        identity,
        prompt: (message) => {
          if (!prompt)
            throw new AuthenticationError('Signing in as a user needs a device-code prompt.', {
              code: 'auth.noDeviceCodePrompt',
            });
          prompt(message);
        },
        networkClient: this.deps.networkClientFor?.(profile),
        cacheStore: this.deps.persistTokenCache ? this.deps.secrets : undefined,
        cachePlugin: this.deps.tokenCachePluginFor?.(profile),
        log: this.deps.log,
      });
    }
    return new MsalTokenSource({
      identity,
      credential,
      networkClient: this.deps.networkClientFor?.(profile),
      cacheStore: this.deps.persistTokenCache ? this.deps.secrets : undefined,
      cachePlugin: this.deps.tokenCachePluginFor?.(profile),
      log: this.deps.log,
    });
  }

  private async storedCredential(profile: Profile): Promise<StoredCredential> {
    // A user's sign-in survives in msal's token cache, or in the editor's own account provider (a source
    // from tokenSourceFor, asked silently); without either, restoring must not prompt.
    if (profile.authKind === 'user') {
      const credential: Credential = { kind: 'user' };
      const restorable =
        (await this.deps.secrets.get(tokenCacheKey(profile.name))) !== undefined ||
        this.deps.tokenSourceFor?.(profile, credential) !== undefined;
      return restorable ? { credential } : undefined;
    }
    if (profile.authKind === 'certificate') {
      return profile.certificateFile && this.deps.loadCertificate
        ? { credential: this.deps.loadCertificate(profile.certificateFile) }
        : undefined;
    }
    const secret = await this.deps.secrets.get(secretKey(profile.name));
    if (!secret) return undefined;
    this.deps.onSecret?.(secret);
    const refused = await this.refusalOfNewTarget(profile);
    return refused ? { refused } : { credential: { kind: 'secret', clientSecret: secret } };
  }

  /**
   * A stored secret is posted only to what it was entered for. When settings, a workspace or `.env` changed the
   * authority host, tenant, app or extra CA since, the user confirms the new target first; undefined means go.
   */
  private async refusalOfNewTarget(profile: Profile): Promise<string | undefined> {
    const previous = parseSecretTarget(await this.deps.secrets.get(secretTargetKey(profile.name)));
    const next = secretTargetOf(profile);
    if (sameSecretTarget(previous, next)) return undefined;
    const change: SecretTargetChange = { profile: profile.name, previous, next };
    this.deps.log.warn('stored secret target changed', {
      profile: profile.name,
      previousHost: previous?.authorityHost,
      nextHost: next.authorityHost,
      tenantChanged: previous?.tenantId !== next.tenantId,
      clientChanged: previous?.clientId !== next.clientId,
    });
    const confirmed = (await this.deps.confirmNewTarget?.(change)) === true;
    if (confirmed) {
      await this.deps.secrets.store(secretTargetKey(profile.name), JSON.stringify(next));
      this.deps.log.info('stored secret target confirmed', { profile: profile.name, host: next.authorityHost });
      return undefined;
    }
    return `The stored client secret of profile ${profile.name} was not sent to ${next.authorityHost}: it was entered for ${previous?.authorityHost ?? 'another target'}. Sign in again to use this profile there.`;
  }

  private reset(): void {
    this.provider = undefined;
    this.profile = undefined;
  }

  private now(): number {
    return (this.deps.clock ?? systemClock).now();
  }

  private setState(state: AuthState): AuthState {
    this.current = state;
    for (const listener of this.listeners) listener(state);
    return state;
  }
}
