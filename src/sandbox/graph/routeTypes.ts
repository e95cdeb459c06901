// What a Graph route is (method, path pattern, workload, roles) and what it gets to work with.

import type { ServiceContext } from '../types';
import type { Workload } from './auth';
import type { GraphState, GraphUserRecord } from './state';
import type { GraphCall, GraphResult } from './wire';

/** Told about every calendar or Sent Items change, so subscriptions can notify. */
/** How Exchange's transport and sending rate run (see transport.ts). */
export interface TransportSettings {
  /** Outbox → transport, in ms of Exchange time. */
  transportDelayMs: number;
  /** Transport → Sent Items copy, in ms of Exchange time (reads by id find nothing meanwhile). */
  transitGapMs: number;
  /**
   * For this long after a 202 from `/send`, the submitted message still shows in Drafts (Microsoft: the draft is
   * saved in Drafts, the 202 returned, and only later moved on by transport). Default 0: straight to the Outbox.
   */
  submittedDraftMs: number;
  submissionsPerMinute: number;
  /** Exchange's minutes and delays run this many times faster. */
  timeScale: number;
}

export interface ChangeListener {
  changed(userId: string, collection: 'events' | 'messages', itemId: string, changeType: ChangeType): void;
}

export type ChangeType = 'created' | 'updated' | 'deleted';

export interface RouteEnv {
  ctx: ServiceContext;
  state(): GraphState;
  now(): number;
  /** `https://localhost:PORT/graph/v1.0`: the root of @odata.context and @odata.nextLink. */
  root: string;
  changes: ChangeListener;
  /** Settings the subscriptions route reads. */
  validationTimeoutMs(): number;
  /** Exchange's transport delay, transit gap, sending rate and time scale. */
  transport(): TransportSettings;
}

export interface RouteParams {
  [name: string]: string;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Literal segments match case-insensitively; `:name` captures. */
  pattern: readonly string[];
  workload: Workload;
  /** Any one of these app roles is enough; empty = any valid token. */
  roles: readonly string[];
  /** Outlook routes under users/{id}: the mailbox is resolved first and counts toward its concurrency. */
  mailbox: boolean;
  handle(
    call: GraphCall,
    params: RouteParams,
    env: RouteEnv,
    user: GraphUserRecord | undefined,
  ): Promise<GraphResult> | GraphResult;
}

/** The dispatcher resolves the mailbox before a mailbox route runs; this narrows the type. */
export function mailboxUser(user: GraphUserRecord | undefined): GraphUserRecord {
  if (!user) throw new Error('mailbox route ran without a resolved mailbox');
  return user;
}
