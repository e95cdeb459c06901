// What the sandbox's Azure Communication Services resource holds: the SMS it sent (for the inspector and
// tests), the repeatability ids it still remembers, and the Event Grid subscription delivery reports go to.
import { createHash } from 'node:crypto';
import type { PracticeSeed } from '../types';

export interface SentSms {
  messageId: string;
  from: string;
  to: string;
  message: string;
  sentAt: string; // ISO, the sandbox's time
  enableDeliveryReport: boolean;
  tag?: string;
  repeatabilityRequestId?: string;
  repeatabilityFirstSent?: string;
  /** The last delivery report sent for it, when one was. */
  deliveryStatus?: string;
}

export interface RepeatRecord {
  /** When the first request with this id arrived (epoch ms, the sandbox's time); forgotten after the window. */
  receivedAt: number;
  /** What the request asked for: a repeat that differs is refused. */
  fingerprint: string;
  messageId: string;
}

export interface EventSubscription {
  endpoint: string;
  /** Delay between sending an SMS and its delivery report, in ACS's time (divided by the time-scale). */
  delayMs: number;
}

export interface AcsState {
  sent: SentSms[];
  repeats: Record<string, RepeatRecord>;
  eventSubscription?: EventSubscription;
}

export function emptyAcsState(): AcsState {
  return { sent: [], repeats: {} };
}

/** The resource's access key, the same for a seed across restarts (the ready line names it). */
export function accessKeyFor(practice: Pick<PracticeSeed, 'tenantId'>): string {
  return createHash('sha256').update(`sandbox-acs-access-key:${practice.tenantId}`).digest('base64');
}

/** The resource's toll-free sending number (ACS sells US toll-free numbers as +1 8xx). */
export const SANDBOX_SMS_FROM = '+18005550123';
