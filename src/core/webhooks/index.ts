// Public surface of the webhooks module: the local receiver (/stripe, /graph, /flows/<name>), the
// encrypted append-only inbox it stores every request in before answering, and the processor that
// handles stored events once each.
export * from './errors';
export {
  INBOX_FILE,
  WebhookInbox,
  type InboxEntry,
  type InboxOptions,
  type ForwardResult,
  type ForwardState,
  type NewRequest,
  type Outcome,
  type Verification,
} from './inbox';
export { newPayloadKey, payloadKeyFrom } from './payloadCipher';
export {
  DEFAULT_MAX_BODY_BYTES,
  startWebhookReceiver,
  type ReceiverOptions,
  type ReceiverRoutes,
  type ReceiverSecrets,
  type RunningReceiver,
} from './receiver';
export { flowSignatureHeader, STRIPE_TOLERANCE_SECONDS } from './verification';
export {
  WebhookProcessor,
  type HandlerResult,
  type PassSummary,
  type ProcessorOptions,
  type WebhookHandler,
} from './processor';
export {
  HANDLED_STRIPE_EVENTS,
  SESSION_ID_METADATA,
  stripeObjectReader,
  stripePaymentHandler,
  type PaymentUpdate,
  type StripeObjectReader,
  type StripePaymentDeps,
} from './stripePayments';
export { checkedForwardTargets } from './forwarding';
export {
  startWebhookService,
  stripeWebhookHandler,
  type RunningWebhookService,
  type StripeWebhookDeps,
  type WebhookServiceOptions,
} from './service';
export { flowPayload, flowUrlSecrets, triggerFlow, type FlowPayload, type FlowTriggerOptions } from './flows';
export { WebhookForwarder, type ForwarderOptions } from './forwarding';
export {
  CALENDAR_CHANGE_TYPES,
  fileSubscriptionStore,
  keepCalendarSubscriptionRenewed,
  newClientState,
  recreateCalendarSubscription,
  renewalTime,
  renewCalendarSubscription,
  subscribeToCalendar,
  type CalendarSubscription,
  type CalendarSubscriptionDeps,
  type SubscriptionStore,
} from './graphSubscriptions';
export { graphNotificationHandler, type GraphNotificationDeps } from './graphNotifications';
export {
  isTestEventType,
  sendTestEvent,
  signedTestEvent,
  TEST_EVENT_TYPES,
  type SignedTestEvent,
  type TestEventInput,
  type TestEventType,
} from './testEvent';
export {
  acsDeliveryReportHandler,
  acsWebhookKey,
  SMS_DELIVERY_REPORT_EVENT,
  type AcsDeliveryReportDeps,
} from './acsDeliveryReports';
