// Reading mail back: GET /users/{id}/mailFolders/{drafts|outbox|sentitems}/messages, /users/{id}/messages
// (every folder) and single messages, in Outlook's message shape, with $select (id and @odata.etag
// always kept), $top (default 10, at most 1000), $skip paging, $filter/$orderby and the
// extended-property $expand. Ids follow the folder unless the request says
// `Prefer: IdType="ImmutableId"`; reading extended properties needs Mail.Read, not Mail.ReadBasic.

import { accessDenied, hasAnyRole } from './auth';
import { checkOrderAgainstFilter, expandedPropertyFilter, parseMessageFilter, sortMessages } from './messageFilter';
import { applySelect, nextLink, parseOrderBy, parseSelect, parseSkip, parseTop } from './odata';
import { mailboxUser, type Route, type RouteEnv } from './routeTypes';
import {
  draftsOf,
  outboxOf,
  outlookId,
  sentItemsOf,
  type EmailAddress,
  type GraphUserRecord,
  type StoredMessage,
} from './state';
import { transportStage } from './transport';
import { faults, isoSeconds, ok, type GraphCall, type GraphResult } from './wire';

const MAIL_READ_ROLES = ['Mail.Read', 'Mail.ReadBasic.All', 'Mail.ReadBasic', 'Mail.ReadWrite'] as const;
/** Mail.ReadBasic excludes bodies and extended properties (permissions reference). */
const FULL_READ_ROLES = ['Mail.Read', 'Mail.ReadWrite'] as const;
/** Well-known folders the sandbox knows but never fills. */
const EMPTY_WELL_KNOWN = ['inbox', 'deleteditems', 'junkemail', 'archive'];

export type MailFolder = 'drafts' | 'outbox' | 'sentitems';
const FOLDER_NAMES: Record<MailFolder, string> = { drafts: 'Drafts', outbox: 'Outbox', sentitems: 'Sent Items' };

export function folderId(folder: string, userId: string): string {
  return `AQMkAD${Buffer.from(`${folder}:${userId}`).toString('base64url')}AAAA`;
}

export function sentItemsFolderId(userId: string): string {
  return folderId('sentitems', userId);
}

type Folder = MailFolder | 'empty';

function resolveFolder(key: string, userId: string): Folder {
  const lower = key.toLowerCase();
  for (const folder of Object.keys(FOLDER_NAMES) as MailFolder[]) {
    if (lower === folder || key === folderId(folder, userId)) return folder;
  }
  if (EMPTY_WELL_KNOWN.includes(lower)) return 'empty';
  throw faults.itemNotFound();
}

/** `Prefer: IdType="ImmutableId"` applies to the request that carries it only. */
export function wantsImmutableIds(call: GraphCall): boolean {
  return /idtype\s*=\s*"?immutableid"?/i.test(call.headers.prefer ?? '');
}

/** The id a client sees without the Prefer header: Outlook's EntryId-based id changes with the folder. */
export function folderScopedId(immutableId: string, folder: MailFolder): string {
  return outlookId(`${immutableId}|${folder}`);
}

/** The messages a folder shows now (an Outbox message in transit is in no folder). */
export function messagesIn(env: RouteEnv, userId: string, folder: MailFolder): StoredMessage[] {
  const state = env.state();
  if (folder === 'sentitems') return sentItemsOf(state, userId);
  const now = env.now();
  const submitted = outboxOf(state, userId).filter(
    (message) => transportStage(message, now, env.transport()) === folder,
  );
  return folder === 'drafts' ? [...draftsOf(state, userId), ...submitted] : submitted;
}

/** Finds a message by either form of its id; undefined when it is in no folder (unknown or in transit). */
export function locateMessage(
  env: RouteEnv,
  userId: string,
  id: string,
): { message: StoredMessage; folder: MailFolder } | undefined {
  for (const folder of ['drafts', 'outbox', 'sentitems'] as const) {
    const message = messagesIn(env, userId, folder).find(
      (candidate) => candidate.id === id || folderScopedId(candidate.id, folder) === id,
    );
    if (message) return { message, folder };
  }
  return undefined;
}

