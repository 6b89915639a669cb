// The findme HTTP API (API.md + docs/api.md) for the web app: the session token, JSON calls,
// uploads with progress, and errors turned into sentences a person understands.
import { language, t } from './i18n.js';

const SESSION_KEY = 'findme.session';
const COOKIE = 'findme_token';

// The token is sent as a Bearer header on API calls and also kept in the findme_token cookie so
// that <img> and download links (thumbnails, originals, the ZIP) are authorised too.
// SameSite=Strict: other sites cannot make the browser send it.
export function session() {
  try {
    return JSON.parse(localStorage.getItem(SESSION_KEY)) || null;
  } catch {
    return null;
  }
}

export function saveSession(token, user) {
  localStorage.setItem(SESSION_KEY, JSON.stringify({ token, user }));
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = `${COOKIE}=${encodeURIComponent(token)}; Path=/; Max-Age=2592000; SameSite=Strict${secure}`;
}

export function clearSession() {
  localStorage.removeItem(SESSION_KEY);
  document.cookie = `${COOKIE}=; Path=/; Max-Age=0; SameSite=Strict`;
}

export class ApiError extends Error {
  // `retryAfter`: the answer's Retry-After in seconds (busy, unavailable), else null.
  constructor(code, serverMessage, status, retryAfter = null) {
    super(serverMessage || code);
    this.code = code;
    this.status = status;
    this.serverMessage = serverMessage;
    this.retryAfter = retryAfter;
  }
}

// Retry-After in seconds; null when absent or not a number of seconds.
export function retryAfterSeconds(value) {
  return value != null && /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
}

// A sentence for the user, in their language. Server messages are English; they are shown only
// where no translation exists (form details for invalid_request).
export function describeError(error) {
  if (!(error instanceof ApiError)) return t('error.network');
  if (error.code === 'invalid_request') {
    return language() === 'en' && error.serverMessage
      ? capitalise(error.serverMessage)
      : t('error.invalid_request', { detail: error.serverMessage || '' });
  }
  const key = `error.${error.code}`;
  const text = t(key);
  return text === key ? t('error.internal') : text;
}

function capitalise(s) {
  return s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? '' : '.');
}

function headers(extra = {}) {
  const h = { ...extra };
  const s = session();
  if (s?.token) h.Authorization = `Bearer ${s.token}`;
  return h;
}

async function parse(response) {
  if (response.status === 204) return null;
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const err = body?.error;
    throw new ApiError(
      err?.code || (response.status >= 500 ? 'internal' : 'invalid_request'),
      err?.message,
      response.status,
      retryAfterSeconds(response.headers.get('Retry-After')),
    );
  }
  return body;
}

// fetch() that turns a network failure into ApiError('network') only at describeError time.
export async function call(method, path, { json, form, signal, extraHeaders } = {}) {
  const init = { method, headers: headers(extraHeaders), signal };
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (form) {
    init.body = form;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new Error('network');
  }
  return parse(response);
}

export const get = (path, opts) => call('GET', path, opts);
export const post = (path, json, extraHeaders) => call('POST', path, { json, extraHeaders });
export const del = (path) => call('DELETE', path);
export const postForm = (path, form) => call('POST', path, { form });

// A fresh value for the Idempotency-Key header: a request retried with the same key is done once
// (docs/api.md, "Safe retries"). crypto.randomUUID needs a secure context, which plain http on a
// venue's network is not, so the key is 128 random bits from getRandomValues.
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// Multipart upload with progress (fetch has no upload progress). Resolves with the parsed body;
// rejects with ApiError or a network Error. `onProgress(fraction)`.
export function uploadWithProgress(path, form, onProgress, extraHeaders = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    const h = headers(extraHeaders);
    for (const [k, v] of Object.entries(h)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new Error('network'));
    xhr.ontimeout = () => reject(new Error('network'));
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body);
      } else {
        reject(
          new ApiError(
            body?.error?.code || 'internal',
            body?.error?.message,
            xhr.status,
            retryAfterSeconds(xhr.getResponseHeader('Retry-After')),
          ),
        );
      }
    };
    xhr.send(form);
  });
}
