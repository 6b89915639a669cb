// Uploads many photos a few at a time, one file per request, with per-file and overall
// progress. A file that meets a busy server or a dropped connection is sent again by itself after
// a pause (the server's Retry-After, else growing); other failures, and a file still failing
// after AUTO_RETRIES, wait for the user's retry. The others go on meanwhile. No previews are made, so even
// thousands of queued files cost only a row of text each.
import { ApiError, newIdempotencyKey, uploadWithProgress } from './api.js';
import { AUTO_RETRIES, isTransient, pauseSeconds } from './retry.js';

export { AUTO_RETRIES }; // busy or offline: sent again this often before the user is asked
export const CONCURRENT_UPLOADS = 3; // keeps the phone/laptop link busy without hogging it

export class UploadQueue {
  // onChange(item) after any change to one item (item null: the queue as a whole changed).
  // `upload(path, form, onProgress)` sends one request (tests pass their own).
  // `timer(fn, ms)` schedules an automatic retry (tests pass their own).
  constructor(
    code,
    onChange,
    {
      upload = uploadWithProgress,
      concurrency = CONCURRENT_UPLOADS,
      autoRetries = AUTO_RETRIES,
      timer = (fn, ms) => setTimeout(fn, ms),
    } = {},
  ) {
    this.code = code;
    this.onChange = onChange;
    this.upload = upload;
    this.concurrency = concurrency;
    this.autoRetries = autoRetries;
    this.timer = timer;
    this.items = [];
    this.active = 0;
  }

  add(files) {
    const added = [];
    for (const file of files) {
      const item = {
        id: this.items.length,
        file,
        name: file.name,
        size: file.size,
        state: 'waiting',
        progress: 0,
        error: null,
        // The same key on every attempt of this file: a retry after a lost answer stores no
        // second photo, and its answer is the first one's.
        key: newIdempotencyKey(),
        autoRetried: 0, // automatic retries so far (busy or offline)
      };
      this.items.push(item);
      added.push(item);
    }
    this.onChange(null);
    this.pump();
    return added;
  }

  retry(item) {
    if (item.state !== 'failed') return;
    item.state = 'waiting';
    item.error = null;
    item.progress = 0;
    item.autoRetried = 0;
    this.onChange(item);
    this.pump();
  }

  retryFailed() {
    this.items.filter((i) => i.state === 'failed').forEach((i) => this.retry(i));
  }

  // Totals for the overall bar: bytes make it move smoothly with mixed file sizes.
  summary() {
    let bytes = 0;
    let sent = 0;
    const counts = { waiting: 0, sending: 0, retrying: 0, done: 0, failed: 0 };
    for (const i of this.items) {
      counts[i.state]++;
      bytes += i.size;
      sent += i.state === 'done' ? i.size : i.size * i.progress;
    }
    return {
      ...counts,
      total: this.items.length,
      fraction: bytes ? sent / bytes : 0,
      busy: counts.waiting + counts.sending + counts.retrying > 0,
    };
  }

  pump() {
    while (this.active < this.concurrency) {
      const next = this.items.find((i) => i.state === 'waiting');
      if (!next) return;
      this.send(next);
    }
  }

  async send(item) {
    this.active++;
    item.state = 'sending';
    this.onChange(item);
    const form = new FormData();
    form.append('photos', item.file, item.name);
    try {
      const body = await this.upload(
        `/api/events/${encodeURIComponent(this.code)}/photos`,
        form,
        (f) => {
          item.progress = f;
          this.onChange(item);
        },
        { 'Idempotency-Key': item.key },
      );
      const rejected = body?.rejected?.[0];
      if (rejected) {
        item.state = 'failed';
        item.error = new ApiError(
          rejected.error?.code || 'invalid_image',
          rejected.error?.message,
          400,
        );
      } else {
        item.state = 'done';
        item.progress = 1;
        // The event already had this exact file (a retry, or the same photo picked twice).
        item.duplicate = body?.photos?.[0]?.duplicate === true;
      }
    } catch (e) {
      item.error = e;
      item.progress = 0;
      // Safe to send again as it is: every attempt of a file carries the same Idempotency-Key.
      if (isTransient(e) && item.autoRetried < this.autoRetries) {
        this.retryLater(item, pauseSeconds(e, item.autoRetried + 1));
      } else {
        item.state = 'failed';
      }
    }
    this.active--;
    this.onChange(item);
    this.pump();
  }

  // State `retrying` for `seconds` (item.retryIn, for the row's text), then back in the queue.
  retryLater(item, seconds) {
    item.state = 'retrying';
    item.retryIn = seconds;
    item.autoRetried = item.autoRetried + 1;
    this.timer(() => {
      if (item.state !== 'retrying') return;
      item.state = 'waiting';
      this.onChange(item);
      this.pump();
    }, seconds * 1000);
  }
}
