// A stand-in for the graph view (src/graph/view.js, built separately): the same interface,
// drawn as a plain list of the states, indented by nesting. Nodes carry data-node-id and
// data-status like the real view's, so the tests and the shell work with either.
import { h } from './dom.js';

export function createGraphView(container, { onSelect, t = (k) => k } = {}) {
  const list = h('ol', { class: 'graph-stub', role: 'list' });
  container.replaceChildren(list);
  /** nodeId → element */
  let items = new Map();
  let selected = null;

  return {
    async setGraph(graph) {
      items = new Map();
      const children = graph.nodes.map((node) => {
        const item = h(
          'button',
          {
            type: 'button',
            class: 'graph-stub-node',
            dataset: { nodeId: node.id, type: node.type },
            onclick: () => onSelect?.(node.id),
          },
          h('span', { class: 'graph-stub-name' }, node.name),
          h('span', { class: 'graph-stub-type' }, node.type),
          node.start && node.depth === 0 ? h('span', { class: 'graph-stub-mark' }, t('graph.start')) : null,
          node.end && node.depth === 0 ? h('span', { class: 'graph-stub-mark' }, t('graph.end')) : null,
        );
        items.set(node.id, item);
        return h('li', { style: `padding-left: ${node.depth * 1.5}rem` }, item);
      });
      list.replaceChildren(...children);
      if (selected && items.has(selected)) items.get(selected).classList.add('selected');
    },
    setStatus(nodeId, status) {
      const el = items.get(nodeId);
      if (!el) return;
      if (status) el.dataset.status = status;
      else delete el.dataset.status;
    },
    resetStatuses() {
      for (const el of items.values()) delete el.dataset.status;
    },
    select(nodeId) {
      for (const el of items.values()) el.classList.remove('selected');
      selected = nodeId;
      const el = items.get(nodeId);
      if (el) {
        el.classList.add('selected');
        el.scrollIntoView({ block: 'nearest' });
      }
    },
    fit() {},
    destroy() {
      container.replaceChildren();
    },
  };
}
