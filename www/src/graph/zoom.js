// Pan and zoom of an SVG viewport group: wheel and pinch zoom, drag to pan, and
// programmatic moves (fit, reveal a box). The transform is a CSS transform on the
// group, so programmatic moves can animate with a CSS transition.

export const MIN_SCALE = 0.08;
export const MAX_SCALE = 3;
const DRAG_THRESHOLD = 4;

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

/**
 * `createZoom(host, viewport, { onChange })`: `host` is the element that receives the
 * pointer and wheel events (and whose size is the visible area), `viewport` the <g>
 * that moves.
 */
export function createZoom(host, viewport, { onChange } = {}) {
  let t = { x: 0, y: 0, k: 1 };
  let animTimer = 0;
  const reduceMotion = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

  function apply(animate) {
    clearTimeout(animTimer);
    if (animate && !reduceMotion) {
      viewport.classList.add('sl-animating');
      animTimer = setTimeout(() => viewport.classList.remove('sl-animating'), 260);
    } else {
      viewport.classList.remove('sl-animating');
    }
    viewport.style.transform = `translate(${t.x}px, ${t.y}px) scale(${t.k})`;
    onChange?.(t);
  }

  function size() {
    const r = host.getBoundingClientRect();
    return { w: r.width, h: r.height, left: r.left, top: r.top };
  }

  function set(next, animate = false) {
    t = { x: next.x, y: next.y, k: clamp(next.k, MIN_SCALE, MAX_SCALE) };
    apply(animate);
  }

  /** Zoom by `factor` around the host point (px, py); the centre by default. */
  function zoomBy(factor, px, py, animate = false) {
    const s = size();
    const cx = px ?? s.w / 2;
    const cy = py ?? s.h / 2;
    const k = clamp(t.k * factor, MIN_SCALE, MAX_SCALE);
    const f = k / t.k;
    set({ x: cx - (cx - t.x) * f, y: cy - (cy - t.y) * f, k }, animate);
  }

  /** Shows the box { x, y, w, h } (scene coordinates) whole, centred, at most at `maxScale`. */
  function fitBox(box, { margin = 24, maxScale = 1, minScale = MIN_SCALE, animate = false } = {}) {
    const s = size();
    if (s.w <= 0 || s.h <= 0 || box.w <= 0 || box.h <= 0) return;
    const k = clamp(Math.min((s.w - 2 * margin) / box.w, (s.h - 2 * margin) / box.h), minScale, maxScale);
    set({ x: (s.w - box.w * k) / 2 - box.x * k, y: (s.h - box.h * k) / 2 - box.y * k, k }, animate);
  }

  /** Moves the least needed to show the box (plus a margin); centres it when it is far away. */
  function reveal(box, { margin = 40, animate = true } = {}) {
    const s = size();
    if (s.w <= 0 || s.h <= 0) return;
    const left = box.x * t.k + t.x;
    const top = box.y * t.k + t.y;
    const right = left + box.w * t.k;
    const bottom = top + box.h * t.k;
    if (left >= margin && top >= margin && right <= s.w - margin && bottom <= s.h - margin) return;
    set({ x: s.w / 2 - (box.x + box.w / 2) * t.k, y: s.h / 2 - (box.y + box.h / 2) * t.k, k: t.k }, animate);
  }

  // ---- wheel: zoom around the pointer (pinch on a trackpad arrives as ctrl+wheel).
  function onWheel(ev) {
    ev.preventDefault();
    const s = size();
    const unit = ev.deltaMode === 1 ? 16 : ev.deltaMode === 2 ? 400 : 1;
    const dy = ev.deltaY * unit;
    const factor = Math.exp(-dy * (ev.ctrlKey ? 0.01 : 0.0018));
    zoomBy(factor, ev.clientX - s.left, ev.clientY - s.top);
  }

  // ---- pointers: one drags, two pinch.
  const pointers = new Map();
  let drag = null;
  let pinch = null;
  let suppressClick = false;

  function onPointerDown(ev) {
    if (ev.pointerType === 'mouse' && ev.button !== 0) return;
    if (ev.target.closest?.('.sl-toolbar')) return;
    pointers.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
    suppressClick = false;
    if (pointers.size === 1) {
      drag = { id: ev.pointerId, sx: ev.clientX, sy: ev.clientY, tx: t.x, ty: t.y, moving: false };
    } else if (pointers.size === 2) {
      drag = null;
      const [a, b] = [...pointers.values()];
      pinch = { d: Math.hypot(a.x - b.x, a.y - b.y) || 1, k: t.k, t: { ...t }, mx: (a.x + b.x) / 2, my: (a.y + b.y) / 2 };
      for (const id of pointers.keys()) capture(id);
    }
  }

  function capture(id) {
    try {
      host.setPointerCapture(id);
    } catch {
      /* the pointer is gone */
    }
  }

  function onPointerMove(ev) {
    if (!pointers.has(ev.pointerId)) return;
    pointers.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
    if (pinch && pointers.size >= 2) {
      const [a, b] = [...pointers.values()];
      const d = Math.hypot(a.x - b.x, a.y - b.y) || 1;
      const s = size();
      const k = clamp(pinch.k * (d / pinch.d), MIN_SCALE, MAX_SCALE);
      const mx = (a.x + b.x) / 2 - s.left;
      const my = (a.y + b.y) / 2 - s.top;
      const ox = pinch.mx - s.left;
      const oy = pinch.my - s.top;
      // Keep the scene point that was under the first midpoint under the current one.
      const sx = (ox - pinch.t.x) / pinch.t.k;
      const sy = (oy - pinch.t.y) / pinch.t.k;
      set({ x: mx - sx * k, y: my - sy * k, k });
      suppressClick = true;
      return;
    }
    if (!drag || drag.id !== ev.pointerId) return;
    const dx = ev.clientX - drag.sx;
    const dy = ev.clientY - drag.sy;
    if (!drag.moving && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
    if (!drag.moving) {
      drag.moving = true;
      capture(ev.pointerId);
      host.classList.add('sl-dragging');
    }
    suppressClick = true;
    set({ x: drag.tx + dx, y: drag.ty + dy, k: t.k });
  }

  function onPointerUp(ev) {
    pointers.delete(ev.pointerId);
    if (pointers.size < 2) pinch = null;
    if (drag && drag.id === ev.pointerId) drag = null;
    if (pointers.size === 0) host.classList.remove('sl-dragging');
  }

  // A click that ends a drag or pinch selects nothing.
  function onClickCapture(ev) {
    if (suppressClick) {
      suppressClick = false;
      ev.stopPropagation();
      ev.preventDefault();
    }
  }

  host.addEventListener('wheel', onWheel, { passive: false });
  host.addEventListener('pointerdown', onPointerDown);
  host.addEventListener('pointermove', onPointerMove);
  host.addEventListener('pointerup', onPointerUp);
  host.addEventListener('pointercancel', onPointerUp);
  host.addEventListener('click', onClickCapture, true);

  return {
    get: () => ({ ...t }),
    set,
    zoomBy,
    fitBox,
    reveal,
    destroy() {
      clearTimeout(animTimer);
      host.removeEventListener('wheel', onWheel);
      host.removeEventListener('pointerdown', onPointerDown);
      host.removeEventListener('pointermove', onPointerMove);
      host.removeEventListener('pointerup', onPointerUp);
      host.removeEventListener('pointercancel', onPointerUp);
      host.removeEventListener('click', onClickCapture, true);
    },
  };
}
