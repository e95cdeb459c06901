// Least privilege, checked: which Graph application roles each feature needs, which the token
// carries, what a missing one disables, and which granted roles are broader than needed.

export interface RoleNeed {
  role: string;
  /** Roles that also satisfy this need (a broader one). */
  satisfiedBy: readonly string[];
  feature: string;
}

export const GRAPH_ROLE_NEEDS: readonly RoleNeed[] = [
  { role: 'Mail.Send', satisfiedBy: ['Mail.Send'], feature: 'sending reminders and follow-ups' },
  {
    role: 'User.Read.All',
    satisfiedBy: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    feature: 'finding the practitioner’s mailbox',
  },
  {
    role: 'Calendars.Read',
    satisfiedBy: ['Calendars.Read', 'Calendars.ReadWrite'],
    feature: 'importing sessions from the calendar',
  },
  {
    role: 'Mail.ReadWrite',
    satisfiedBy: ['Mail.ReadWrite'],
    feature: 'creating each reminder as a draft tagged with its id before it is sent',
  },
  {
    // Mail.ReadBasic leaves out extended properties, where the reminder's id travels with its message.
    role: 'Mail.Read',
    satisfiedBy: ['Mail.Read', 'Mail.ReadWrite'],
    feature: 'finding a reminder’s message in Drafts, Outbox and Sent Items so none is sent twice',
  },
];

/** Roles that grant far more than Life Cockpit uses, with the narrower role to ask for instead. */
const BROADER_THAN_NEEDED: Readonly<Record<string, string>> = {
  'User.ReadWrite.All': 'User.Read.All',
  'Directory.ReadWrite.All': 'User.Read.All',
  'Directory.Read.All': 'User.Read.All',
  'Sites.FullControl.All': 'nothing (not used)',
  'Files.ReadWrite.All': 'nothing (not used)',
  'Application.ReadWrite.All': 'nothing (not used)',
};

export interface RoleReport {
  granted: string[];
  missing: Array<{ role: string; feature: string }>;
  broader: Array<{ role: string; instead: string }>;
}

export function analyseRoles(granted: readonly string[]): RoleReport {
  const set = new Set(granted);
  return {
    granted: [...granted].sort(),
    missing: GRAPH_ROLE_NEEDS.filter((need) => !need.satisfiedBy.some((r) => set.has(r))).map(({ role, feature }) => ({
      role,
      feature,
    })),
    broader: granted
      .filter((r) => r in BROADER_THAN_NEEDED)
      .map((role) => ({ role, instead: BROADER_THAN_NEEDED[role] })),
  };
}
