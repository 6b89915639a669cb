// web/js/retry.js: which failures are sent again, after how long, and how often.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ApiError } from '../../web/js/api.js';
import { isTransient, pauseSeconds, withRetries } from '../../web/js/retry.js';

test('busy, unavailable and a dropped connection are transient; other errors are not', () => {
  assert.equal(isTransient(new ApiError('busy', 'full', 429, 3)), true);
  assert.equal(isTransient(new ApiError('unavailable', 'down', 503)), true);
  assert.equal(isTransient(new Error('network')), true);
  assert.equal(isTransient(new ApiError('invalid_request', 'bad', 400)), false);
  assert.equal(isTransient(new ApiError('email_taken', 'taken', 409)), false);
  const abort = new Error('stop');
  abort.name = 'AbortError';
  assert.equal(isTransient(abort), false);
});

test("the pause is the server's Retry-After, else 1, 2, 4... seconds up to 30", () => {
  assert.equal(pauseSeconds(new ApiError('busy', 'full', 429, 7), 1), 7);
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7].map((n) => pauseSeconds(new Error('network'), n)),
    [1, 2, 4, 8, 16, 30, 30],
  );
});

test('a transient failure is sent again after the pause, and the answer comes back', async () => {
  const waits = [];
  const slept = [];
  let calls = 0;
  const answer = await withRetries(
    async () => {
      calls++;
      if (calls < 3) throw new ApiError('busy', 'full', 429, calls === 1 ? 2 : undefined);
      return { ok: true };
    },
    { onWait: (s) => waits.push(s), sleep: async (ms) => slept.push(ms) },
  );
  assert.deepEqual(answer, { ok: true });
  assert.equal(calls, 3);
  assert.deepEqual(waits, [2, 2]);
  assert.deepEqual(slept, [2000, 2000]);
});

test('a lasting failure gives up after the retries; a real error is thrown at once', async () => {
  let calls = 0;
  await assert.rejects(
    withRetries(
      async () => {
        calls++;
        throw new Error('network');
      },
      { retries: 3, sleep: async () => {} },
    ),
    /network/,
  );
  assert.equal(calls, 4);

  calls = 0;
  await assert.rejects(
    withRetries(
      async () => {
        calls++;
        throw new ApiError('invalid_request', 'bad', 400);
      },
      { sleep: async () => {} },
    ),
    (e) => e.code === 'invalid_request',
  );
  assert.equal(calls, 1);
});
