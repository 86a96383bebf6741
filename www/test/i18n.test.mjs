import { test } from 'node:test';
import assert from 'node:assert/strict';
import en from '../src/i18n/en.js';
import ptBR from '../src/i18n/pt-BR.js';

test('English and Brazilian Portuguese have the same keys', () => {
  assert.deepEqual(Object.keys(ptBR).sort(), Object.keys(en).sort());
});

test('placeholders match between the languages', () => {
  const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const key of Object.keys(en)) assert.deepEqual(names(ptBR[key]), names(en[key]), key);
});

test('no key is empty except the idle status', () => {
  for (const [key, value] of [...Object.entries(en), ...Object.entries(ptBR)]) {
    if (key !== 'runStatus.idle') assert.ok(value.length > 0, key);
  }
});
