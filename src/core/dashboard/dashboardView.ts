// What the dashboard panel shows from the stores' snapshots: signed out, loading, an error before anything was
// fetched, or the charts with how fresh they are (a refresh under way, offline since when).
import type { Reminder } from '../reminders';
import type { Session } from '../sessions';
import type { StoreSnapshot } from '../store';
import { dashboardData } from './dashboardData';
import type { DashboardView } from './types';

export interface DashboardViewInput {
  /** The signed-in profile's name; undefined while signed out. */
  profile: string | undefined;
  /** The profile being signed in to (a switch under way): shown as loading, not as signed out. */
  signingIn?: string;
  sessions: StoreSnapshot<Session[]>;
  reminders: StoreSnapshot<Reminder[]>;
  now: Date;
  timeZone: string;
  paymentsConfigured: boolean;
  currency?: string;
}

export function dashboardView(input: DashboardViewInput): DashboardView {
  const { profile, sessions, reminders } = input;
  if (profile === undefined)
    return input.signingIn === undefined ? { kind: 'signedOut' } : { kind: 'loading', profile: input.signingIn };
  if (!sessions.data) {
    if (sessions.error && !sessions.loading) return { kind: 'error', profile, message: sessions.error.message };
    return { kind: 'loading', profile };
  }
  const data = dashboardData({
    sessions: sessions.data,
    reminders: reminders.data ?? [],
    now: input.now,
    timeZone: input.timeZone,
    paymentsConfigured: input.paymentsConfigured,
    ...(input.currency ? { currency: input.currency } : {}),
  });
  const offlineSince = sessions.offlineSince ?? reminders.offlineSince;
  const error = sessions.error ?? reminders.error;
  return {
    kind: 'data',
    profile,
    data,
    loading: sessions.loading || reminders.loading,
    ...(offlineSince ? { offlineSince: offlineSince.toISOString() } : {}),
    ...(error ? { error: error.message } : {}),
    ...(sessions.fetchedAt ? { fetchedAt: sessions.fetchedAt.toISOString() } : {}),
  };
}