const recipient = (address: EmailAddress): { emailAddress: EmailAddress } => ({ emailAddress: { ...address } });

export interface MessageView {
  folder: MailFolder;
  immutable: boolean;
}

export function messageEntity(message: StoredMessage, userId: string, view: MessageView): Record<string, unknown> {
  const sent = view.folder === 'sentitems';
  const created = isoSeconds(message.createdMs ?? message.sentMs);
  const at = isoSeconds(message.sentMs);
  const preview =
    message.body.contentType === 'html' ? message.body.content.replace(/<[^>]*>/g, '') : message.body.content;
  const id = view.immutable ? message.id : folderScopedId(message.id, view.folder);
  return {
    '@odata.etag': `W/"${message.changeKey}"`,
    id,
    createdDateTime: sent ? at : created,
    lastModifiedDateTime: at,
    changeKey: message.changeKey,
    categories: message.categories,
    receivedDateTime: sent ? at : created,
    sentDateTime: sent ? at : null,
    hasAttachments: false,
    internetMessageId: message.internetMessageId,
    subject: message.subject,
    bodyPreview: preview.replace(/\s+/g, ' ').trim().slice(0, 255),
    importance: message.importance,
    parentFolderId: folderId(view.folder, userId),
    conversationId: message.conversationId,
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: true,
    // Exchange can show a submitted message in the Outbox still flagged as a draft.
    isDraft: !sent,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: 'focused',
    body: { ...message.body },
    sender: recipient(message.from),
    from: recipient(message.from),
    toRecipients: message.toRecipients.map(recipient),
    ccRecipients: message.ccRecipients.map(recipient),
    bccRecipients: message.bccRecipients.map(recipient),
    replyTo: message.replyTo.map(recipient),
    flag: { flagStatus: 'notFlagged' },
  };
}

function readsExtendedProperties(call: GraphCall): boolean {
  return /singleValueExtendedProperties/i.test(`${call.query.get('$filter') ?? ''} ${call.query.get('$expand') ?? ''}`);
}

function checkFullRead(call: GraphCall): void {
  if (readsExtendedProperties(call) && !hasAnyRole(call.claims, FULL_READ_ROLES)) throw accessDenied('outlook');
}

export function shapeMessage(
  call: GraphCall,
  message: StoredMessage,
  userId: string,
  folder: MailFolder,
): Record<string, unknown> {
  const view = { folder, immutable: wantsImmutableIds(call) };
  const shaped = applySelect(messageEntity(message, userId, view), parseSelect(call.query), ['id', '@odata.etag']);
  const expand = expandedPropertyFilter(call.query);
  if (expand) {
    shaped.singleValueExtendedProperties = message.extendedProperties
      .filter(expand)
      .map((property) => ({ ...property }));
  }
  return shaped;
}

function listMessages(
  call: GraphCall,
  env: RouteEnv,
  user: GraphUserRecord,
  folder: Folder | 'all',
  path: string,
): GraphResult {
  checkFullRead(call);
  const select = parseSelect(call.query);
  const top = parseTop(call.query, 10, 1000);
  const skip = parseSkip(call.query);
  const clauses = parseMessageFilter(call.query.get('$filter'));
  const order = parseOrderBy(call.query);
  checkOrderAgainstFilter(order, clauses);
  const folders: MailFolder[] =
    folder === 'all' ? ['drafts', 'outbox', 'sentitems'] : folder === 'empty' ? [] : [folder];
  const all = folders.flatMap((name) => messagesIn(env, user.id, name).map((message) => ({ message, folder: name })));
  const byMessage = new Map(all.map((entry) => [entry.message, entry.folder]));
  const matches = sortMessages(
    all.map((entry) => entry.message).filter((message) => clauses.every((clause) => clause.test(message))),
    order,
  );
  const page = matches.slice(skip, skip + top);
  const selectSuffix = select ? `(${select.join(',')})` : '';
  const body: Record<string, unknown> = {
    '@odata.context': `${env.root}/$metadata#${path}${selectSuffix}`,
    value: page.map((message) => shapeMessage(call, message, user.id, byMessage.get(message) ?? 'sentitems')),
  };
  if (skip + top < matches.length) {
    // Outlook pages messages with $skip (and $top) in the nextLink.
    body['@odata.nextLink'] = nextLink(`${env.root}/${call.segments.join('/')}`, call.query, {
      $top: String(top),
      $skip: String(skip + top),
    });
  }
  return ok(call, body);
}

