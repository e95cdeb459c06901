// Public surface of the stripe module: charging a session through Stripe (an invoice), following its
// payment, refunding it, and recording a session's payment status and Stripe ids in Dataverse.
export * from './recordPayment';
