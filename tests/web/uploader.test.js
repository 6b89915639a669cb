// web/js/uploader.js with a scripted upload function: concurrency, failures that wait for a
// retry while the rest go on, rejected files, duplicates and progress by bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ApiError } from '../../web/js/api.js';
import { UploadQueue } from '../../web/js/uploader.js';

// Each call returns a promise the test settles by file name.
function scriptedUpload() {
  const pending = new Map();
  let inFlight = 0;
  let maxInFlight = 0;
  const keys = []; // the Idempotency-Key of every request, in order
  const upload = (path, form, onProgress, headers) => {
    const name = form.get('photos').name;
    keys.push({ name, key: headers['Idempotency-Key'] });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise((resolve, reject) => {
      pending.set(name, {
        path,
        onProgress,
        resolve: (body) => {
          inFlight--;
          pending.delete(name);
          resolve(body);
        },
        reject: (e) => {
          inFlight--;
          pending.delete(name);
          reject(e);
        },
      });
    });
  };
  return { upload, pending, keys, maxInFlight: () => maxInFlight };
}

const file = (name, size) => new File([new Uint8Array(size)], name, { type: 'image/jpeg' });
const settle = () => new Promise((r) => setImmediate(r));
const ok = (name) => ({ photos: [{ id: name, filename: name, status: 'queued' }], rejected: [] });

test('sends a few at a time to the event and finishes every file', async () => {
  const s = scriptedUpload();
  const queue = new UploadQueue('AB CD', () => {}, { upload: s.upload, concurrency: 2 });
  queue.add(['a', 'b', 'c', 'd', 'e'].map((n) => file(`${n}.jpg`, 100)));
  assert.equal(s.pending.size, 2);
  assert.equal([...s.pending.values()][0].path, '/api/events/AB%20CD/photos');
  while (s.pending.size > 0) {
    const [name, call] = [...s.pending.entries()][0];
    call.resolve(ok(name));
    await settle();
  }
  assert.equal(s.maxInFlight(), 2);
  const summary = queue.summary();
  assert.equal(summary.done, 5);
  assert.equal(summary.busy, false);
  assert.equal(summary.fraction, 1);
});

test('a failed file waits for a retry while the others go on', async () => {
  const s = scriptedUpload();
  const queue = new UploadQueue('E', () => {}, { upload: s.upload, concurrency: 3 });
  const [a] = queue.add([file('a.jpg', 10), file('b.jpg', 10)]);
  s.pending.get('a.jpg').reject(new ApiError('internal', 'something broke', 500));
  s.pending.get('b.jpg').resolve(ok('b.jpg'));
  await settle();
  assert.equal(a.state, 'failed');
  assert.equal(a.error.code, 'internal');
  assert.equal(queue.items[1].state, 'done');
  assert.equal(s.pending.size, 0, 'a failed file is not re-sent by itself');

  queue.retryFailed();
  assert.equal(a.state, 'sending');
  assert.equal(a.error, null);
  s.pending.get('a.jpg').resolve(ok('a.jpg'));
  await settle();
  assert.equal(a.state, 'done');
  // Each file has its own Idempotency-Key, and a retry sends the same one again.
  const keyOf = (name) => s.keys.filter((k) => k.name === name).map((k) => k.key);
  assert.equal(keyOf('a.jpg').length, 2);
  assert.match(keyOf('a.jpg')[0], /^[0-9a-f]{32}$/);
  assert.equal(keyOf('a.jpg')[0], keyOf('a.jpg')[1]);
  assert.notEqual(keyOf('a.jpg')[0], keyOf('b.jpg')[0]);
  queue.retry(a); // only failed files are retried
  assert.equal(s.pending.size, 0);
});

