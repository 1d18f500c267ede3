// Chart colours that stay readable on the theme's background. Themes set --vscode-charts-* as they please: the
// default Dark Modern theme leaves charts.orange to its fallback, a translucent find-match highlight (a dark
// brown at 33 % opacity on the editor), on which an orange line or node can hardly be seen. Pure maths on RGBA
// tuples (the browser side resolves the CSS values, see lib/chartColours.ts), so it runs under mocha too.

/** Red, green, blue in 0-255 and alpha in 0-1. */
export type Rgba = [number, number, number, number];

/** The least contrast (WCAG ratio) a chart mark keeps against the background: 3:1, as for graphical objects. */
export const MIN_CONTRAST = 3;

/** `fg` painted over the opaque `bg`: what the eye sees. */
export function over(fg: Rgba, bg: Rgba): Rgba {
  const a = Math.min(1, Math.max(0, fg[3]));
  return [fg[0] * a + bg[0] * (1 - a), fg[1] * a + bg[1] * (1 - a), fg[2] * a + bg[2] * (1 - a), 1];
}

function channel(v: number): number {
  const s = v / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of an opaque colour. */
export function luminance(c: Rgba): number {
  return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
}

/** WCAG contrast ratio of two opaque colours (1 to 21). */
export function contrast(a: Rgba, b: Rgba): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * `fg` made opaque over `bg` and, if it then has less than `min` contrast with `bg`, mixed towards white (dark
 * backgrounds) or black (light ones) in small steps until it has: the same hue, lighter or darker. A colour
 * that already contrasts enough comes back unchanged but opaque.
 */
export function readableOn(fg: Rgba, bg: Rgba, min = MIN_CONTRAST): Rgba {
  const base = [bg[0], bg[1], bg[2], 1] as Rgba;
  const solid = over(fg, base);
  const round = (c: Rgba): Rgba => [Math.round(c[0]), Math.round(c[1]), Math.round(c[2]), 1];
  if (contrast(solid, base) >= min) return round(solid);
  const target = luminance(base) < 0.18 ? 255 : 0;
  const mix = (t: number): Rgba => [
    solid[0] + (target - solid[0]) * t, solid[1] + (target - solid[1]) * t, solid[2] + (target - solid[2]) * t, 1,
  ];
  let out = solid;
  for (let step = 1; step <= 20; step++) {
    out = mix(step / 20);
    if (contrast(out, base) >= min) break;
  }
  return round(out);
}

/** A computed CSS colour ("rgb(1, 2, 3)", "rgba(1, 2, 3, 0.5)", "rgb(1 2 3 / 50%)") as RGBA; null if not one. */
export function parseRgb(text: string): Rgba | null {
  const m = /^rgba?\(\s*([\d.]+)[,\s]\s*([\d.]+)[,\s]\s*([\d.]+)\s*(?:[,/]\s*([\d.]+)(%?)\s*)?\)$/.exec(text.trim());
  if (!m) return null;
  const a = m[4] === undefined ? 1 : Number(m[4]) / (m[5] ? 100 : 1);
  const c = [Number(m[1]), Number(m[2]), Number(m[3]), a];
  return c.every(Number.isFinite) ? (c as Rgba) : null;
}

/** CSS text of an RGBA colour. */
export function cssRgb(c: Rgba): string {
  return c[3] >= 1 ? `rgb(${c[0]}, ${c[1]}, ${c[2]})` : `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${c[3]})`;
}
