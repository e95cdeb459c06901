// What the dashboard draws, as plain JSON (it crosses into the webview by postMessage): four bar charts
// whose every bar carries the ids of the sessions behind it, and the facts beside them.

export type ChartId = 'week' | 'money' | 'attendance' | 'reminders';

/** How a chart's values read: a count, an amount in cents of `currency`, or a percentage (0–100). */
export type ChartUnit = 'count' | 'cents' | 'percent';

/** The editor theme's chart colour a series is drawn in (`--vscode-charts-<colour>`). */
export type ChartColour = 'blue' | 'green' | 'red' | 'yellow' | 'orange' | 'purple';

export interface ChartSeries {
  key: string;
  label: string;
  colour: ChartColour;
}

export interface ChartBar {
  /** A local date (YYYY-MM-DD), the Monday of a week, or a month (YYYY-MM). */
  key: string;
  label: string;
  /** One value per series, in the chart's unit. */
  values: number[];
  /** One list per series: the sessions behind that part of the bar. */
  sessionIds: string[][];
  /** Percent charts: the counts the rates come from (one per series) and what they are out of. */
  counts?: number[];
  outOf?: number;
}

export interface Chart {
  id: ChartId;
  title: string;
  /** What the chart shows, precisely: the caption of its table. */
  caption: string;
  unit: ChartUnit;
  stacked: boolean;
  series: ChartSeries[];
  bars: ChartBar[];
  /** True when every value is zero: the panel says so instead of drawing empty axes. */
  empty: boolean;
}

export interface Debt {
  sessionId: string;
  clientName: string;
  /** The session's start (ISO) and its local date. */
  start: string;
  day: string;
  feeCents: number;
  payment: string;
}

export interface MoneyChart extends Chart {
  currency: string;
  /** What clients owe in all (attended sessions with a fee, not paid: none, unpaid, invoiced, failed). */
  outstanding: { totalCents: number; sessions: number; oldest: Debt[] };
  /** Set when the profile has no payments set up: what the panel needs. */
  needs?: string;
}

export interface RemindersChart extends Chart {
  /** Of the sessions of the last 7 days (not canceled), how many had a reminder sent. */
  share: { sessions: number; withReminder: number; percent: number | undefined; withoutIds: string[] };
}

export interface DashboardData {
  week: Chart;
  money: MoneyChart;
  attendance: Chart;
  reminders: RemindersChart;
  /** When it was computed (ISO) and in which time zone days begin. */
  generatedAt: string;
  timeZone: string;
}

/** What the panel shows: the data with how fresh it is, or why there is none. */
export type DashboardView =
  | { kind: 'signedOut' }
  | { kind: 'loading'; profile: string }
  | { kind: 'error'; profile: string; message: string }
  | {
      kind: 'data';
      profile: string;
      data: DashboardData;
      /** A refresh is under way. */
      loading: boolean;
      /** Set while refreshes fail after data was once fetched (ISO), with the last error. */
      offlineSince?: string;
      error?: string;
      /** When the shown data was fetched (ISO). */
      fetchedAt?: string;
    };

/** Extension → webview. */
export interface DashboardShow {
  type: 'show';
  view: DashboardView;
}

/** Webview → extension: ready for data; the sessions behind a bar (one series of it, or all); one session. */
export type DashboardRequest =
  | { type: 'ready' }
  | { type: 'openSessions'; chart: ChartId; bar: string; series?: string }
  | { type: 'openSession'; sessionId: string };
