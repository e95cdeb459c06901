// Writing mail: POST /users/{id}/messages (a draft, 201), POST /users/{id}/messages/{id}/send and the
// one-shot POST /users/{id}/sendMail (both 202 with no body). Messages are validated as Outlook does
// (a bodyType literal, resolvable recipients, at least one of them when sending) and keep their
// singleValueExtendedProperties. A 202 means accepted, not sent: transport.ts takes it from the
// Outbox to Sent Items (unless sendMail said saveToSentItems: false) at the mailbox's pace.

import { normalizePropertyId } from './messageFilter';
import { folderId, locateMessage, shapeMessage } from './messages';
import { mailboxUser, type Route, type RouteEnv } from './routeTypes';
import {
  changeKeyFor,
  draftsOf,
  immutableId,
  type EmailAddress,
  type ExtendedProperty,
  type GraphUserRecord,
  type StoredMessage,
} from './state';
import { submit } from './transport';
import { GraphFault, faults, isRecord, noContent, ok, parseJsonBody, type GraphCall, type GraphResult } from './wire';

const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
/** The forms Outlook accepts for an extended property id (named, numeric id, or proptag). */
const PROPERTY_ID =
  /^(Binary|Boolean|Currency|Double|Float|Integer|Long|Object|Short|String|SystemTime|CLSID)\s+(\{[0-9a-f-]{36}\}\s+(Name\s+\S.*|Id\s+0x[0-9a-f]+)|0x[0-9a-f]{4,8})$/i;

function bodyRead(message: string): GraphFault {
  return new GraphFault(400, 'RequestBodyRead', message);
}

function invalidRecipients(message: string): GraphFault {
  return new GraphFault(400, 'ErrorInvalidRecipients', message);
}

function recipients(value: unknown, field: string): EmailAddress[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw bodyRead(
      `A node of type 'StartObject' was read from the JSON reader when trying to read the contents of the property '${field}'; however, a 'StartArray' node was expected.`,
    );
  }
  return value.map((entry: unknown) => {
    const email = isRecord(entry) && isRecord(entry.emailAddress) ? entry.emailAddress : undefined;
    const address = typeof email?.address === 'string' ? email.address.trim() : '';
    if (!ADDRESS.test(address)) {
      throw invalidRecipients(
        `At least one recipient isn't valid., Recipient '${address}' isn't resolved. All recipients must be resolved before a message can be submitted.`,
      );
    }
    const name = typeof email?.name === 'string' && email.name !== '' ? email.name : address;
    return { name, address };
  });
}

function messageBody(value: unknown): StoredMessage['body'] {
  if (value === undefined || value === null) return { contentType: 'text', content: '' };
  if (!isRecord(value)) throw bodyRead("Cannot read the value of property 'body' of type 'microsoft.graph.itemBody'.");
  const contentType = value.contentType === undefined ? 'text' : String(value.contentType).toLowerCase();
  if (contentType !== 'text' && contentType !== 'html') {
    throw bodyRead(
      `Cannot convert the literal '${String(value.contentType)}' to the expected type 'microsoft.graph.bodyType'.`,
    );
  }
  if (value.content !== undefined && typeof value.content !== 'string') {
    throw bodyRead("Cannot convert a non-string value to the expected type 'Edm.String' of property 'content'.");
  }
  return { contentType, content: value.content ?? '' };
}

function extendedProperties(value: unknown): ExtendedProperty[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw bodyRead("A 'StartArray' node was expected for property 'singleValueExtendedProperties'.");
  return value.map((entry: unknown) => {
    if (!isRecord(entry) || typeof entry.id !== 'string' || typeof entry.value !== 'string') {
      throw bodyRead("Each singleValueExtendedProperty needs a string 'id' and a string 'value'.");
    }
    if (!PROPERTY_ID.test(entry.id.trim())) {
      throw new GraphFault(400, 'ErrorInvalidProperty', `The extended property id '${entry.id}' is not valid.`);
    }
    return { id: normalizePropertyId(entry.id), value: entry.value };
  });
}

interface MessageRequest {
  subject: string;
  body: StoredMessage['body'];
  toRecipients: EmailAddress[];
  ccRecipients: EmailAddress[];
  bccRecipients: EmailAddress[];
  replyTo: EmailAddress[];
  importance: string;
  categories: string[];
  extendedProperties: ExtendedProperty[];
}

interface SendRequest extends MessageRequest {
  saveToSentItems: boolean;
}

/** A message resource as Outlook reads it from a request body; recipients are checked at sending. */
function parseMessage(message: Record<string, unknown>): MessageRequest {
  if (message.subject !== undefined && message.subject !== null && typeof message.subject !== 'string') {
    throw bodyRead("Cannot convert a non-string value to the expected type 'Edm.String' of property 'subject'.");
  }
  return {
    subject: typeof message.subject === 'string' ? message.subject : '',
    body: messageBody(message.body),
    toRecipients: recipients(message.toRecipients, 'toRecipients'),
    ccRecipients: recipients(message.ccRecipients, 'ccRecipients'),
    bccRecipients: recipients(message.bccRecipients, 'bccRecipients'),
    replyTo: recipients(message.replyTo, 'replyTo'),
    importance: typeof message.importance === 'string' ? message.importance.toLowerCase() : 'normal',
    categories: Array.isArray(message.categories)
      ? message.categories.filter((c): c is string => typeof c === 'string')
      : [],
    extendedProperties: extendedProperties(message.singleValueExtendedProperties),
  };
}

