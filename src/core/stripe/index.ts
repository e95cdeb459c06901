// Public surface of the stripe module: charging a session through Stripe (an invoice, or a Checkout link mailed
// through the reminders sender), following its
// payment, refunding it, and recording a session's payment status and Stripe ids in Dataverse. The stripe
// SDK sends through the HTTP layer (createStripeApi); its failures become typed errors (errors.ts).
export * from './recordPayment';
export * from './errors';
export * from './stripeApi';
export * from './paymentDeps';
export * from './chargeSession';
export * from './checkoutCharge';
export * from './paymentStatus';
export * from './refundSession';
