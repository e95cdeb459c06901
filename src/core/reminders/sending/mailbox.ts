// One mailbox as the sender uses it through Graph: create a draft tagged with the reminder's id, send it,
// say which folder a message is in, and find a message by its tag across Drafts, Outbox and Sent Items.
// Every request waits its turn at the mailbox's pacer; only /send counts as a submission.
//
// Graph quirks followed here: `Prefer: IdType="ImmutableId"` applies only to the request carrying it, so
// every request carries it (the id then survives the move from Drafts to Sent Items); a submitted message
// may wait in the Outbox still flagged isDraft, so the folder (parentFolderId) decides, not isDraft;
// reading extended properties needs Mail.Read (Mail.ReadBasic leaves them out).
import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import type { Clock } from '../../clock';
import { NotFoundError, TransientError } from '../../errors';
import type { MailboxPacer } from '../pacing';
import { graphCall, refusal, type GraphCall } from './graphAnswers';

/** The single-value extended property that carries the reminder's id on its message. */
export const REMINDER_ID_PROPERTY = 'String {6d3c8f0e-52b1-4a7e-9c1d-2f4b8e7a9c35} Name LifeCockpitReminderId';

export const MAIL_FOLDERS = ['drafts', 'outbox', 'sentitems'] as const;
export type MailFolder = (typeof MAIL_FOLDERS)[number];

export interface FoundMessage {
  id: string;
  folder: MailFolder;
}

export interface OutgoingMessage {
  reminderId: string;
  to: { address: string; name?: string };
  subject: string;
  body: string;
}

const IMMUTABLE_IDS = { Prefer: 'IdType="ImmutableId"' };
const withId = z.object({ id: z.string().min(1) });
const located = z.object({ id: z.string(), parentFolderId: z.string() });
const listed = z.object({ value: z.array(withId) });
const batchAnswer = z.object({
  responses: z.array(
    z.object({
      id: z.string(),
      status: z.number(),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
    }),
  ),
});

export interface MailboxOptions {
  graph: Client;
  mailbox: string;
  pacer: MailboxPacer;
  clock: Clock;
  signal?: AbortSignal;
}

export class Mailbox {
  private folderIds: Promise<Record<MailFolder, string>> | undefined;
  private readonly root: string;

  constructor(private readonly options: MailboxOptions) {
    this.root = `/users/${encodeURIComponent(options.mailbox)}`;
  }

  get address(): string {
    return this.options.mailbox;
  }

  /** Creates the draft with an immutable id, tagged with the reminder's id; returns that id. */
  async createDraft(message: OutgoingMessage): Promise<string> {
    const body = await this.call({
      method: 'POST',
      path: `${this.root}/messages`,
      what: `creating the draft of reminder ${message.reminderId} in ${this.address}`,
      role: 'Mail.ReadWrite',
      headers: IMMUTABLE_IDS,
      body: {
        subject: message.subject,
        body: { contentType: bodyType(message.body), content: message.body },
        toRecipients: [
          { emailAddress: { address: message.to.address, ...(message.to.name ? { name: message.to.name } : {}) } },
        ],
        singleValueExtendedProperties: [{ id: REMINDER_ID_PROPERTY, value: message.reminderId }],
      },
    });
    return withId.parse(body).id;
  }

  /**
   * Submits the draft (202: accepted, not yet sent); takes one of the mailbox's submissions a minute.
   * `beforeSubmitting` runs once the window has room, just before the request leaves (the sender records there
   * that a send was asked for). While it
   * waits for the window, the mailbox's other requests (searches, drafts, reads) go ahead of it.
   */
  async send(messageId: string, beforeSubmitting?: () => Promise<void>): Promise<void> {
    await this.call(
      {
        method: 'POST',
        path: `${this.root}/messages/${encodeURIComponent(messageId)}/send`,
        what: `sending message ${messageId} from ${this.address}`,
        role: 'Mail.Send',
        headers: IMMUTABLE_IDS,
      },
      { submission: true, letOthersPass: true },
      beforeSubmitting,
    );
  }

