// The CodeMirror 6 editors: the definition (JSON, the engine's diagnostics as you type,
// completion of state names and ASL fields) and the input (JSON, parse errors).
import { Compartment, EditorState, StateEffect } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json, jsonParseLinter } from '@codemirror/lang-json';
import {
  bracketMatching,
  defaultHighlightStyle,
  foldGutter,
  foldKeymap,
  indentOnInput,
  syntaxHighlighting,
  syntaxTree,
} from '@codemirror/language';
import { forceLinting, linter, lintGutter, lintKeymap } from '@codemirror/lint';

export { forceLinting };

// Asks the definition's linter to check again although the text did not change (the
// engine was not loaded at the first check, which found nothing to say).
const relintEffect = StateEffect.define();
const needsRelint = (u) => u.transactions.some((tr) => tr.effects.some((e) => e.is(relintEffect)));
export function relint(view) {
  view.dispatch({ effects: relintEffect.of(null) });
  forceLinting(view);
}
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { locatePointer, valueEnd } from './json-pointer.js';
import {
  BLOCK_FIELDS,
  CATCHER_FIELDS,
  CHOICE_RULE_FIELDS,
  RETRIER_FIELDS,
  STATE_FIELDS,
  STATE_REFERENCES,
  STATE_TYPES,
  TOP_FIELDS,
} from './asl-fields.js';

/** Where a diagnostic goes in the text: its line/column, else its JSON Pointer, else the start. */
export function diagnosticRange(text, d) {
  const lines = text.split('\n');
  if (d.line && d.column) {
    let from = 0;
    const line = Math.min(d.line, lines.length);
    for (let i = 0; i < line - 1; i++) from += lines[i].length + 1;
    from += Math.min(d.column - 1, lines[line - 1].length);
    let to = valueEnd(text, from);
    if (to <= from || text.slice(from, to).includes('\n')) to = Math.min(from + 1, text.length);
    if (to > from + 200) to = from + 1;
    return { from, to };
  }
  if (d.location) {
    const at = locatePointer(text, d.location);
    if (at) {
      const from = at.keyFrom ?? at.from;
      const to = at.keyFrom !== null ? valueEnd(text, at.keyFrom) : Math.min(at.to, from + 200);
      return { from, to: Math.max(to, Math.min(from + 1, text.length)) };
    }
  }
  return { from: 0, to: Math.min(1, text.length) };
}

/** Line and column (1-based) of an offset. */
export function lineColumn(text, offset) {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

/** The CodeMirror phrases (its own UI texts) that the playground translates. */
export const CM_PHRASES = [
  'Find', 'Replace', 'next', 'previous', 'all', 'match case', 'regexp', 'by word', 'replace', 'replace all', 'close',
  'Go to line', 'go', 'current match', 'on line', 'Diagnostics', 'No diagnostics', 'Completions', 'folded code',
  'unfold', 'Fold line', 'Unfold line',
];

/** Lets `view.setPhrases(map)` translate CodeMirror's own texts. */
function phrasesOf(view, compartment) {
  view.setPhrases = (map) => view.dispatch({ effects: compartment.reconfigure(EditorState.phrases.of(map)) });
}

function basics(extra) {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    foldGutter(),
    drawSelection(),
    EditorState.allowMultipleSelections.of(true),
    indentOnInput(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    bracketMatching(),
    closeBrackets(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    search({ top: true }),
    json(),
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...foldKeymap, ...completionKeymap, ...lintKeymap]),
    EditorView.lineWrapping,
    ...extra,
  ];
}

function unquote(s) {
  try {
    return JSON.parse(s);
  } catch {
    return s.replace(/^"|"$/g, '');
  }
}

/** The keys from the document root to the object or array around `node`. */
function pathOf(state, node) {
  const path = [];
  for (let n = node; n; n = n.parent) {
    if (n.name === 'Property') {
      const key = n.firstChild;
      if (key && key.name === 'PropertyName') path.unshift(unquote(state.sliceDoc(key.from, key.to)));
    } else if (n.name === 'Array') {
      path.unshift('[]');
    }
  }
  return path;
}

/** The value of the `Type` member of an Object node, if any. */
function typeOf(state, object) {
  for (let c = object.firstChild; c; c = c.nextSibling) {
    if (c.name !== 'Property') continue;
    const key = c.firstChild;
    if (!key || unquote(state.sliceDoc(key.from, key.to)) !== 'Type') continue;
    const value = key.nextSibling?.name === ':' ? key.nextSibling.nextSibling : key.nextSibling;
    if (value && value.name === 'String') return unquote(state.sliceDoc(value.from, value.to));
  }
  return null;
}

