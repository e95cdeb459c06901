// Reading mail back: GET /users/{id}/mailFolders/{sentitems}/messages, /users/{id}/messages and
// single messages, in Outlook's message shape, with $select (id and @odata.etag always kept), $top
// (default 10, at most 1000), $skip paging, $filter/$orderby and the extended-property $expand.

import { checkOrderAgainstFilter, expandedPropertyFilter, parseMessageFilter, sortMessages } from './messageFilter';
import { applySelect, nextLink, parseOrderBy, parseSelect, parseSkip, parseTop } from './odata';
import { mailboxUser, type Route, type RouteEnv } from './routeTypes';
import { sentItemsOf, type EmailAddress, type GraphUserRecord, type StoredMessage } from './state';
import { faults, isoSeconds, ok, type GraphCall, type GraphResult } from './wire';

const MAIL_READ_ROLES = ['Mail.Read', 'Mail.ReadBasic.All', 'Mail.ReadBasic', 'Mail.ReadWrite'] as const;
/** Well-known folders the sandbox knows; only Sent Items ever holds anything. */
const EMPTY_WELL_KNOWN = ['inbox', 'drafts', 'deleteditems', 'junkemail', 'outbox', 'archive'];

export function sentItemsFolderId(userId: string): string {
  return `AQMkAD${Buffer.from(`sentitems:${userId}`).toString('base64url')}AAAA`;
}

type Folder = 'sentitems' | 'empty';

function resolveFolder(key: string, userId: string): Folder {
  const lower = key.toLowerCase();
  if (lower === 'sentitems' || key === sentItemsFolderId(userId)) return 'sentitems';
  if (EMPTY_WELL_KNOWN.includes(lower)) return 'empty';
  throw faults.itemNotFound();
}

const recipient = (address: EmailAddress): { emailAddress: EmailAddress } => ({ emailAddress: { ...address } });

export function messageEntity(message: StoredMessage, userId: string): Record<string, unknown> {
  const at = isoSeconds(message.sentMs);
  const preview =
    message.body.contentType === 'html' ? message.body.content.replace(/<[^>]*>/g, '') : message.body.content;
  return {
    '@odata.etag': `W/"${message.changeKey}"`,
    id: message.id,
    createdDateTime: at,
    lastModifiedDateTime: at,
    changeKey: message.changeKey,
    categories: message.categories,
    receivedDateTime: at,
    sentDateTime: at,
    hasAttachments: false,
    internetMessageId: message.internetMessageId,
    subject: message.subject,
    bodyPreview: preview.replace(/\s+/g, ' ').trim().slice(0, 255),
    importance: message.importance,
    parentFolderId: sentItemsFolderId(userId),
    conversationId: message.conversationId,
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: true,
    isDraft: false,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(message.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
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

function shapeMessage(call: GraphCall, message: StoredMessage, userId: string): Record<string, unknown> {
  const shaped = applySelect(messageEntity(message, userId), parseSelect(call.query), ['id', '@odata.etag']);
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
  folder: Folder,
  path: string,
): GraphResult {
  const select = parseSelect(call.query);
  const top = parseTop(call.query, 10, 1000);
  const skip = parseSkip(call.query);
  const clauses = parseMessageFilter(call.query.get('$filter'));
  const order = parseOrderBy(call.query);
  checkOrderAgainstFilter(order, clauses);
  const all = folder === 'sentitems' ? sentItemsOf(env.state(), user.id) : [];
  const matches = sortMessages(
    all.filter((message) => clauses.every((clause) => clause.test(message))),
    order,
  );
  const page = matches.slice(skip, skip + top);
  const selectSuffix = select ? `(${select.join(',')})` : '';
  const body: Record<string, unknown> = {
    '@odata.context': `${env.root}/$metadata#${path}${selectSuffix}`,
    value: page.map((message) => shapeMessage(call, message, user.id)),
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
  const message = sentItemsOf(env.state(), user.id).find((candidate) => candidate.id === messageId);
  if (!message) throw faults.itemNotFound();
  return ok(call, {
    '@odata.context': `${env.root}/$metadata#users('${userKey}')/messages/$entity`,
    ...shapeMessage(call, message, user.id),
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
  const count = folder === 'sentitems' ? sentItemsOf(env.state(), user.id).length : 0;
  return ok(call, {
    '@odata.context': `${env.root}/$metadata#users('${userKey}')/mailFolders/$entity`,
    id:
      folder === 'sentitems'
        ? sentItemsFolderId(user.id)
        : `AQMkAD${Buffer.from(`${key}:${user.id}`).toString('base64url')}AAAA`,
    displayName: folder === 'sentitems' ? 'Sent Items' : key,
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
      listMessages(call, env, user, 'sentitems', `users('${params.user}')/messages`),
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
