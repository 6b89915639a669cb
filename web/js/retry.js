// Sends a request again by itself when the server was busy or away or the connection dropped,
// after the server's Retry-After or a growing pause. Only for requests that carry an
// Idempotency-Key (the same on every attempt), so that a retry after a lost answer does the work
// once. Other failures are thrown at once, for the page to show.
import { ApiError } from './api.js';

export const AUTO_RETRIES = 5;
const MAX_PAUSE_S = 30;

// Worth sending again as it is: busy (429 with Retry-After), unavailable (503), or no answer.
export function isTransient(error) {
  if (!(error instanceof ApiError)) return error?.name !== 'AbortError';
  return error.code === 'busy' || error.code === 'unavailable';
}

// How long to wait before attempt `attempt` (1 = the first retry): the server's Retry-After when
// it gave one, else 1, 2, 4... seconds, at most MAX_PAUSE_S.
export function pauseSeconds(error, attempt) {
  const asked = error instanceof ApiError ? error.retryAfter : undefined;
  return asked ?? Math.min(2 ** (attempt - 1), MAX_PAUSE_S);
}

// Calls `send()` until it succeeds, fails for good, or failed transiently `retries` times more.
// `onWait(seconds)` is called before each pause (to say "trying again in N s");
// `sleep(ms)` is replaceable for tests.
export async function withRetries(
  send,
  {
    onWait = () => {},
    retries = AUTO_RETRIES,
    sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  } = {},
) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!isTransient(error) || attempt > retries) throw error;
      const seconds = pauseSeconds(error, attempt);
      onWait(seconds);
      await sleep(seconds * 1000);
    }
  }
}
