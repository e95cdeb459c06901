// Puts our repeatability fields on every recipient of an SMS send. @azure/communication-sms 1.1 writes a
// fresh `repeatabilityRequestId` (uuid v4) and `repeatabilityFirstSent` (now) into each recipient itself,
// with no option to pass them in, so a retry after a crash would look new to ACS and be sent twice. This
// pipeline policy rewrites them from two request headers that the channel sets per call (so concurrent
// sends cannot mix them up) and removes those headers. It is added as a per-call policy, which the pipeline
// runs after the body is serialized and before the SDK's access-key policy, so the HMAC covers the body
// as rewritten.
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { ValidationError } from '../../errors';

export const REPEAT_ID_HEADER = 'x-lc-repeatability-request-id';
export const FIRST_SENT_HEADER = 'x-lc-repeatability-first-sent';

export function repeatabilityPolicy(): PipelinePolicy {
  return {
    name: 'lifeCockpitSmsRepeatability',
    sendRequest(request, next) {
      const requestId = request.headers.get(REPEAT_ID_HEADER);
      const firstSent = request.headers.get(FIRST_SENT_HEADER);
      request.headers.delete(REPEAT_ID_HEADER);
      request.headers.delete(FIRST_SENT_HEADER);
      if (requestId === undefined || firstSent === undefined || typeof request.body !== 'string') {
        throw new ValidationError('An SMS send left without its repeatability id; nothing was sent.', {
          code: 'channels.acsRepeatability',
        });
      }
      const body = JSON.parse(request.body) as { smsRecipients?: Record<string, unknown>[] };
      for (const recipient of body.smsRecipients ?? []) {
        recipient['repeatabilityRequestId'] = requestId;
        recipient['repeatabilityFirstSent'] = firstSent;
      }
      request.body = JSON.stringify(body);
      return next(request);
    },
  };
}
