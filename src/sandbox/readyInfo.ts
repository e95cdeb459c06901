// Builds the ready line of `lc sandbox --json` (../shared/INTERFACES.md §1): where each service stands,
// the app's credentials, the CA to trust, and the environment variables that point `lc` at it.

import { accessKeyFor, SANDBOX_SMS_FROM } from './acs';
import type { SandboxCertificates } from './certs';
import { sandboxSendGridKey } from './sendgrid';
import type { PracticeSeed, SandboxReadyInfo, SandboxUrls } from './types';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export function readyInfo(practice: PracticeSeed, urls: SandboxUrls, certs: SandboxCertificates): SandboxReadyInfo {
  const authority = `${urls.authorityHost}/${practice.tenantId}`;
  return {
    ready: true,
    caFile: certs.caFile,
    authority,
    knownAuthority: new URL(urls.authorityHost).host,
    tenantId: practice.tenantId,
    clientId: practice.app.clientId,
    clientSecret: practice.app.clientSecret,
    certificate: {
      thumbprint: certs.client.thumbprint,
      privateKeyFile: certs.client.keyFile,
      certificateFile: certs.client.certFile,
    },
    graphUrl: urls.graphUrl,
    graphScope: GRAPH_SCOPE,
    dataverseUrl: urls.dataverseUrl,
    stripeUrl: urls.stripeUrl,
    stripeSecretKey: practice.stripe.secretKey,
    stripeWebhookSecret: practice.stripe.webhookSecret,
    sendgridUrl: urls.sendgridUrl ?? urls.origin,
    sendgridApiKey: sandboxSendGridKey(practice.tenantId),
    mailbox: practice.practitioner.mail,
    acsConnectionString: acsConnectionString(practice, urls),
    smsFrom: SANDBOX_SMS_FROM,
    env: {
      LC_PROFILE: 'sandbox',
      LC_PROFILE_KIND: 'sandbox',
      LC_TENANT_ID: practice.tenantId,
      LC_CLIENT_ID: practice.app.clientId,
      LC_CLIENT_SECRET: practice.app.clientSecret,
      LC_AUTHORITY_HOST: urls.authorityHost,
      LC_GRAPH_URL: urls.graphUrl,
      LC_DATAVERSE_URL: urls.dataverseUrl,
      LC_STRIPE_URL: urls.stripeUrl,
      LC_STRIPE_SECRET_KEY: practice.stripe.secretKey,
      LC_STRIPE_WEBHOOK_SECRET: practice.stripe.webhookSecret,
      LC_SENDGRID_URL: urls.sendgridUrl ?? urls.origin,
      LC_SENDGRID_API_KEY: sandboxSendGridKey(practice.tenantId),
      LC_MAILBOX: practice.practitioner.mail,
      LC_ACS_CONNECTION_STRING: acsConnectionString(practice, urls),
      LC_SMS_FROM: SANDBOX_SMS_FROM,
      // lc trusts this CA for the sandbox's origins only. No NODE_EXTRA_CA_CERTS: a shell that loads this
      // env would make every Node process trust the sandbox CA for every host (and warn once it is gone).
      LC_CA_FILE: certs.caFile,
      // For `lc sandbox inspect|reset|export|import` against this sandbox.
      LC_SANDBOX_URL: urls.origin,
      LC_SANDBOX_CA: certs.caFile,
    },
  };
}

/** The sandbox's ACS resource as a connection string: the endpoint is inside it, as in a real one. */
export function acsConnectionString(practice: PracticeSeed, urls: SandboxUrls): string {
  return `endpoint=${urls.origin}/;accesskey=${accessKeyFor(practice)}`;
}
