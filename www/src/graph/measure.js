// Text widths for node and label sizing, and truncation with an ellipsis.

/** The fonts the view draws with; graph.css uses the same ones. */
export const FONTS = {
  name: '600 13px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  sub: '11px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  header: '600 12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  label: '11px ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace',
  caption: '500 11px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
};

const ELLIPSIS = '…';

/**
 * A `measure(text, font)` function: a canvas's `measureText` in a browser, a fixed
 * per-character estimate elsewhere (Node tests). Widths are cached per font.
 */
export function createMeasurer() {
  let ctx = null;
  try {
    if (typeof OffscreenCanvas !== 'undefined') ctx = new OffscreenCanvas(1, 1).getContext('2d');
    else if (typeof document !== 'undefined') ctx = document.createElement('canvas').getContext('2d');
  } catch {
    ctx = null;
  }
  const cache = new Map();
  return (text, font) => {
    const key = font + '\u0000' + text;
    let w = cache.get(key);
    if (w === undefined) {
      if (ctx) {
        ctx.font = font;
        w = ctx.measureText(text).width;
      } else {
        const size = Number(/(\d+)px/.exec(font)?.[1] ?? 12);
        w = Array.from(text).length * size * (font.includes('mono') ? 0.62 : 0.58);
      }
      if (cache.size > 5000) cache.clear();
      cache.set(key, w);
    }
    return w;
  };
}

/**
 * `text` cut to fit `max` pixels, with an ellipsis when cut. Returns `{ text, width,
 * cut }`. Works on code points so surrogate pairs are never split.
 */
export function fitText(text, max, font, measure) {
  const full = measure(text, font);
  if (full <= max) return { text, width: full, cut: false };
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length;
  // The longest prefix whose text + ellipsis fits.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(chars.slice(0, mid).join('') + ELLIPSIS, font) <= max) lo = mid;
    else hi = mid - 1;
  }
  const cutText = chars.slice(0, lo).join('').trimEnd() + ELLIPSIS;
  return { text: cutText, width: measure(cutText, font), cut: true };
}