function getMessage(
  call: GraphCall,
  env: RouteEnv,
  user: GraphUserRecord,
  messageId: string,
  userKey: string,
): GraphResult {
  checkFullRead(call);
  const found = locateMessage(env, user.id, messageId);
  if (!found) throw faults.itemNotFound();
  return ok(call, {
    '@odata.context': `${env.root}/$metadata#users('${userKey}')/messages/$entity`,
    ...shapeMessage(call, found.message, user.id, found.folder),
  });
}

function folderEntity(
  call: GraphCall,
  env: RouteEnv,
  user: GraphUserRecord,
  key: string,
  userKey: string,
): GraphResult {
  const folder = resolveFolder(key, user.id);
  const count = folder === 'empty' ? 0 : messagesIn(env, user.id, folder).length;
  return ok(call, {
    '@odata.context': `${env.root}/$metadata#users('${userKey}')/mailFolders/$entity`,
    id: folderId(folder === 'empty' ? key : folder, user.id),
    displayName: folder === 'empty' ? key : FOLDER_NAMES[folder],
    parentFolderId: `AQMkAD${Buffer.from(`root:${user.id}`).toString('base64url')}AAAA`,
    childFolderCount: 0,
    unreadItemCount: 0,
    totalItemCount: count,
    isHidden: false,
  });
}

function withMailbox(
  run: (call: GraphCall, env: RouteEnv, user: GraphUserRecord, params: Record<string, string>) => GraphResult,
): Route['handle'] {
  return (call, params, env, user) => run(call, env, mailboxUser(user), params);
}

const base = { method: 'GET', workload: 'outlook', roles: MAIL_READ_ROLES, mailbox: true } as const;

export const messageRoutes: readonly Route[] = [
  {
    ...base,
    pattern: ['users', ':user', 'mailFolders', ':folder', 'messages'],
    handle: withMailbox((call, env, user, params) =>
      listMessages(
        call,
        env,
        user,
        resolveFolder(params.folder ?? '', user.id),
        `users('${params.user}')/mailFolders('${params.folder}')/messages`,
      ),
    ),
  },
  {
    ...base,
    pattern: ['users', ':user', 'messages'],
    handle: withMailbox((call, env, user, params) =>
      listMessages(call, env, user, 'all', `users('${params.user}')/messages`),
    ),
  },
  {
    ...base,
    pattern: ['users', ':user', 'messages', ':message'],
    handle: withMailbox((call, env, user, params) =>
      getMessage(call, env, user, params.message ?? '', params.user ?? ''),
    ),
  },
  {
    ...base,
    pattern: ['users', ':user', 'mailFolders', ':folder', 'messages', ':message'],
    handle: withMailbox((call, env, user, params) => {
      resolveFolder(params.folder ?? '', user.id);
      return getMessage(call, env, user, params.message ?? '', params.user ?? '');
    }),
  },
  {
    ...base,
    pattern: ['users', ':user', 'mailFolders', ':folder'],
    handle: withMailbox((call, env, user, params) =>
      folderEntity(call, env, user, params.folder ?? '', params.user ?? ''),
    ),
  },
];
