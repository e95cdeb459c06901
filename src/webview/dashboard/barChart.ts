// One chart drawn with Chart.js, registering only what a bar chart needs (bar controller and element, category
// and linear scales, legend, tooltip) so the bundle stays small. A click on a bar asks for the sessions behind it.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJs,
  Legend,
  LinearScale,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import type { Chart } from '../../core/dashboard';
import { moneyText, valueText } from './format';
import type { ThemeColours } from './theme';

ChartJs.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export type BarClick = (barKey: string, seriesKey: string) => void;

export class BarChart {
  private readonly chart: ChartJs<'bar'> | undefined;

  constructor(
    canvas: HTMLCanvasElement,
    private readonly data: Chart,
    currency: string,
    theme: ThemeColours,
    onClick: BarClick,
  ) {
    const config: ChartConfiguration<'bar'> = {
      type: 'bar',
      data: {
        labels: data.bars.map((b) => b.label),
        datasets: data.series.map((s, i) => ({ label: s.label, data: data.bars.map((b) => b.values[i]) })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        onClick: (_event, elements) => {
          const [hit] = elements;
          if (!hit) return;
          onClick(data.bars[hit.index].key, data.series[hit.datasetIndex].key);
        },
        onHover: (event, elements) => {
          const target = event.native?.target as HTMLElement | undefined;
          if (target) target.style.cursor = elements.length > 0 ? 'pointer' : 'default';
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            callbacks: {
              label: (item) =>
                `${data.series[item.datasetIndex].label}: ${valueText(data, data.bars[item.dataIndex], item.datasetIndex, currency)}`,
            },
          },
        },
        scales: {
          x: { stacked: data.stacked },
          y: {
            stacked: data.stacked,
            beginAtZero: true,
            ...(data.unit === 'percent' ? { suggestedMax: 10 } : {}),
            ticks: {
              precision: 0,
              callback: (value) =>
                data.unit === 'cents'
                  ? moneyText(Number(value), currency)
                  : data.unit === 'percent'
                    ? `${value}%`
                    : String(value),
            },
          },
        },
      },
    };
    // A canvas without a 2D context (a test's DOM) draws nothing; the table alternative still holds the data.
    this.chart = canvas.getContext('2d') ? new ChartJs(canvas, config) : undefined;
    this.applyTheme(theme);
  }

  applyTheme(theme: ThemeColours): void {
    const chart = this.chart;
    if (!chart) return;
    chart.data.datasets.forEach((dataset, i) => {
      dataset.backgroundColor = theme.series[this.data.series[i].colour];
      dataset.borderColor = theme.contrastBorder || theme.series[this.data.series[i].colour];
      dataset.borderWidth = theme.contrastBorder ? 1 : 0;
    });
    const font = { family: theme.fontFamily };
    const scales = chart.options.scales ?? {};
    for (const axis of [scales.x, scales.y]) {
      if (!axis) continue;
      axis.ticks = { ...axis.ticks, color: theme.foreground, font };
      axis.grid = { ...axis.grid, color: theme.grid };
      axis.border = { ...axis.border, color: theme.grid };
    }
    const legend = chart.options.plugins?.legend;
    if (legend) legend.labels = { ...legend.labels, color: theme.foreground, font };
    // Not update('none'): Chart.js refreshes the options its bars share only in an animated-mode update, so a
    // 'none' update left the bars in the colours of their first draw (Chart.js's grey, or the previous theme)
    // while the legend changed. Animations are off, so this redraws at once.
    chart.update();
  }

  destroy(): void {
    this.chart?.destroy();
  }
}
