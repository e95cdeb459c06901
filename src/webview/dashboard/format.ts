// How the dashboard writes a value: the same text in the chart's tooltip and in its table alternative.
import type { Chart, ChartBar } from '../../core/dashboard';

/** "90.00 EUR", as the Sessions view writes amounts. */
export function moneyText(cents: number, currency: string): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}

export function valueText(chart: Chart, bar: ChartBar, seriesIndex: number, currency: string): string {
  const value = bar.values[seriesIndex];
  if (chart.unit === 'cents') return moneyText(value, currency);
  if (chart.unit === 'percent') return `${value}% (${bar.counts?.[seriesIndex] ?? 0} of ${bar.outOf ?? 0})`;
  return String(value);
}

export function totalText(chart: Chart, bar: ChartBar, currency: string): string {
  const total = bar.values.reduce((a, b) => a + b, 0);
  return chart.unit === 'cents' ? moneyText(total, currency) : String(total);
}

/** What the first column of a chart's table names. */
export function barNoun(chart: Chart): string {
  return chart.id === 'money' ? 'Week' : chart.id === 'attendance' ? 'Month' : 'Day';
}
