// UI text: English and Brazilian Portuguese. Every visible string of the playground is a
// key in en.js and pt-BR.js (the same keys; test/i18n.test.mjs checks). Engine messages
// (diagnostics, errors, causes) stay in English.
import en from './en.js';
import ptBR from './pt-BR.js';

export const LANGUAGES = {
  en: { name: 'English', messages: en },
  'pt-BR': { name: 'Português', messages: ptBR },
};

const STORAGE_KEY = 'statelab.lang';
let current = 'en';
const listeners = new Set();

function stored() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** The remembered language, else the browser's (pt* → pt-BR), else English. */
export function detectLanguage() {
  const s = stored();
  if (s && s in LANGUAGES) return s;
  const nav = (globalThis.navigator?.languages?.[0] ?? globalThis.navigator?.language ?? '').toLowerCase();
  return nav.startsWith('pt') ? 'pt-BR' : 'en';
}

export function language() {
  return current;
}

export function setLanguage(lang, { remember = false } = {}) {
  if (!(lang in LANGUAGES)) lang = 'en';
  current = lang;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // private mode: not remembered
    }
  }
  document.documentElement.lang = lang;
  applyI18n(document);
  for (const f of listeners) f(lang);
}

export function onLanguageChange(f) {
  listeners.add(f);
}

/** The text of `key` with `{name}` placeholders replaced from `params`. */
export function t(key, params) {
  let s = LANGUAGES[current].messages[key] ?? en[key] ?? key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
  return s;
}

/** Fills elements marked with data-i18n (text), data-i18n-label (aria-label), data-i18n-title, data-i18n-placeholder. */
export function applyI18n(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
}
