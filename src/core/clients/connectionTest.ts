// "Test Connection": who the app is, which Graph roles it holds (and what a missing one disables),
// whether the sender mailbox is reachable and its messages' reminder tags readable (the sender's check
// before every send), and who it is in Dataverse (WhoAmI). Each part reports
// its own outcome, so one failing service does not hide what works. It lives beside the clients it
// tests (not in auth, which Graph itself depends on).
import type { Client } from '@microsoft/microsoft-graph-client';
import { adminConsentUrl, analyseRoles, type RoleReport, type SignedInIdentity } from '../auth';
import type { Profile } from '../config';
import type { WhoAmI } from '../dataverse';
import { toLifeCockpitError } from '../errors';
import { translateGraphError } from '../graph';
import { REMINDER_ID_PROPERTY } from '../reminders';

export interface ConnectionReport {
  profile: string;
  profileKind: Profile['kind'];
  tenantId: string;
  clientId: string;
  appName: string | undefined;
  roles: RoleReport;
  adminConsentUrl: string;
  graph: { ok: true; mailbox: { displayName?: string; mail?: string } } | { ok: false; error: string };
  /** Whether Sent Items can be searched by the reminder's extended property (needs Mail.Read). */
  reminderCheck: { ok: true } | { ok: false; error: string } | { ok: false; skipped: true; error: string };
  dataverse: { ok: true; whoAmI: WhoAmI } | { ok: false; error: string } | { ok: false; skipped: true; error: string };
}

export async function testConnection(input: {
  profile: Profile;
  identity: SignedInIdentity;
  graph: Client;
  /** Called with `cache: 'no-store'`: Test Connection asks Dataverse itself, never the HTTP cache. */
  whoAmI?: (options: { cache: 'no-store' }) => Promise<WhoAmI>;
}): Promise<ConnectionReport> {
  const { profile, identity } = input;
  const [graph, reminderCheck, dataverse] = await Promise.all([
    checkMailbox(input.graph, profile),
    checkReminderTags(input.graph, profile),
    checkDataverse(input.whoAmI),
  ]);
  return {
    profile: profile.name,
    profileKind: profile.kind,
    tenantId: identity.tenantId,
    clientId: identity.clientId,
    appName: identity.appName,
    roles: analyseRoles(identity.roles),
    adminConsentUrl: adminConsentUrl(
      { tenantId: identity.tenantId, clientId: identity.clientId },
      profile.authorityHost,
    ),
    graph,
    reminderCheck,
    dataverse,
  };
}

async function checkMailbox(graph: Client, profile: Profile): Promise<ConnectionReport['graph']> {
  if (!profile.mailbox) return { ok: false, error: 'No sender mailbox is configured for this profile.' };
  try {
    const user = (await graph
      .api(`/users/${encodeURIComponent(profile.mailbox)}`)
      .select('displayName,mail')
      .get()) as { displayName?: string; mail?: string };
    return { ok: true, mailbox: { displayName: user.displayName, mail: user.mail } };
  } catch (error) {
    return { ok: false, error: translateGraphError(error, `reading mailbox ${profile.mailbox}`).message };
  }
}

/**
 * The sender looks for a reminder's message by its extended property before sending; Mail.ReadBasic
 * leaves extended properties out (Graph answers 403), so without Mail.Read no reminder can be checked.
 */
async function checkReminderTags(graph: Client, profile: Profile): Promise<ConnectionReport['reminderCheck']> {
  if (!profile.mailbox) return { ok: false, skipped: true, error: 'No sender mailbox is configured for this profile.' };
  try {
    await graph
      .api(`/users/${encodeURIComponent(profile.mailbox)}/mailFolders/sentitems/messages`)
      .filter(
        `singleValueExtendedProperties/Any(ep: ep/id eq '${REMINDER_ID_PROPERTY}' and ep/value eq 'connection-test')`,
      )
      .select('id')
      .top(1)
      .get();
    return { ok: true };
  } catch (error) {
    const typed = translateGraphError(error, `searching Sent Items of ${profile.mailbox} by reminder id`);
    const forbidden = typed.code === 'graph.forbidden';
    return {
      ok: false,
      error: forbidden
        ? `Reading the reminder id on messages needs the Graph application role Mail.Read (Mail.ReadBasic leaves extended properties out); without it no reminder can be checked before sending, so none is sent. ${typed.message}`
        : typed.message,
    };
  }
}

async function checkDataverse(
  whoAmI: ((options: { cache: 'no-store' }) => Promise<WhoAmI>) | undefined,
): Promise<ConnectionReport['dataverse']> {
  if (!whoAmI)
    return { ok: false, skipped: true, error: 'No Dataverse environment URL is configured for this profile.' };
  try {
    return { ok: true, whoAmI: await whoAmI({ cache: 'no-store' }) };
  } catch (error) {
    return { ok: false, error: toLifeCockpitError(error).message };
  }
}

export function renderConnectionReport(r: ConnectionReport): string {
  const lines = [
    `# Life Cockpit: connection of profile ${r.profile} (${r.profileKind})`,
    '',
    `- Tenant: ${r.tenantId}`,
    `- App: ${r.appName ?? '(no display name)'} (${r.clientId})`,
    `- Graph mailbox: ${r.graph.ok ? `${r.graph.mailbox.displayName ?? ''} <${r.graph.mailbox.mail ?? ''}> reachable` : `FAILED: ${r.graph.error}`}`,
    `- Reminder check (Sent Items by reminder id): ${r.reminderCheck.ok ? 'readable' : `${'skipped' in r.reminderCheck ? 'skipped' : 'FAILED'}: ${r.reminderCheck.error}`}`,
    `- Dataverse: ${r.dataverse.ok ? `WhoAmI UserId ${r.dataverse.whoAmI.UserId}, business unit ${r.dataverse.whoAmI.BusinessUnitId}` : `${'skipped' in r.dataverse ? 'skipped' : 'FAILED'}: ${r.dataverse.error}`}`,
    '',
    '## Application roles (Graph)',
    r.roles.granted.length ? r.roles.granted.map((role) => `- ${role}`).join('\n') : '- none granted',
  ];
  if (r.roles.missing.length) {
    lines.push(
      '',
      '## Missing roles',
      ...r.roles.missing.map((m) => `- ${m.role}: without it, ${m.feature} does not work`),
    );
    lines.push(
      '',
      `Grant them under App registrations › API permissions, then grant admin consent: ${r.adminConsentUrl}`,
    );
  }
  if (r.roles.broader.length) {
    lines.push(
      '',
      '## Broader than needed',
      ...r.roles.broader.map((b) => `- ${b.role}: Life Cockpit needs only ${b.instead}`),
    );
  }
  return lines.join('\n') + '\n';
}
