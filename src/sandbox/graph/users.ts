// GET /users and /users/{id | userPrincipalName}: the directory's answers, with its paging
// ($skiptoken, default page 100, at most 999), its simple filters (`prop eq '…'`,
// `startswith(prop,'…')`) and its not-found shape (Request_ResourceNotFound).

import {
  applySelect,
  decodeSkipToken,
  encodeSkipToken,
  invalidFilter,
  nextLink,
  parseSelect,
  parseTop,
  splitTopLevel,
  stringLiteral,
} from './odata';
import type { Route, RouteEnv } from './routeTypes';
import { findUser, type GraphUserRecord } from './state';
import { GraphFault, faults, ok, type GraphCall, type GraphResult } from './wire';

const USER_READ_ROLES = ['User.Read.All', 'User.ReadBasic.All', 'User.ReadWrite.All', 'Directory.Read.All'] as const;
/** Properties the directory filters on without advanced query headers. */
const FILTERABLE = ['id', 'mail', 'userPrincipalName', 'displayName', 'givenName', 'surname', 'jobTitle'] as const;

/** The v1.0 default property set of a user (what comes back without $select). */
function userEntity(user: GraphUserRecord): Record<string, unknown> {
  return {
    businessPhones: user.businessPhones,
    displayName: user.displayName,
    givenName: user.givenName,
    jobTitle: user.jobTitle,
    mail: user.mail,
    mobilePhone: user.mobilePhone,
    officeLocation: user.officeLocation,
    preferredLanguage: user.preferredLanguage,
    surname: user.surname,
    userPrincipalName: user.userPrincipalName,
    id: user.id,
  };
}

/** $select can also reach properties outside the default set. */
function selectableUser(user: GraphUserRecord): Record<string, unknown> {
  return { ...userEntity(user), accountEnabled: user.accountEnabled, department: user.department };
}

type UserPredicate = (user: GraphUserRecord) => boolean;

function propertyOf(user: GraphUserRecord, name: string): string | null {
  const key = FILTERABLE.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  if (!key) {
    throw new GraphFault(
      400,
      'Request_UnsupportedQuery',
      `Unsupported or invalid query filter clause specified for property '${name}' of resource 'User'.`,
    );
  }
  return user[key];
}

function userClause(clause: string): UserPredicate {
  const startsWith = /^startswith\(\s*(\w+)\s*,\s*('(?:[^']|'')*')\s*\)$/i.exec(clause);
  if (startsWith) {
    const [, property = '', literal = ''] = startsWith;
    const prefix = (stringLiteral(literal) ?? '').toLowerCase();
    return (user) => (propertyOf(user, property) ?? '').toLowerCase().startsWith(prefix);
  }
  const equals = /^(\w+)\s+eq\s+('(?:[^']|'')*')$/i.exec(clause);
  if (equals) {
    const [, property = '', literal = ''] = equals;
    // Directory string comparisons ignore case.
    const value = (stringLiteral(literal) ?? '').toLowerCase();
    return (user) => (propertyOf(user, property) ?? '').toLowerCase() === value;
  }
  throw invalidFilter();
}

export function userFilter(expression: string | null): UserPredicate {
  if (expression === null || expression.trim() === '') return () => true;
  const ors = splitTopLevel(expression.trim(), 'or');
  if (ors.length > 1) {
    const predicates = ors.map(userClause);
    return (user) => predicates.some((predicate) => predicate(user));
  }
  const predicates = splitTopLevel(expression.trim(), 'and').map(userClause);
  return (user) => predicates.every((predicate) => predicate(user));
}

function listUsers(call: GraphCall, env: RouteEnv): GraphResult {
  const select = parseSelect(call.query);
  const top = parseTop(call.query, 100, 999);
  const offset = decodeSkipToken(call.query.get('$skiptoken'));
  const matches = env.state().users.filter(userFilter(call.query.get('$filter')));
  const page = matches.slice(offset, offset + top);
  const body: Record<string, unknown> = {
    '@odata.context': `${env.root}/$metadata#users${select ? `(${select.join(',')})` : ''}`,
    value: page.map((user) => applySelect(select ? selectableUser(user) : userEntity(user), select, [])),
  };
  if (offset + top < matches.length) {
    body['@odata.nextLink'] = nextLink(`${env.root}/users`, call.query, { $skiptoken: encodeSkipToken(offset + top) });
  }
  return ok(call, body);
}

function getUser(call: GraphCall, key: string, env: RouteEnv): GraphResult {
  const user = findUser(env.state(), key);
  if (!user) throw faults.directoryNotFound(key);
  const select = parseSelect(call.query);
  return ok(call, {
    '@odata.context': `${env.root}/$metadata#users${select ? `(${select.join(',')})` : ''}/$entity`,
    ...applySelect(select ? selectableUser(user) : userEntity(user), select, []),
  });
}

export const userRoutes: readonly Route[] = [
  {
    method: 'GET',
    pattern: ['users'],
    workload: 'directory',
    roles: USER_READ_ROLES,
    mailbox: false,
    handle: (call, _params, env) => listUsers(call, env),
  },
  {
    method: 'GET',
    pattern: ['users', ':user'],
    workload: 'directory',
    roles: USER_READ_ROLES,
    mailbox: false,
    handle: (call, params, env) => getUser(call, params.user ?? '', env),
  },
];
