// Import From Calendar: Outlook events with the practice's category become sessions, each event once.
export { importFromCalendar } from './importFromCalendar';
export type {
  CalendarImportDeps,
  CalendarImportOptions,
  CalendarImportReport,
  ImportedEvent,
  UnmatchedEvent,
  UnmatchedReason,
} from './importFromCalendar';
export { readCalendarView, type CalendarEvent } from './calendarView';