  /** The folder the message is in now; undefined when a read by its id finds nothing (unknown, or in transit). */
  async folderOf(messageId: string): Promise<MailFolder | undefined> {
    let body: unknown;
    try {
      body = await this.call({
        method: 'GET',
        path: `${this.root}/messages/${encodeURIComponent(messageId)}`,
        query: { $select: 'id,parentFolderId' },
        what: `reading message ${messageId} in ${this.address}`,
        role: 'Mail.Read',
        headers: IMMUTABLE_IDS,
      });
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
    const { parentFolderId } = located.parse(body);
    const ids = await this.wellKnownFolderIds();
    return MAIL_FOLDERS.find((folder) => ids[folder] === parentFolderId);
  }

  /**
   * The message tagged with this reminder's id in Drafts, the Outbox or Sent Items (one $batch of three
   * searches), the most advanced copy first; undefined when none is there.
   */
  async findTagged(reminderId: string, onAnswered?: () => void): Promise<FoundMessage | undefined> {
    const filter = `singleValueExtendedProperties/Any(ep: ep/id eq '${REMINDER_ID_PROPERTY}' and ep/value eq '${reminderId.replace(/'/g, "''")}')`;
    const query = new URLSearchParams({ $filter: filter, $select: 'id', $top: '5' }).toString();
    const answers = await this.batch(
      MAIL_FOLDERS.map((folder) => ({ id: folder, url: `${this.root}/mailFolders/${folder}/messages?${query}` })),
      `looking for reminder ${reminderId}'s message in ${this.address}`,
      'Mail.Read',
    );
    onAnswered?.();
    for (const folder of [...MAIL_FOLDERS].reverse()) {
      const first = listed.parse(answers[folder]).value[0];
      if (first) return { id: first.id, folder };
    }
    return undefined;
  }

  private wellKnownFolderIds(): Promise<Record<MailFolder, string>> {
    this.folderIds ??= this.batch(
      MAIL_FOLDERS.map((folder) => ({ id: folder, url: `${this.root}/mailFolders/${folder}?$select=id` })),
      `reading the folders of ${this.address}`,
      'Mail.Read',
    ).then((answers) => {
      const ids = {} as Record<MailFolder, string>;
      for (const folder of MAIL_FOLDERS) ids[folder] = withId.parse(answers[folder]).id;
      return ids;
    });
    this.folderIds.catch(() => (this.folderIds = undefined));
    return this.folderIds;
  }

  /** GETs in one JSON batch; an item refused (a 429 inside the batch included) throws its typed error. */
  private async batch(
    requests: { id: string; url: string }[],
    what: string,
    role: string,
  ): Promise<Record<string, unknown>> {
    const body = await this.call(
      {
        method: 'POST',
        path: '/$batch',
        what,
        role,
        body: { requests: requests.map((r) => ({ ...r, method: 'GET', headers: IMMUTABLE_IDS })) },
      },
      // Outlook runs the items side by side, each counting against the mailbox's 4 concurrent requests.
      { slots: requests.length },
    );
    const answers: Record<string, unknown> = {};
    for (const item of batchAnswer.parse(body).responses) {
      const error = refusal(
        { status: item.status, headers: lowerCased(item.headers ?? {}), body: item.body },
        { what, role, method: 'GET' },
        this.options.clock,
      );
      if (error) throw error;
      answers[item.id] = item.body;
    }
    for (const request of requests) {
      if (!(request.id in answers)) {
        throw new TransientError(`Graph left request ${request.id} out of its $batch answer while ${what}.`, {
          code: 'graph.batchIncomplete',
        });
      }
    }
    return answers;
  }

  private call(
    call: Omit<GraphCall, 'signal'>,
    pacing: { submission?: boolean; letOthersPass?: boolean; slots?: number } = {},
    /** Runs once the pacer gave the request its turn, right before it leaves. */
    before?: () => Promise<void>,
  ): Promise<unknown> {
    const { graph, pacer, clock, signal } = this.options;
    const task = async (): Promise<unknown> => {
      await before?.();
      return graphCall(graph, { ...call, signal }, clock);
    };
    return pacer.run(this.address, task, { ...pacing, signal });
  }
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/** Rows written from the templates hold HTML (renderMessage's body); the seed's and older rows plain text. */
export function bodyType(body: string): 'html' | 'text' {
  return /^\s*<(p|div|html|table|br|h[1-6]|!doctype)\b/i.test(body) ? 'html' : 'text';
}
