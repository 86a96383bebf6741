// Pending task tokens (.waitForTaskToken tasks): answer each with Success (a JSON output)
// or Failure (an error and a cause).
import { h, short } from './dom.js';

export function createTokensPanel(container, { t, onSuccess, onFailure }) {
  let tokens = [];

  function row(p) {
    const output = h('textarea', { rows: '2', spellcheck: 'false', 'aria-label': t('tokens.output', { name: p.stateName }), value: '{}' });
    const bad = h('p', { class: 'field-error', role: 'status' });
    const error = h('input', { type: 'text', value: 'Rejected', 'aria-label': t('tokens.error'), placeholder: t('tokens.error') });
    const cause = h('input', { type: 'text', value: '', 'aria-label': t('tokens.cause'), placeholder: t('tokens.cause') });
    return h(
      'li',
      { class: 'token', dataset: { token: p.taskToken } },
      h('div', { class: 'token-head' }, h('strong', {}, p.stateName), h('code', { class: 'token-input' }, short(p.input, 80))),
      h('div', { class: 'token-answer' },
        output,
        h(
          'button',
          {
            type: 'button',
            class: 'ok',
            onclick: () => {
              let value;
              try {
                value = JSON.parse(output.value.trim() === '' ? 'null' : output.value);
              } catch (e) {
                bad.textContent = e.message;
                return;
              }
              onSuccess(p.taskToken, value);
            },
          },
          t('tokens.success'),
        ),
      ),
      bad,
      h('div', { class: 'token-answer' }, error, cause, h('button', { type: 'button', class: 'danger', onclick: () => onFailure(p.taskToken, error.value, cause.value) }, t('tokens.failure'))),
    );
  }

  function render() {
    container.hidden = tokens.length === 0;
    container.replaceChildren(h('h2', {}, t('tokens.title', { n: tokens.length })), h('ul', { class: 'tokens' }, tokens.map(row)));
  }

  return {
    set(list) {
      tokens = list ?? [];
      render();
    },
    relabel: render,
  };
}
