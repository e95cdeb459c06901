// Who may call the receiver: Stripe (its `Stripe-Signature`, checked by the stripe SDK's own verifier
// against any of the endpoint's secrets, with Stripe's 300 s tolerance measured on the injected clock),
// Microsoft Graph (the `clientState` given at subscription, in every notification) and flows (Logic Apps,
// Power Automate) signing with a shared secret in the same `t=<unix>,v1=<hex>` scheme Stripe uses.
import { createHmac, timingSafeEqual } from 'node:crypto';
import Stripe from 'stripe';
import { z } from 'zod';
import type { Verification } from './inbox';

/** Stripe's own default: a signed timestamp older than this is refused (replay protection). */
export const STRIPE_TOLERANCE_SECONDS = 300;

export type Checked<T> = { ok: true; value: T } | { ok: false; verification: Verification; reason: string };

const stripeEventSchema = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  data: z.object({ object: z.object({ id: z.string().min(1).max(255), object: z.string() }).loose() }),
});
export type StripeEventEnvelope = z.infer<typeof stripeEventSchema>;

/**
 * Verifies with `Stripe.webhooks.constructEvent` (the SDK's verifier: several `v1` signatures in the
 * header during a secret rotation are each tried). Several endpoint secrets can be given too, for the
 * overlap when the user rolls the endpoint's secret.
 */
export function verifyStripe(
  body: Buffer,
  header: string | undefined,
  secrets: readonly string[],
  nowMs: number,
): Checked<StripeEventEnvelope> {
  if (header === undefined || header === '') return refused('missingSignature', 'no Stripe-Signature header');
  if (secrets.length === 0) return refused('badSignature', 'no Stripe webhook secret is configured');
  let lastReason = 'no signature matched';
  let stale = false;
  for (const secret of secrets) {
    let event: unknown;
    try {
      event = Stripe.webhooks.constructEvent(body, header, secret, STRIPE_TOLERANCE_SECONDS, undefined, nowMs);
    } catch (error) {
      if (error instanceof SyntaxError) return refused('malformed', 'the signed body is not JSON');
      const message = error instanceof Error ? error.message : String(error);
      if (/tolerance/i.test(message)) stale = true;
      lastReason = message.split('\n')[0] ?? message;
      continue;
    }
    const parsed = stripeEventSchema.safeParse(event);
    if (!parsed.success) return refused('malformed', 'the signed body is not a Stripe event');
    return { ok: true, value: parsed.data };
  }
  return stale
    ? refused('staleTimestamp', `the signed timestamp is more than ${STRIPE_TOLERANCE_SECONDS} s old`)
    : refused('badSignature', lastReason);
}

const graphNotificationsSchema = z.object({
  value: z
    .array(
      z
        .object({
          subscriptionId: z.string().max(255).optional(),
          clientState: z.string().max(255).optional(),
          changeType: z.string().max(255).optional(),
          lifecycleEvent: z.string().max(255).optional(),
          resource: z.string().max(2048).optional(),
        })
        .loose(),
    )
    .min(1)
    .max(1000),
});
export type GraphNotifications = z.infer<typeof graphNotificationsSchema>;

/** Graph puts the subscription's clientState in every notification; one that does not match is not Graph's. */
export function verifyGraph(body: Buffer, clientState: string | undefined): Checked<GraphNotifications> {
  if (clientState === undefined || clientState === '') {
    return refused('badClientState', 'no Graph clientState is configured');
  }
  const parsed = parseJson(body, graphNotificationsSchema);
  if (parsed === undefined) return refused('malformed', 'not a Graph notification collection');
  for (const n of parsed.value) {
    if (n.clientState === undefined || !sameText(n.clientState, clientState)) {
      return refused('badClientState', 'a notification carries a clientState other than the subscription’s');
    }
  }
  return { ok: true, value: parsed };
}

const flowBodySchema = z
  .object({ id: z.string().min(1).max(255).optional(), type: z.string().max(255).optional() })
  .loose();
export type FlowBody = z.infer<typeof flowBodySchema>;

/**
 * `X-LC-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, as Stripe signs:
 * the timestamp inside the MAC keeps a captured call from being replayed after the tolerance.
 */
export function verifyFlow(
  body: Buffer,
  header: string | undefined,
  secret: string | undefined,
  nowMs: number,
): Checked<FlowBody> {
  if (secret === undefined || secret === '') return refused('unknownRoute', 'no flow of that name is configured');
  if (header === undefined || header === '') return refused('missingSignature', 'no X-LC-Signature header');
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const signatures = parts.filter(([k, v]) => k === 'v1' && v !== undefined).map(([, v]) => v as string);
  if (!Number.isInteger(t) || signatures.length === 0)
    return refused('badSignature', 'the signature header is malformed');
  const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
  if (!signatures.some((s) => sameText(s, expected))) return refused('badSignature', 'no signature matched');
  if (Math.floor(nowMs / 1000) - t > STRIPE_TOLERANCE_SECONDS) {
    return refused('staleTimestamp', `the signed timestamp is more than ${STRIPE_TOLERANCE_SECONDS} s old`);
  }
  const parsed = parseJson(body, flowBodySchema);
  if (parsed === undefined) return refused('malformed', 'the body is not a JSON object');
  return { ok: true, value: parsed };
}

/** How a flow signs a call; also what Send Test Event and the tests use. */
export function flowSignatureHeader(secret: string, body: string | Buffer, timestampSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex');
  return `t=${timestampSeconds},v1=${v1}`;
}

/** Stripe's `Stripe-Signature` over the raw bytes: the scheme the flows borrow, so the same MAC. */
export function stripeSignatureHeader(secret: string, body: string | Buffer, timestampSeconds: number): string {
  return flowSignatureHeader(secret, body, timestampSeconds);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function parseJson<T>(body: Buffer, schema: z.ZodType<T>): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

function refused(
  verification: Verification,
  reason: string,
): { ok: false; verification: Verification; reason: string } {
  return { ok: false, verification, reason };
}
