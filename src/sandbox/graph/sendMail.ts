// POST /users/{id | userPrincipalName}/sendMail: validates the message as Outlook does (a bodyType
// literal, resolvable recipients, at least one of them), answers 202 with no body, and keeps a copy in
// Sent Items (unless saveToSentItems is false) with its singleValueExtendedProperties.

import { normalizePropertyId } from './messageFilter';
import { mailboxUser, type Route, type RouteEnv } from './routeTypes';
import {
  changeKeyFor,
  outlookId,
  sentItemsOf,
  type EmailAddress,
  type ExtendedProperty,
  type GraphUserRecord,
  type StoredMessage,
} from './state';
import { GraphFault, isRecord, noContent, parseJsonBody, type GraphCall, type GraphResult } from './wire';

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

interface SendRequest {
  subject: string;
  body: StoredMessage['body'];
  toRecipients: EmailAddress[];
  ccRecipients: EmailAddress[];
  bccRecipients: EmailAddress[];
  replyTo: EmailAddress[];
  importance: string;
  categories: string[];
  extendedProperties: ExtendedProperty[];
  saveToSentItems: boolean;
}

export function parseSendMail(raw: unknown): SendRequest {
  if (!isRecord(raw) || !isRecord(raw.message)) {
    throw new GraphFault(400, 'ErrorInvalidRequest', "The request is missing the required parameter 'message'.");
  }
  const message = raw.message;
  if (message.subject !== undefined && message.subject !== null && typeof message.subject !== 'string') {
    throw bodyRead("Cannot convert a non-string value to the expected type 'Edm.String' of property 'subject'.");
  }
  const save = raw.saveToSentItems;
  if (save !== undefined && save !== null && typeof save !== 'boolean') {
    throw bodyRead(`Cannot convert the literal '${String(save)}' to the expected type 'Edm.Boolean'.`);
  }
  const parsed: SendRequest = {
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
    saveToSentItems: save !== false,
  };
  if (parsed.toRecipients.length + parsed.ccRecipients.length + parsed.bccRecipients.length === 0) {
    throw invalidRecipients(
      "At least one recipient isn't valid., A message can't be sent because it contains no recipients.",
    );
  }
  return parsed;
}

function storedCopy(request: SendRequest, sender: GraphUserRecord, env: RouteEnv): StoredMessage {
  const unique = env.ctx.prng.uuid();
  const token = unique.replace(/-/g, '').toUpperCase();
  return {
    id: outlookId(`message:${sender.id}:${unique}`),
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
    extendedProperties: request.extendedProperties,
  };
}

function sendMail(call: GraphCall, env: RouteEnv, sender: GraphUserRecord): GraphResult {
  const request = parseSendMail(parseJsonBody(call.body));
  if (request.saveToSentItems) {
    const copy = storedCopy(request, sender, env);
    sentItemsOf(env.state(), sender.id).push(copy);
    env.changes.changed(sender.id, 'messages', copy.id, 'created');
  }
  // Graph accepts the message for delivery and answers 202 with no body.
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
];