function checkHasRecipients(message: Pick<MessageRequest, 'toRecipients' | 'ccRecipients' | 'bccRecipients'>): void {
  if (message.toRecipients.length + message.ccRecipients.length + message.bccRecipients.length === 0) {
    throw invalidRecipients(
      "At least one recipient isn't valid., A message can't be sent because it contains no recipients.",
    );
  }
}

export function parseSendMail(raw: unknown): SendRequest {
  if (!isRecord(raw) || !isRecord(raw.message)) {
    throw new GraphFault(400, 'ErrorInvalidRequest', "The request is missing the required parameter 'message'.");
  }
  const save = raw.saveToSentItems;
  if (save !== undefined && save !== null && typeof save !== 'boolean') {
    throw bodyRead(`Cannot convert the literal '${String(save)}' to the expected type 'Edm.Boolean'.`);
  }
  const parsed: SendRequest = { ...parseMessage(raw.message), saveToSentItems: save !== false };
  checkHasRecipients(parsed);
  return parsed;
}

function newMessage(request: MessageRequest, sender: GraphUserRecord, env: RouteEnv): StoredMessage {
  const unique = env.ctx.prng.uuid();
  const token = unique.replace(/-/g, '').toUpperCase();
  return {
    id: immutableId(`message:${sender.id}:${unique}`),
    changeKey: changeKeyFor(`message:${unique}`),
    internetMessageId: `<${token.slice(0, 20)}@${token.slice(20, 32)}.eurprd04.prod.outlook.com>`,
    conversationId: `AAQkAG${Buffer.from(unique).toString('base64url')}=`,
    subject: request.subject,
    body: request.body,
    from: { name: sender.displayName, address: sender.mail },
    toRecipients: request.toRecipients,
    ccRecipients: request.ccRecipients,
    bccRecipients: request.bccRecipients,
    replyTo: request.replyTo,
    importance: request.importance,
    categories: request.categories,
    sentMs: env.now(),
    createdMs: env.now(),
    extendedProperties: request.extendedProperties,
  };
}

function sendMail(call: GraphCall, env: RouteEnv, sender: GraphUserRecord): GraphResult {
  const request = parseSendMail(parseJsonBody(call.body));
  // Graph saves the message as a draft, answers 202 and hands it to transport, as /send does.
  const message = newMessage(request, sender, env);
  submit(env.state(), sender.id, message, {
    now: env.now(),
    saveCopy: request.saveToSentItems,
    settings: env.transport(),
  });
  return noContent(call, 202);
}

function createDraft(call: GraphCall, env: RouteEnv, owner: GraphUserRecord, folderKey: string): GraphResult {
  if (folderKey.toLowerCase() !== 'drafts' && folderKey !== folderId('drafts', owner.id)) throw faults.itemNotFound();
  const raw = parseJsonBody(call.body);
  if (!isRecord(raw)) throw bodyRead('The request body must be a message resource.');
  const message = newMessage(parseMessage(raw), owner, env);
  draftsOf(env.state(), owner.id).push(message);
  env.changes.changed(owner.id, 'messages', message.id, 'created');
  return ok(
    call,
    {
      '@odata.context': `${env.root}/$metadata#users('${call.segments[1] ?? owner.id}')/messages/$entity`,
      ...shapeMessage(call, message, owner.id, 'drafts'),
    },
    201,
  );
}

function sendDraft(call: GraphCall, env: RouteEnv, sender: GraphUserRecord, messageId: string): GraphResult {
  const found = locateMessage(env, sender.id, messageId);
  if (!found) throw faults.itemNotFound();
  if (found.folder === 'sentitems') {
    throw new GraphFault(400, 'ErrorInvalidOperation', 'Only a draft message can be sent.');
  }
  const state = env.state();
  let message = found.message;
  if (draftsOf(state, sender.id).includes(message)) {
    checkHasRecipients(message);
    state.drafts[sender.id] = draftsOf(state, sender.id).filter((draft) => draft !== message);
  } else {
    // Already submitted, still in Drafts or the Outbox (and still flagged a draft): nothing documents a
    // refusal, so the sandbox takes the pessimistic reading and sends it again, so that a sender that
    // re-sends shows a second mail.
    message = { ...structuredClone(message), id: immutableId(`resend:${message.id}:${env.ctx.prng.uuid()}`) };
  }
  submit(state, sender.id, message, { now: env.now(), saveCopy: true, settings: env.transport() });
  return noContent(call, 202);
}

export const sendMailRoutes: readonly Route[] = [
  {
    method: 'POST',
    pattern: ['users', ':user', 'sendMail'],
    workload: 'outlook',
    roles: ['Mail.Send'],
    mailbox: true,
    handle: (call, _params, env, user) => sendMail(call, env, mailboxUser(user)),
  },
  {
    method: 'POST',
    pattern: ['users', ':user', 'messages'],
    workload: 'outlook',
    roles: ['Mail.ReadWrite'],
    mailbox: true,
    handle: (call, _params, env, user) => createDraft(call, env, mailboxUser(user), 'drafts'),
  },
  {
    method: 'POST',
    pattern: ['users', ':user', 'mailFolders', ':folder', 'messages'],
    workload: 'outlook',
    roles: ['Mail.ReadWrite'],
    mailbox: true,
    handle: (call, params, env, user) => createDraft(call, env, mailboxUser(user), params.folder ?? ''),
  },
  {
    method: 'POST',
    pattern: ['users', ':user', 'messages', ':message', 'send'],
    workload: 'outlook',
    roles: ['Mail.Send'],
    mailbox: true,
    handle: (call, params, env, user) => sendDraft(call, env, mailboxUser(user), params.message ?? ''),
  },
];
