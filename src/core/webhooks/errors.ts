// The webhook receiver's typed errors: a store that cannot be written or read (the receiver answers
// 503 so the sender retries), a key that cannot open the stored payloads, and an inbox id that is not there.
import { ExternalServiceError, NotFoundError, ValidationError } from '../errors';

/** The inbox could not be written or read: nothing was acknowledged, so the sender will retry. */
export class WebhookStoreError extends ExternalServiceError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'webhooks.storeFailed', retriable: true, cause });
  }
}

/** The payload key is missing, malformed, or not the one the inbox was written with. */
export class WebhookKeyError extends ValidationError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'webhooks.badKey', cause });
  }
}

/** `lc webhooks replay <id>` named a request the inbox does not hold (or one that was rejected). */
export class WebhookNotFoundError extends NotFoundError {
  constructor(id: string, why = 'no stored request has that id') {
    super(`Webhook request ${id} cannot be replayed: ${why}. \`lc webhooks inbox\` lists the stored ones.`, {
      code: 'webhooks.notFound',
      detail: { id },
    });
  }
}