test('a file the server rejects fails with its code; a duplicate is done and flagged', async () => {
  const s = scriptedUpload();
  const queue = new UploadQueue('E', () => {}, { upload: s.upload });
  const [bad, twice] = queue.add([file('bad.jpg', 10), file('twice.jpg', 10)]);
  s.pending.get('bad.jpg').resolve({
    photos: [],
    rejected: [{ filename: 'bad.jpg', error: { code: 'invalid_image', message: 'truncated' } }],
  });
  s.pending.get('twice.jpg').resolve({ photos: [{ id: '1', duplicate: true }], rejected: [] });
  await settle();
  assert.equal(bad.state, 'failed');
  assert.equal(bad.error.code, 'invalid_image');
  assert.equal(bad.error.serverMessage, 'truncated');
  assert.equal(twice.state, 'done');
  assert.equal(twice.duplicate, true);
});

test('overall progress counts bytes, so a big file weighs more', async () => {
  const s = scriptedUpload();
  const changes = [];
  const queue = new UploadQueue('E', (item) => changes.push(item), { upload: s.upload });
  const [big] = queue.add([file('big.jpg', 900), file('small.jpg', 100)]);
  s.pending.get('big.jpg').onProgress(0.5);
  assert.equal(big.progress, 0.5);
  assert.ok(changes.includes(big));
  assert.equal(queue.summary().fraction, 0.45);
  s.pending.get('small.jpg').resolve(ok('small.jpg'));
  await settle();
  assert.equal(queue.summary().fraction, 0.55);
});

// Timers the test fires by hand: [{ fn, ms }].
function manualTimer() {
  const due = [];
  return { timer: (fn, ms) => due.push({ fn, ms }), due };
}

test('a busy server or a dropped connection is retried by itself, with the same key', async () => {
  const s = scriptedUpload();
  const t = manualTimer();
  const queue = new UploadQueue('E', () => {}, { upload: s.upload, timer: t.timer });
  const [a] = queue.add([file('a.jpg', 10)]);

  s.pending.get('a.jpg').reject(new ApiError('busy', 'queue full', 429, 7));
  await settle();
  assert.equal(a.state, 'retrying');
  assert.equal(a.retryIn, 7, "the server's Retry-After");
  assert.equal(queue.summary().busy, true);
  assert.deepEqual(
    t.due.map((d) => d.ms),
    [7000],
  );
  t.due.shift().fn();
  assert.equal(a.state, 'sending');

  s.pending.get('a.jpg').reject(new Error('network'));
  await settle();
  assert.equal(a.state, 'retrying');
  assert.equal(a.retryIn, 2, 'no Retry-After: pauses grow 1, 2, 4... s');
  t.due.shift().fn();
  s.pending.get('a.jpg').resolve(ok('a.jpg'));
  await settle();
  assert.equal(a.state, 'done');
  const keys = s.keys.map((k) => k.key);
  assert.equal(keys.length, 3);
  assert.equal(new Set(keys).size, 1, 'every attempt carries the same Idempotency-Key');
});

test('after its automatic retries a file waits for the user; other errors at once', async () => {
  const s = scriptedUpload();
  const t = manualTimer();
  const queue = new UploadQueue('E', () => {}, {
    upload: s.upload,
    timer: t.timer,
    autoRetries: 2,
  });
  const [a, bad] = queue.add([file('a.jpg', 10), file('bad.jpg', 10)]);
  s.pending.get('bad.jpg').reject(new ApiError('invalid_image', 'truncated', 400));
  for (let attempt = 0; attempt < 3; attempt++) {
    s.pending.get('a.jpg').reject(new ApiError('unavailable', 'database away', 503));
    await settle();
    if (attempt < 2) t.due.shift().fn();
  }
  assert.equal(bad.state, 'failed', 'an invalid image is not sent again');
  assert.equal(a.state, 'failed');
  assert.equal(a.error.code, 'unavailable');
  assert.equal(t.due.length, 0);
  queue.retry(a); // the user's retry starts the count again
  assert.equal(a.autoRetried, 0);
  assert.equal(a.state, 'sending');
});
