// web/js/api.js under node: HTTP answers become ApiError with the contract's code, and errors
// become sentences in the user's language.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ApiError, call, describeError } from '../../web/js/api.js';
import { setLanguage, STRINGS } from '../../web/js/i18n.js';

function answer(status, body) {
  globalThis.fetch = async () =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
}

test('an error body becomes an ApiError with its code, message and status', async () => {
  answer(404, { error: { code: 'not_found', message: 'no such event' } });
  await assert.rejects(call('GET', '/api/events/X'), (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 'not_found');
    assert.equal(e.serverMessage, 'no such event');
    assert.equal(e.status, 404);
    return true;
  });
});

test('an error without a body is internal for 5xx and invalid_request otherwise', async () => {
  answer(502);
  await assert.rejects(call('GET', '/x'), (e) => e.code === 'internal' && e.status === 502);
  answer(400);
  await assert.rejects(call('GET', '/x'), (e) => e.code === 'invalid_request');
});

test('success gives the parsed body, 204 gives null', async () => {
  answer(200, { event: { code: 'ABC' } });
  assert.deepEqual(await call('GET', '/x'), { event: { code: 'ABC' } });
  answer(204);
  assert.equal(await call('DELETE', '/x'), null);
});

test('a network failure is a plain Error that describeError calls a network problem', async () => {
  globalThis.fetch = async () => {
    throw new TypeError('fetch failed');
  };
  let caught;
  try {
    await call('GET', '/x');
  } catch (e) {
    caught = e;
  }
  assert.ok(caught && !(caught instanceof ApiError));
  assert.equal(describeError(caught), STRINGS.en['error.network']);
});

test('describeError speaks the user language and never shows a raw code', () => {
  setLanguage('en');
  assert.equal(describeError(new ApiError('busy', 'queue full', 429)), STRINGS.en['error.busy']);
  // English form details are shown as a sentence; other languages wrap them.
  assert.equal(
    describeError(new ApiError('invalid_request', 'name is required', 400)),
    'Name is required.',
  );
  // A code this app does not know reads as a server error.
  assert.equal(
    describeError(new ApiError('teapot', 'short and stout', 418)),
    STRINGS.en['error.internal'],
  );
  setLanguage('fr');
  try {
    assert.equal(describeError(new ApiError('busy', 'queue full', 429)), STRINGS.fr['error.busy']);
    assert.equal(
      describeError(new ApiError('invalid_request', 'name is required', 400)),
      STRINGS.fr['error.invalid_request'].replace('{detail}', 'name is required'),
    );
  } finally {
    setLanguage('en');
  }
});
