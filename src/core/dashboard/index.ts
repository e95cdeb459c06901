// Public surface of the dashboard module: the practice at a glance, computed from the stores' sessions and
// reminders, pure (time and time zone given), for the editor's dashboard panel.
export * from './types';
export * from './dashboardData';
export { localDate } from './localCalendar';
export * from './dashboardView';
