// web/js/i18n.js: every string exists in every language with the same placeholders, and every
// error code the server can send (core/error.h's Errc) has a sentence.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { language, LANGUAGES, setLanguage, STRINGS, t, tCount } from '../../web/js/i18n.js';

const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('English and French have the same keys, none empty', () => {
  assert.deepEqual(LANGUAGES.sort(), ['en', 'fr']);
  const en = Object.keys(STRINGS.en).sort();
  const fr = Object.keys(STRINGS.fr).sort();
  assert.deepEqual(
    fr.filter((k) => !STRINGS.en[k]),
    [],
    'keys only in French',
  );
  assert.deepEqual(
    en.filter((k) => !STRINGS.fr[k]),
    [],
    'keys missing in French',
  );
  for (const lang of LANGUAGES) {
    for (const [key, text] of Object.entries(STRINGS[lang])) {
      assert.ok(text.trim().length > 0, `${lang} ${key} is empty`);
    }
  }
});

test('a translation keeps the placeholders of the English string', () => {
  for (const [key, text] of Object.entries(STRINGS.en)) {
    assert.deepEqual(placeholders(STRINGS.fr[key]), placeholders(text), key);
  }
});

test('every error code of the server has a sentence in both languages', () => {
  const header = readFileSync(new URL('../../src/core/error.h', import.meta.url), 'utf8');
  const body = header.match(/enum class Errc \{([^}]*)\}/)[1];
  const codes = body
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  assert.ok(codes.length >= 14, `parsed ${codes.length} codes from core/error.h`);
  for (const code of codes) {
    for (const lang of LANGUAGES) {
      assert.ok(STRINGS[lang][`error.${code}`], `${lang} has no error.${code}`);
    }
  }
});

test('t fills placeholders, falls back to English, then to the key', () => {
  setLanguage('fr');
  try {
    assert.equal(language(), 'fr');
    assert.equal(
      t('error.invalid_request', { detail: 'nom manquant' }),
      STRINGS.fr['error.invalid_request'].replace('{detail}', 'nom manquant'),
    );
    assert.equal(t('no.such.key'), 'no.such.key');
  } finally {
    setLanguage('en');
  }
  assert.equal(language(), 'en');
  setLanguage('xx'); // unknown languages are ignored
  assert.equal(language(), 'en');
});

test('tCount uses the .one form for exactly one', () => {
  const withOne = Object.keys(STRINGS.en).find((k) => k.endsWith('.one'));
  assert.ok(withOne, 'some key has a .one form');
  const key = withOne.slice(0, -'.one'.length);
  assert.equal(tCount(key, 1), t(`${key}.one`, { count: 1 }));
  assert.equal(tCount(key, 3), t(key, { count: 3 }));
});
