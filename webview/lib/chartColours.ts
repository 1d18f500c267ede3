// Browser-only (DOM). Publishes the theme's chart colours, made readable on the editor background (see
// shared/contrast.ts), as --ipc-charts-<name> on <body>; the stylesheets draw with
// var(--ipc-charts-<name>, var(--vscode-charts-<name>)). Recomputed when the theme changes.

import { cssRgb, parseRgb, readableOn, type Rgba } from '../shared/contrast';

export const CHART_COLOURS = ['blue', 'orange', 'green', 'purple', 'red', 'yellow', 'foreground'] as const;
export type ChartColour = (typeof CHART_COLOURS)[number];

const current = new Map<ChartColour, string>();

/** A CSS colour (a value or a var() reference) as the browser computes it, through a detached probe. */
function resolve(probe: HTMLElement, css: string): Rgba | null {
  probe.style.color = '';
  probe.style.color = css;
  return parseRgb(getComputedStyle(probe).color);
}

function apply(): void {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  document.body.appendChild(probe);
  try {
    const bg = resolve(probe, 'var(--vscode-editor-background, #1e1e1e)') ?? [30, 30, 30, 1];
    for (const name of CHART_COLOURS) {
      const fg = resolve(probe, `var(--vscode-charts-${name})`);
      if (!fg) continue;
      const css = cssRgb(readableOn(fg, bg));
      current.set(name, css);
      document.body.style.setProperty(`--ipc-charts-${name}`, css);
    }
  } finally {
    probe.remove();
  }
}

/**
 * Publish the readable chart colours now and after every theme change (VS Code swaps <body>'s class and
 * <html>'s style); `onChange` runs after each recomputation (a canvas redraws with the new colours).
 */
export function watchChartColours(onChange?: () => void): void {
  apply();
  const again = () => {
    apply();
    onChange?.();
  };
  const mo = new MutationObserver(again);
  mo.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}

/** The readable CSS colour of a chart colour (after watchChartColours), or null before it ran. */
export function chartColour(name: ChartColour): string | null {
  return current.get(name) ?? null;
}
