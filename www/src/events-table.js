// The history events table, virtualised: rows have a fixed height and only the visible
// ones (plus a margin) exist in the DOM, so a 25,000-event history scrolls smoothly.
import { h, short } from './dom.js';

const ROW = 26;
const MARGIN = 8;

/** A short description of an event: its error and cause, else its output, input or parameters. */
export function eventSummary(event) {
  const key = Object.keys(event).find((k) => k.endsWith('EventDetails'));
  const d = key ? event[key] : null;
  if (!d) return '';
  if (d.error !== undefined || d.cause !== undefined) return short([d.error, d.cause].filter(Boolean).join(': '));
  if (d.output !== undefined) return short(d.output);
  if (d.input !== undefined) return short(d.input);
  if (d.parameters !== undefined) return short(d.parameters);
  if (d.index !== undefined) return `#${d.index}`;
  if (d.length !== undefined) return `length ${d.length}`;
  return short(d);
}

export function elapsed(event, start) {
  const ms = new Date(event.timestamp).getTime() - start;
  // Past 10,000 s (long Waits in virtual time) seconds with decimals no longer fit the
  // column: days and hours, or hours and minutes (the exact time is in the row's title).
  if (ms < 1e7) return `+${(ms / 1000).toFixed(3)}s`;
  const m = Math.floor(ms / 60000);
  const d = Math.floor(m / 1440);
  return d ? `+${d}d ${Math.floor((m % 1440) / 60)}h` : `+${Math.floor(m / 60)}h ${m % 60}m`;
}

export function createEventsTable(container, { onSelect, t }) {
  let rows = [];
  let start = 0;
  let selectedIndex = -1;
  let follow = true;

  const header = h('div', { class: 'ev-row ev-head', role: 'row' });
  const spacer = h('div', { class: 'ev-spacer' });
  const body = h('div', { class: 'ev-body', role: 'rowgroup' });
  const scroller = h('div', { class: 'ev-scroll', tabindex: '0' }, spacer, body);
  const empty = h('p', { class: 'ev-empty' });
  const grid = h('div', { class: 'ev-grid', role: 'grid', 'aria-rowcount': '1' }, h('div', { role: 'rowgroup' }, header), scroller);
  container.replaceChildren(grid, empty);

  function labels() {
    header.replaceChildren(
      ...['events.id', 'events.type', 'events.state', 'events.elapsed', 'events.details'].map((k, i) =>
        h('span', { class: `ev-cell ev-c${i}`, role: 'columnheader' }, t(k)),
      ),
    );
    grid.setAttribute('aria-label', t('events.title'));
    empty.textContent = t('events.empty');
  }

  const pool = [];
  function rowElement(i) {
    let el = pool[i];
    if (!el) {
      el = h('div', { class: 'ev-row', role: 'row', tabindex: '-1' });
      for (let c = 0; c < 5; c++) el.append(h('span', { class: `ev-cell ev-c${c}`, role: 'gridcell' }));
      el.addEventListener('click', () => choose(Number(el.dataset.index)));
      pool[i] = el;
    }
    return el;
  }

  let frame = 0;
  function render() {
    frame = 0;
    spacer.style.height = `${rows.length * ROW}px`;
    grid.setAttribute('aria-rowcount', String(rows.length + 1));
    empty.hidden = rows.length > 0;
    // Ids of 6 digits and more (limits lifted) widen the first column.
    const digits = String(rows.at(-1)?.event.id ?? 0).length;
    grid.style.setProperty('--ev-id', digits > 5 ? `${(digits * 0.62 + 0.6).toFixed(2)}em` : '');
    const height = scroller.clientHeight || 300;
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW) - MARGIN);
    const last = Math.min(rows.length, Math.ceil((scroller.scrollTop + height) / ROW) + MARGIN);
    const visible = [];
    for (let i = first; i < last; i++) {
      const el = rowElement(i - first);
      const r = rows[i];
      if (el.dataset.index !== String(i) || el.dataset.version !== r.version) {
        el.dataset.index = String(i);
        el.dataset.version = r.version;
        el.dataset.eventId = String(r.event.id);
        el.dataset.type = r.event.type;
        el.setAttribute('aria-rowindex', String(i + 2));
        el.style.transform = `translateY(${i * ROW}px)`;
        const cells = el.children;
        cells[0].textContent = String(r.event.id);
        cells[1].textContent = r.event.type;
        cells[2].textContent = r.stateName ?? '';
        cells[3].textContent = elapsed(r.event, start);
        cells[3].title = r.event.timestamp;
        cells[4].textContent = r.summary ??= eventSummary(r.event);
        el.classList.toggle('ev-fail', /Failed|TimedOut|Aborted/.test(r.event.type));
      }
      el.classList.toggle('selected', i === selectedIndex);
      el.setAttribute('aria-selected', i === selectedIndex ? 'true' : 'false');
      visible.push(el);
    }
    body.replaceChildren(...visible);
  }
  function schedule() {
    if (!frame) frame = requestAnimationFrame(render);
  }

  function choose(i, focus = false) {
    if (i < 0 || i >= rows.length) return;
    selectedIndex = i;
    const top = i * ROW;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + ROW > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = top + ROW - scroller.clientHeight;
    follow = false;
    render();
    if (focus) scroller.focus();
    onSelect?.(rows[i]);
  }

  scroller.addEventListener('scroll', () => {
    follow = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - ROW;
    schedule();
  });
  scroller.addEventListener('keydown', (e) => {
    const page = Math.max(1, Math.floor(scroller.clientHeight / ROW) - 1);
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (e.key in moves) {
      e.preventDefault();
      choose(Math.min(rows.length - 1, Math.max(0, (selectedIndex < 0 ? 0 : selectedIndex + moves[e.key]))));
    } else if (e.key === 'Home') {
      e.preventDefault();
      choose(0);
    } else if (e.key === 'End') {
      e.preventDefault();
      choose(rows.length - 1);
    }
  });
  new ResizeObserver(schedule).observe(scroller);
  labels();

  let version = 0;
  return {
    clear() {
      rows = [];
      selectedIndex = -1;
      follow = true;
      version++;
      scroller.scrollTop = 0;
      schedule();
    },
    /** Appends records `{ event, nodeId, stateName }`. */
    append(batch) {
      if (!rows.length && batch.length) start = new Date(batch[0].event.timestamp).getTime();
      for (const r of batch) {
        r.version = String(version);
        rows.push(r);
      }
      if (follow) {
        render();
        scroller.scrollTop = scroller.scrollHeight;
      }
      schedule();
    },
    /** Selects and shows the row of an event id (without telling onSelect). */
    selectEvent(id) {
      const i = id >= 1 && rows[id - 1]?.event.id === id ? id - 1 : rows.findIndex((r) => r.event.id === id);
      if (i < 0) return;
      selectedIndex = i;
      follow = false;
      const top = i * ROW;
      if (top < scroller.scrollTop || top + ROW > scroller.scrollTop + scroller.clientHeight) {
        scroller.scrollTop = Math.max(0, top - scroller.clientHeight / 2);
      }
      render();
    },
    rows: () => rows,
    relabel() {
      labels();
    },
  };
}
