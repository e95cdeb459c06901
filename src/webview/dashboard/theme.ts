// The editor theme's colours, read from the CSS variables VS Code sets on the webview's body, so charts follow
// light, dark and high-contrast themes; read again whenever the body's theme class changes.
import type { ChartColour } from '../../core/dashboard';

export interface ThemeColours {
  foreground: string;
  grid: string;
  /** Set in high-contrast themes: bars get an outline in it. */
  contrastBorder: string;
  fontFamily: string;
  series: Record<ChartColour, string>;
}

/** VS Code's defaults, for a variable a theme leaves empty. */
const FALLBACK: Record<ChartColour, string> = {
  blue: '#3794ff',
  green: '#89d185',
  red: '#f14c4c',
  yellow: '#cca700',
  orange: '#d18616',
  purple: '#b180d7',
};

export function readTheme(element: HTMLElement = document.body): ThemeColours {
  const style = getComputedStyle(element);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-foreground', '#cccccc');
  const series = Object.fromEntries(
    (Object.keys(FALLBACK) as ChartColour[]).map((c) => [c, v(`--vscode-charts-${c}`, FALLBACK[c])]),
  ) as Record<ChartColour, string>;
  return {
    foreground,
    grid: v('--vscode-charts-lines', v('--vscode-widget-border', 'rgba(128, 128, 128, 0.35)')),
    contrastBorder: v('--vscode-contrastBorder', ''),
    fontFamily: v('--vscode-font-family', 'sans-serif'),
    series,
  };
}

/** Calls `changed` when the theme changes (VS Code swaps vscode-light / vscode-dark / vscode-high-contrast). */
export function onThemeChange(changed: () => void, element: HTMLElement = document.body): () => void {
  const observer = new MutationObserver(() => changed());
  observer.observe(element, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}
