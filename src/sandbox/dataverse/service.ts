// The Dataverse service as the sandbox server hosts it: checks the bearer token for the environment
// URL, finds the calling systemuser (the application user by the token's appid, or a user by oid),
// applies impersonation (CallerObjectId / MSCRMCallerID) and the service protection limits, routes
// the call, and adds the headers every Web API answer carries.

import type {
  PracticeSeed,
  SandboxRequest,
  SandboxResponse,
  SandboxService,
  ServiceContext,
  AccessTokenClaims,
} from '../types';
import type { ApiContext, ApiRequest, ApiResponse, Caller } from './apiTypes';
import { runBatch } from './batch';
import { DataverseError, recordNotFound } from './errors';
import { exportStore, importStore, type EnvironmentIds } from './persistence';
import { parsePreferences, type Preferences } from './prefer';
import { QueryEngine } from './queryEngine';
import { dispatch, errorResponse } from './routes';
import type { LookupValue, Row } from './schema';
import { loadPractice } from './seedRows';
import { Store } from './store';
import { buildPracticeSchema } from './tables';
import { ServiceProtection, type DataverseLimits } from './limits';

/** query/overview "URL length limitations": a GET's URL is limited to 32 KB (32,768 characters). */
export const MAX_URL_LENGTH = 32_768;

/**
 * The front end refuses a longer URL before Dataverse sees it: 414 with HTTP.sys's own HTML page, not
 * Dataverse's JSON error [inf: HTTP.sys's standard 414 page; Dataverse documents only the limit].
 */
function urlTooLong(): SandboxResponse {
  return {
    status: 414,
    headers: { 'Content-Type': 'text/html; charset=us-ascii' },
    body:
      '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n' +
      '<HTML><HEAD><TITLE>Request URL Too Long</TITLE>\r\n' +
      '<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n' +
      '<BODY><h2>Request URL Too Long</h2>\r\n<hr><p>HTTP Error 414. The request URL is too long.</p>\r\n</BODY></HTML>\r\n',
  };
}

export type DataverseServiceOptions = Partial<DataverseLimits>;

export interface DataverseService extends SandboxService {
  /** Changes the service protection limits (tests and `lc sandbox` flags). */
  configure(options: DataverseServiceOptions): void;
}

const API_PATH = /^\/api\/data\/v9\.\d\/(.*)$/;
const EMPTY_ENVIRONMENT: EnvironmentIds = {
  tenantId: '',
  organizationId: '',
  businessUnitId: '',
  applicationUserId: '',
  appClientId: '',
};

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

export class DataverseSandboxService implements DataverseService {
  readonly name = 'dataverse' as const;
  private readonly store = new Store(buildPracticeSchema());
  private readonly engine = new QueryEngine();
  private readonly limits: ServiceProtection;
  private environment: EnvironmentIds = EMPTY_ENVIRONMENT;

  constructor(
    private readonly ctx: ServiceContext,
    options: DataverseServiceOptions = {},
  ) {
    this.limits = new ServiceProtection(options);
  }

  configure(options: DataverseServiceOptions): void {
    this.limits.configure(options);
  }

  load(practice: PracticeSeed): void {
    this.environment = {
      tenantId: practice.tenantId,
      organizationId: practice.organizationId,
      businessUnitId: practice.businessUnitId,
      applicationUserId: practice.app.applicationUserId.toLowerCase(),
      appClientId: practice.app.clientId.toLowerCase(),
    };
    this.store.currentVersion = 1_000_000;
    loadPractice(this.store, practice, this.ctx.clock.now());
  }

  exportState(): unknown {
    return exportStore(this.store, this.environment);
  }

  importState(state: unknown): void {
    this.environment = importStore(this.store, state);
  }

  inspect(): unknown {
    const rowCounts: Record<string, number> = {};
    for (const [name, rows] of this.store.tables) rowCounts[name] = rows.byId.size;
    return { rowCounts, recentChanges: this.store.recentChanges.slice(-20), limits: this.limits.current };
  }

  private get apiBase(): string {
    return `${this.ctx.urls.dataverseUrl.replace(/\/$/, '')}/api/data/v9.2`;
  }

  private userRow(predicate: (row: Row) => boolean): Row | undefined {
    for (const row of this.store.rows('systemuser').ordered) if (predicate(row)) return row;
    return undefined;
  }

  /** The application user for an app token (appid), else the user whose Entra object id signed in. */
  private tokenUser(claims: AccessTokenClaims): Row {
    // A delegated token (scp) names the app too, but Dataverse acts as the user it was issued to.
    const appId = typeof claims.scp === 'string' ? '' : String(claims.appid ?? claims.azp ?? '').toLowerCase();
    const oid = String(claims.oid ?? '').toLowerCase();
    const byApp = appId ? this.userRow((row) => row.applicationid === appId) : undefined;
    const user = byApp ?? (oid ? this.userRow((row) => row.azureactivedirectoryobjectid === oid) : undefined);
    if (!user) throw new DataverseError(403, '0x80072560', 'The user is not a member of the organization.');
    return user;
  }

