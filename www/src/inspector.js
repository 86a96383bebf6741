// The inspector: what a state did (its input, each data-flow step, its output), visit by
// visit, from the engine's inspections; an event's details; the execution's result.
import { h, pretty } from './dom.js';

/** The data-flow steps in the order the service applies them: [field, label key]. */
const STEPS = [
  ['input', 'inspector.input'],
  ['afterInputPath', 'inspector.afterInputPath'],
  ['afterItemsPath', 'inspector.afterItemsPath'],
  ['afterItemSelector', 'inspector.afterItemSelector'],
  ['afterParameters', 'inspector.afterParameters'],
  ['afterArguments', 'inspector.afterArguments'],
  ['result', 'inspector.result'],
  ['afterResultSelector', 'inspector.afterResultSelector'],
  ['afterResultPath', 'inspector.afterResultPath'],
  ['output', 'inspector.output'],
  ['variables', 'inspector.variables'],
  ['errorDetails', 'inspector.errorDetails'],
];

function block(label, value, cls) {
  return h('section', { class: `insp-step ${cls ?? ''}` }, h('h4', {}, label), h('pre', { class: 'insp-json' }, pretty(value)));
}

export function createInspector(container, { t, loadVisits, describeNode, onVisit, iterationOf, failureOf }) {
  let current = { kind: 'none' };
  let token = 0;

  function renderResult(result) {
    const parts = [h('h3', {}, t('inspector.execution')), h('p', { class: `run-status status-${result.status}` }, t(`runStatus.${result.status}`))];
    if (result.output !== undefined) parts.push(block(t('inspector.output'), result.output));
    if (result.error !== undefined) parts.push(block(t('inspector.error'), result.error));
    if (result.cause !== undefined) parts.push(h('section', { class: 'insp-step' }, h('h4', {}, t('inspector.cause')), h('pre', { class: 'insp-json' }, result.cause)));
    container.replaceChildren(...parts);
  }

  function renderVisit(node, visits, index, event) {
    if (!event && visits[index]) onVisit?.(visits[index]);
    const parts = [h('h3', {}, node ? node.name : ''), node ? h('p', { class: 'insp-type' }, node.type) : null];
    if (visits.length > 1) {
      const select = h(
        'select',
        {
          class: 'insp-visits',
          'aria-label': t('inspector.visit'),
          onchange: () => renderVisit(node, visits, Number(select.value), null),
        },
        visits.map((v, i) => {
          const it = iterationOf?.(v.enteredEventId);
          const params = { n: i + 1, total: visits.length, id: v.enteredEventId, index: it?.index };
          return h('option', { value: String(i), selected: i === index }, t(it ? 'inspector.visitOptionItem' : 'inspector.visitOption', params));
        }),
      );
      parts.push(h('label', { class: 'insp-visit-label' }, t('inspector.visit'), ' ', select));
    }
    if (event) {
      parts.push(h('h4', { class: 'insp-event-title' }, t('inspector.event', { id: event.id, type: event.type })));
      const details = { ...event };
      delete details.id;
      delete details.type;
      delete details.previousEventId;
      parts.push(h('pre', { class: 'insp-json insp-event' }, pretty(details)));
    }
    const visit = visits[index];
    if (!visit) {
      parts.push(h('p', { class: 'insp-empty' }, node ? t('inspector.notVisited') : ''));
    } else {
      const it = iterationOf?.(visit.enteredEventId);
      parts.push(
        h(
          'p',
          { class: 'insp-visit-of' },
          t('inspector.enteredAt', { id: visit.enteredEventId }),
          it ? ` · ${t('inspector.mapItem', { index: it.index, name: it.name })}` : '',
        ),
      );
      const steps = h('div', { class: 'insp-steps' });
      for (const [field, key] of STEPS) {
        if (field in visit) steps.append(block(t(key), visit[field], `step-${field}`));
      }
      const failure = failureOf?.(visit);
      if (failure) {
        if (failure.error !== undefined) steps.append(block(t('inspector.error'), failure.error, 'step-error'));
        if (failure.cause !== undefined) {
          steps.append(h('section', { class: 'insp-step step-cause' }, h('h4', {}, t('inspector.cause')), h('pre', { class: 'insp-json' }, failure.cause)));
        }
      }
      parts.push(steps);
    }
    container.replaceChildren(...parts.filter(Boolean));
  }

  async function showNode(nodeId, event) {
    const my = ++token;
    current = { kind: 'node', nodeId, event };
    const node = describeNode(nodeId);
    container.replaceChildren(h('p', { class: 'insp-empty' }, t('inspector.loading')));
    const visits = await loadVisits(nodeId);
    if (my !== token) return;
    let index = visits.length - 1;
    if (event) {
      // The visit this event belongs to: the last one entered at or before it.
      for (let i = 0; i < visits.length; i++) if (visits[i].enteredEventId <= event.id) index = i;
    }
    renderVisit(node, visits, Math.max(0, index), event);
  }

  function renderEmpty() {
    container.replaceChildren(h('p', { class: 'insp-empty' }, t('inspector.empty')));
  }

  renderEmpty();
  return {
    showNode,
    showEvent(record) {
      if (record.nodeId) return showNode(record.nodeId, record.event);
      ++token;
      current = { kind: 'event', record };
      const e = record.event;
      const details = { ...e };
      delete details.id;
      delete details.type;
      delete details.previousEventId;
      container.replaceChildren(h('h3', {}, t('inspector.event', { id: e.id, type: e.type })), h('pre', { class: 'insp-json insp-event' }, pretty(details)));
      return undefined;
    },
    showResult(result) {
      ++token;
      current = { kind: 'result', result };
      renderResult(result);
    },
    clear() {
      ++token;
      current = { kind: 'none' };
      renderEmpty();
    },
    relabel() {
      if (current.kind === 'result') renderResult(current.result);
      else if (current.kind === 'node') showNode(current.nodeId, current.event);
      else if (current.kind === 'event') this.showEvent(current.record);
      else renderEmpty();
    },
  };
}
