// The sandbox's ready line as the product reads it (../shared/INTERFACES.md §1), checked by a zod schema,
// and the profile that points Life Cockpit at that sandbox: one place for the editor's Start Sandbox, the
// end-to-end harness and the tests. The product never imports the sandbox, so the schema lives here.
import { z } from 'zod';
import { ExternalServiceError } from '../errors';
import { profileSchema, type Profile } from './schema';

const url = z.url({ protocol: /^https?$/ });

/** The fields of the ready line the product reads; the sandbox prints more, which pass through. */
const readyLineFields = z.object({
  ready: z.literal(true),
  tenantId: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** host:port of the sandbox's Entra ID, the authority msal must treat as known. */
  knownAuthority: z.string().min(1),
  graphUrl: url,
  dataverseUrl: url,
  stripeUrl: url,
  mailbox: z.string().min(1),
  caFile: z.string().min(1),
  /** The sandbox's Stripe test-mode keys (the editor stores them for the sandbox profile). */
  stripeSecretKey: z.string().min(1).optional(),
  stripeWebhookSecret: z.string().min(1).optional(),
  /** The sandbox's SendGrid (where https://api.sendgrid.com stands) and its key. */
  sendgridUrl: url.optional(),
  sendgridApiKey: z.string().min(1).optional(),
  /** The sandbox's ACS resource (a secret: the editor stores it for the sandbox profile) and its SMS number. */
  acsConnectionString: z.string().min(1).optional(),
  smsFrom: z.string().min(1).optional(),
});
export const sandboxReadyLineSchema = readyLineFields.loose();
export type SandboxReadyLine = z.infer<typeof readyLineFields>;

/** Where a running sandbox stands: what a sandbox profile is built from. */
export type SandboxEndpoints = Omit<
  SandboxReadyLine,
  'ready' | 'clientSecret' | 'stripeSecretKey' | 'stripeWebhookSecret' | 'sendgridApiKey' | 'acsConnectionString'
>;

/** Reads the one JSON line `lc sandbox --json` prints when ready; anything else fails with `sandbox.readyLine`. */
export function parseSandboxReadyLine(line: string): SandboxReadyLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    throw unreadable(line, 'it is not JSON', error);
  }
  const parsed = sandboxReadyLineSchema.safeParse(json);
  if (!parsed.success) throw unreadable(line, z.prettifyError(parsed.error), parsed.error);
  return parsed.data;
}

function unreadable(line: string, problem: string, cause: unknown): ExternalServiceError {
  return new ExternalServiceError(`The sandbox printed an unreadable ready line: ${problem}`, {
    code: 'sandbox.readyLine',
    detail: { length: line.length },
    cause,
  });
}

/** The `lifeCockpit.profiles` entry for a sandbox, as settings hold it (the end-to-end workspace writes it). */
export function sandboxProfileSettings(info: SandboxEndpoints, name = 'sandbox'): Record<string, string> {
  return {
    name,
    kind: 'sandbox',
    tenantId: info.tenantId,
    clientId: info.clientId,
    authorityHost: `https://${info.knownAuthority}`,
    graphUrl: info.graphUrl,
    dataverseUrl: info.dataverseUrl,
    stripeUrl: info.stripeUrl,
    mailbox: info.mailbox,
    caFile: info.caFile,
    ...(info.sendgridUrl === undefined ? {} : { sendgridUrl: info.sendgridUrl }),
    ...(info.smsFrom === undefined ? {} : { smsFrom: info.smsFrom }),
  };
}

export function sandboxProfile(info: SandboxEndpoints, name = 'sandbox'): Profile {
  return profileSchema.parse(sandboxProfileSettings(info, name));
}