  private impersonated(headers: Record<string, string | undefined>): Row | undefined {
    const objectId = headers['callerobjectid']?.trim().toLowerCase();
    if (objectId) {
      const user = this.userRow((row) => row.azureactivedirectoryobjectid === objectId);
      if (!user) throw recordNotFound('systemuser', objectId);
      return user;
    }
    const callerId = headers['mscrmcallerid']?.trim().toLowerCase();
    if (callerId) {
      const user = this.store.rows('systemuser').get(callerId.replace(/^\{(.*)\}$/, '$1'));
      if (!user) throw recordNotFound('systemuser', callerId);
      return user;
    }
    return undefined;
  }

  private callerFor(claims: AccessTokenClaims, headers: Record<string, string | undefined>): Caller {
    const real = this.tokenUser(claims);
    const acting = this.impersonated(headers) ?? real;
    const businessUnit = (acting.businessunitid as LookupValue | null)?.id ?? this.environment.businessUnitId;
    return {
      userId: acting.systemuserid as string,
      realUserId: real.systemuserid as string,
      businessUnitId: businessUnit,
    };
  }

  private unauthorized(message: string): DataverseError {
    const authority = `${this.ctx.urls.authorityHost.replace(/\/$/, '')}/${this.environment.tenantId}/oauth2/authorize`;
    // [inf] the real 401 is a Bearer challenge naming the authority and the environment; the body
    // keeps Dataverse's error shape so clients can read it.
    return new DataverseError(401, '0x80072560', message, {
      'WWW-Authenticate': `Bearer authorization_uri=${authority}, resource_id=${this.ctx.urls.dataverseUrl}/`,
    });
  }

  async handle(request: SandboxRequest): Promise<SandboxResponse | undefined> {
    const match = API_PATH.exec(request.path.split('?')[0]);
    if (!match) return undefined;
    if (request.url.href.length > MAX_URL_LENGTH) return urlTooLong();
    const started = this.ctx.clock.now();
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = headerValue(value);
    const prefs = parsePreferences(headers['prefer']);
    let response: ApiResponse;
    let countedUser: string | undefined;
    let release: (() => void) | undefined;
    try {
      release = this.limits.enter(headers['authorization'] ?? '');
      const check = await this.ctx.tokens.verify(headers['authorization'], this.ctx.urls.dataverseUrl);
      if (!check.ok) throw this.unauthorized(check.message);
      const caller = this.callerFor(check.claims, headers);
      this.limits.admit(caller.userId, this.ctx.clock.now());
      countedUser = caller.userId;
      response = this.route(caller, prefs, request, match[1], headers);
    } catch (error) {
      response = errorResponse(error, prefs);
    } finally {
      release?.();
    }
    const finished = this.ctx.clock.now();
    if (countedUser) this.limits.finish(countedUser, finished, finished - started);
    return this.finish(response, request, countedUser, finished);
  }

  private route(
    caller: Caller,
    prefs: Preferences,
    request: SandboxRequest,
    path: string,
    headers: Record<string, string | undefined>,
  ): ApiResponse {
    let resource: string;
    try {
      resource = decodeURIComponent(path);
    } catch {
      throw new DataverseError(400, '0x80060888', `The request URI '${path}' is not valid.`);
    }
    const apiRequest: ApiRequest = {
      method: request.method.toUpperCase(),
      resource,
      query: request.url.searchParams,
      headers,
      body: request.body.toString('utf8'),
    };
    const context: ApiContext = {
      store: this.store,
      schema: this.store.schema,
      engine: this.engine,
      apiBase: this.apiBase,
      caller,
      organizationId: this.environment.organizationId,
      prefs,
      newId: () => this.ctx.prng.uuid().toLowerCase(),
      now: () => this.ctx.clock.now(),
    };
    if (resource === '$batch') {
      if (apiRequest.method !== 'POST')
        throw new DataverseError(405, '0x80060888', "The HTTP method 'GET' is not allowed for the resource '$batch'.");
      return runBatch(context, apiRequest);
    }
    return dispatch(context, apiRequest);
  }

  private finish(
    response: ApiResponse,
    request: SandboxRequest,
    user: string | undefined,
    now: number,
  ): SandboxResponse {
    const headers: Record<string, string> = {
      'OData-Version': '4.0',
      REQ_ID: request.requestId,
      'x-ms-service-request-id': request.requestId,
      ...(user ? this.limits.remainingHeaders(user, now) : {}),
      ...response.headers,
    };
    return { status: response.status, headers, body: response.body ?? '' };
  }
}