/** Which keys fit an object at `path` (keys to it from the root). */
function fieldsFor(path, type) {
  const n = path.length;
  if (n === 0) return TOP_FIELDS;
  const last = path[n - 1];
  const parent = path[n - 2];
  if (parent === 'States') return type && STATE_FIELDS[type] ? STATE_FIELDS[type] : ['Type'];
  if (last === '[]' && parent === 'Retry') return RETRIER_FIELDS;
  if (last === '[]' && parent === 'Catch') return CATCHER_FIELDS;
  if (last === '[]' && (parent === 'Choices' || parent === 'And' || parent === 'Or')) return CHOICE_RULE_FIELDS;
  if (last === 'Not') return CHOICE_RULE_FIELDS;
  if ((last === '[]' && parent === 'Branches') || last === 'ItemProcessor' || last === 'Iterator') return BLOCK_FIELDS;
  return null;
}

/** Every state name in a definition object (nested ones too). */
export function stateNames(definition) {
  const names = [];
  const visit = (block) => {
    if (!block || typeof block !== 'object' || !block.States || typeof block.States !== 'object') return;
    for (const [name, s] of Object.entries(block.States)) {
      names.push(name);
      if (s && typeof s === 'object') {
        for (const b of Array.isArray(s.Branches) ? s.Branches : []) visit(b);
        visit(s.ItemProcessor);
        visit(s.Iterator);
      }
    }
  };
  visit(definition);
  return names;
}

function aslCompletion(getStateNames, labels) {
  return (context) => {
    const { state, pos } = context;
    const node = syntaxTree(state).resolveInner(pos, -1);
    if (node.name !== 'String' && node.name !== 'PropertyName') {
      return null;
    }
    const from = node.from + 1;
    // Completion filters by the text between `from` and `to`: the part before the cursor.
    const to = pos;
    if (pos < from) return null;
    const parent = node.parent;
    // A value: state references and Type.
    if (node.name === 'String' && parent?.name === 'Property') {
      const key = parent.firstChild;
      const keyName = key ? unquote(state.sliceDoc(key.from, key.to)) : '';
      if (STATE_REFERENCES.has(keyName)) {
        return {
          from,
          to,
          options: getStateNames().map((name) => ({ label: name, type: 'variable', detail: labels.state() })),
          validFor: /^[^"]*$/,
        };
      }
      if (keyName === 'Type') {
        return { from, to, options: STATE_TYPES.map((label) => ({ label, type: 'type' })), validFor: /^\w*$/ };
      }
      return null;
    }
    // A key: the fields that fit the object around it.
    const object = node.name === 'PropertyName' ? parent?.parent : parent;
    if (!object || object.name !== 'Object') return null;
    const fields = fieldsFor(pathOf(state, object), typeOf(state, object));
    if (!fields) return null;
    return {
      from,
      to,
      options: fields.map((label) => ({ label, type: 'property', detail: labels.field() })),
      validFor: /^\w*$/,
    };
  };
}

/**
 * The definition editor. `validate(text)` returns the engine's diagnostics (or null when
 * the engine is not loaded); `onDiagnostics(list)` gets them with their ranges after each
 * check; `getStateNames()` feeds completion.
 */
export function createDefinitionEditor(parent, { doc, validate, onDiagnostics, onChange, getStateNames, labels }) {
  const aria = new Compartment();
  const phrases = new Compartment();
  const source = (view) => {
    const text = view.state.doc.toString();
    const found = validate(text);
    if (!found) return [];
    const list = found.map((d) => {
      const { from, to } = diagnosticRange(text, d);
      const at = d.line ? { line: d.line, column: d.column } : lineColumn(text, from);
      return { ...d, from, to, line: at.line, column: at.column };
    });
    onDiagnostics(list);
    return list.map((d) => ({
      from: d.from,
      to: d.to,
      severity: d.severity === 'WARNING' ? 'warning' : 'error',
      source: d.code,
      message: d.location ? `${d.message} (${d.location})` : d.message,
    }));
  };
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: basics([
        linter(source, { delay: 250, needsRefresh: needsRelint }),
        lintGutter(),
        autocompletion({ override: [aslCompletion(getStateNames, labels)] }),
        aria.of(EditorView.contentAttributes.of({ 'aria-label': labels.aria() })),
        phrases.of([]),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange?.(u.state.doc.toString());
        }),
      ]),
    }),
  });
  phrasesOf(view, phrases);
  view.relabel = () =>
    view.dispatch({ effects: aria.reconfigure(EditorView.contentAttributes.of({ 'aria-label': labels.aria() })) });
  return view;
}

/** The input editor: JSON with parse errors underlined. */
export function createJsonEditor(parent, { doc, label, onChange }) {
  const aria = new Compartment();
  const phrases = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: basics([
        linter(jsonParseLinter(), { delay: 250 }),
        lintGutter(),
        aria.of(EditorView.contentAttributes.of({ 'aria-label': label() })),
        phrases.of([]),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange?.(u.state.doc.toString());
        }),
      ]),
    }),
  });
  phrasesOf(view, phrases);
  view.relabel = () => view.dispatch({ effects: aria.reconfigure(EditorView.contentAttributes.of({ 'aria-label': label() })) });
  return view;
}

/** Replaces an editor's whole text. */
export function setText(view, text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: 0 } });
}

/** Moves the cursor to an offset, scrolls there and focuses the editor. */
export function jumpTo(view, from, to = from) {
  view.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
  view.focus();
}
