// /e/CODE: the attendee's journey — join the event (with consent), take a selfie, wait for the
// match, then the gallery that keeps itself up to date.
import {
  ApiError,
  clearSession,
  del,
  describeError,
  get,
  newIdempotencyKey,
  post,
  saveSession,
  session,
  uploadWithProgress,
} from './api.js';
import { accountFields, clearErrorsOnInput } from './account_fields.js';
import { candidatesPanel } from './candidates.js';
import { announce, clear, confirmDialog, errorBox, h } from './dom.js';
import { formatNumber, t, tCount } from './i18n.js';
import { onLeave, setTitle, signOut } from './navigation.js';
import { withRetries } from './retry.js';
import { selfiePicker } from './selfie.js';
import { openViewer } from './viewer.js';

const GALLERY_POLL_MS = 10000; // new photos appear within 10 s; one cheap query per attendee
const PENDING_POLL_MS = 3000; // while a match job is still running
const JOB_WAIT_SECONDS = 25; // long-poll: the server holds the request until the job ends
const MAX_SELFIE_BYTES = 25 * 1024 * 1024; // the server's default MAX_UPLOAD_MB

// "This person already has a selfie for this event", so a returning visit opens the gallery.
const matchedKey = (code) => `findme.matched.${session()?.user?.id}.${code}`;

export async function renderEvent(main, code) {
  setTitle(code);
  const header = h(
    'section',
    { class: 'event-header' },
    h('p', { class: 'muted' }, t('app.loading')),
  );
  const body = h('div', { class: 'stack' });
  main.append(header, body);
  let event;
  try {
    event = (await get(`/api/events/${encodeURIComponent(code)}`)).event;
  } catch (e) {
    clear(header).append(h('h1', {}, code));
    const message =
      e instanceof ApiError && e.code === 'not_found'
        ? t('event.notfound', { code })
        : describeError(e);
    body.append(
      errorBox(message),
      h('p', {}, h('a', { href: '/', 'data-link': true }, t('app.back'))),
    );
    return;
  }
  setTitle(event.name);
  clear(header).append(
    h('h1', {}, event.name),
    h('p', { class: 'muted' }, t('event.photos', { count: formatNumber(event.photo_count) })),
  );
  const page = { main, body, code: event.code, event, timers: [], stream: null };
  onLeave(() => stopPage(page));
  await showStart(page);
}

function stopPage(page) {
  page.timers.forEach(clearTimeout);
  page.timers = [];
  page.abort?.abort();
  page.stopCamera?.();
}

async function showStart(page) {
  const s = session();
  if (!s) return showJoin(page, 'register');
  if (s.user.role !== 'attendee') {
    clear(page.body).append(
      h(
        'div',
        { class: 'card' },
        h('p', {}, t('event.organizer.signed.in')),
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => signOut(location.pathname) },
          t('app.signout'),
        ),
      ),
    );
    return;
  }
  if (localStorage.getItem(matchedKey(page.code))) return showGallery(page);
  try {
    // Signed in from another event: joining this one needs the password again (API.md: joining
    // is registering with the same credentials).
    const me = await get('/api/me');
    if (!(me.events || []).some((e) => e.code === page.code))
      return showJoin(page, 'login', s.user.email);
    const mine = await get(`/api/my-photos?event_code=${encodeURIComponent(page.code)}`);
    if (mine.photos.length || mine.pending_jobs || mine.candidates) return showGallery(page);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'unauthorized') {
      clearSession();
      return showJoin(page, 'login');
    }
  }
  return showSelfie(page);
}

function showJoin(page, mode, email = '') {
  const body = clear(page.body);
  const errors = h('div');
  const isRegister = mode === 'register';
  const form = h(
    'form',
    { class: 'card stack', novalidate: true },
    h('h2', {}, isRegister ? t('event.register.title') : t('event.login.title')),
    isRegister ? h('p', {}, t('event.register.lead')) : null,
    accountFields({ newAccount: isRegister, email }),
    isRegister ? consentBlock() : null,
    errors,
    h(
      'button',
      { type: 'submit', class: 'primary' },
      isRegister ? t('event.register') : t('event.login'),
    ),
  );
  clearErrorsOnInput(form, errors);
  // One Idempotency-Key per filled-in form: sent again (by the user or by withRetries) it creates
  // one account; any change to the fields makes it another request, with a new key.
  let key = newIdempotencyKey();
  form.addEventListener('input', () => {
    key = newIdempotencyKey();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(errors);
    if (!validate(form, errors, isRegister)) return;
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      if (isRegister) {
        const fields = {
          event_code: page.code,
          name: form.name.value.trim(),
          email: form.email.value.trim(),
          password: form.password.value,
        };
        const r = await withRetries(
          () => post('/api/register-with-event-code', fields, { 'Idempotency-Key': key }),
          { onWait: (seconds) => showWaiting(errors, seconds) },
        );
        clear(errors);
        saveSession(r.token, r.user);
      } else {
        await signInAndJoin(page.code, form.email.value.trim(), form.password.value);
      }
      page.main.ownerDocument.dispatchEvent(new Event('findme:session'));
      await showStart(page);
    } catch (err) {
      const message =
        err instanceof ApiError && err.code === 'unauthorized' && !isRegister
          ? t('error.login')
          : describeError(err);
      errors.append(errorBox(message));
      button.disabled = false;
    }
  });
  const switcher = isRegister
    ? h(
        'p',
        { class: 'center' },
        t('event.have.account'),
        ' ',
        h(
          'button',
          { type: 'button', class: 'link', onclick: () => showJoin(page, 'login') },
          t('event.login.title'),
        ),
      )
    : h(
        'p',
        { class: 'center' },
        h(
          'button',
          { type: 'button', class: 'link', onclick: () => showJoin(page, 'register') },
          t('event.new.account'),
        ),
      );
  body.append(form, switcher);
}

// The plain-language notice and the explicit, unticked consent checkbox.
function consentBlock() {
  return h(
    'fieldset',
    { class: 'consent' },
    h('legend', {}, t('event.consent.title')),
    h('p', { id: 'consent-text' }, t('event.consent.text')),
    h(
      'div',
      { class: 'check' },
      h('input', {
        type: 'checkbox',
        id: 'consent',
        name: 'consent',
        required: true,
        'aria-describedby': 'consent-text',
      }),
      h('label', { for: 'consent' }, t('event.consent.label')),
    ),
  );
}

function validate(form, errors, isRegister) {
  for (const input of form.querySelectorAll('input')) input.removeAttribute('aria-invalid');
  for (const input of form.querySelectorAll('input')) {
    if (!input.checkValidity()) {
      input.setAttribute('aria-invalid', 'true');
      const message =
        input.type === 'checkbox'
          ? t('event.consent.required')
          : input.validity.valueMissing
            ? t('form.required')
            : input.validationMessage;
      errors.append(errorBox(message));
      input.focus();
      return false;
    }
  }
  return !isRegister || form.consent.checked;
}

// "Busy: trying again in N s", in the form's message area while an automatic retry waits.
function showWaiting(area, seconds) {
  clear(area);
  const text = t('busy.retrying', { seconds });
  area.append(h('p', { class: 'status-text', role: 'status' }, text));
}

// An existing attendee signs in, then joins this event with the same credentials if needed
// (registering with the right password joins: API.md).
async function signInAndJoin(code, email, password) {
  const login = await post('/api/login', { email, password });
  saveSession(login.token, login.user);
  if (login.user.role !== 'attendee') return;
  const me = await get('/api/me');
  if ((me.events || []).some((e) => e.code === code)) return;
  const joined = await post('/api/register-with-event-code', {
    event_code: code,
    email,
    password,
    name: login.user.name,
  });
  saveSession(joined.token, joined.user);
}

function showSelfie(page, initialError) {
  const body = clear(page.body);
  const errors = h('div');
  if (initialError) errors.append(errorBox(initialError));
  // Once matched, a further selfie joins the first ones (the server uses them together).
  const more = Boolean(localStorage.getItem(matchedKey(page.code)));
  const card = h(
    'section',
    { class: 'card stack', 'aria-labelledby': 'selfie-title' },
    h('h2', { id: 'selfie-title' }, t(more ? 'selfie.more.title' : 'selfie.title')),
    h('p', {}, t(more ? 'selfie.more.lead' : 'selfie.lead')),
    errors,
  );
  body.append(card);
  const picker = selfiePicker({
    onPicked: (blob) => {
      clear(errors);
      if (blob.size > MAX_SELFIE_BYTES) {
        errors.append(errorBox(t('error.payload_too_large')));
        return false;
      }
      return true;
    },
    onUse: (blob) => uploadSelfie(page, blob),
  });
  page.stopCamera = picker.stop;
  card.append(picker.element);
}

async function uploadSelfie(page, blob) {
  page.stopCamera?.();
  const body = clear(page.body);
  const status = h('p', { class: 'status-text' }, t('selfie.uploading'));
  const bar = h('progress', { max: 100, value: 0, 'aria-label': t('selfie.uploading') });
  body.append(
    h(
      'section',
      { class: 'card stack center', 'aria-busy': 'true' },
      h('div', { class: 'spinner', 'aria-hidden': 'true' }),
      status,
      bar,
    ),
  );
  announce(t('selfie.uploading'));
  const form = new FormData();
  form.append('event_code', page.code);
  form.append('selfie', blob, blob.name || 'selfie.jpg');
  // This selfie's key: every automatic retry of it stores one selfie and starts one match.
  const key = newIdempotencyKey();
  let job;
  try {
    job = (
      await withRetries(
        () =>
          uploadWithProgress(
            '/api/upload-selfie',
            form,
            (f) => {
              bar.value = Math.round(f * 100);
            },
            { 'Idempotency-Key': key },
          ),
        {
          onWait: (seconds) => {
            status.textContent = t('busy.retrying', { seconds });
            announce(status.textContent);
          },
        },
      )
    ).job;
  } catch (e) {
    return showSelfie(page, describeError(e));
  }
  status.textContent = t('selfie.matching');
  bar.removeAttribute('value'); // indeterminate: matching has no measurable progress
  bar.setAttribute('aria-label', t('selfie.matching'));
  body.querySelector('section').append(h('p', { class: 'muted' }, t('selfie.matching.hint')));
  announce(t('selfie.matching'));
  try {
    job = await waitForJob(page, job.id);
  } catch (e) {
    if (e.name === 'AbortError') return undefined;
    return showSelfie(page, describeError(e));
  }
  if (job.status === 'failed') {
    const code = job.error?.code || 'internal';
    return showSelfie(page, describeError(new ApiError(code, job.error?.message)));
  }
  localStorage.setItem(matchedKey(page.code), '1');
  return showGallery(page);
}

async function waitForJob(page, id) {
  page.abort = new AbortController();
  for (;;) {
    const { job } = await get(`/api/jobs/${encodeURIComponent(id)}?wait=${JOB_WAIT_SECONDS}`, {
      signal: page.abort.signal,
    });
    if (job.status === 'done' || job.status === 'failed') return job;
  }
}

function showGallery(page) {
  const body = clear(page.body);
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  const pending = h(
    'p',
    { class: 'pending', hidden: true },
    h('span', { class: 'spinner small', 'aria-hidden': 'true' }),
    t('gallery.pending'),
  );
  const zip = h(
    'a',
    {
      class: 'button secondary',
      href: `/api/my-photos.zip?event_code=${encodeURIComponent(page.code)}`,
      download: '',
    },
    t('gallery.zip'),
  );
  const grid = h('ul', { class: 'gallery', 'aria-labelledby': 'gallery-title' });
  const empty = h('p', { class: 'empty', hidden: true }, t('gallery.empty'));
  const errors = h('div');
  // A yes adds a photo: refresh at once rather than at the next poll.
  const asked = candidatesPanel(page.code, { onConfirmed: () => refresh() });
  body.append(
    asked.element,
    h(
      'section',
      { class: 'stack' },
      h(
        'div',
        { class: 'gallery-head' },
        h('div', {}, h('h2', { id: 'gallery-title', tabindex: '-1' }, t('gallery.title')), count),
        h(
          'div',
          { class: 'actions' },
          zip,
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => showSelfie(page) },
            t('gallery.newselfie'),
          ),
        ),
      ),
      pending,
      errors,
      empty,
      grid,
      h(
        'div',
        { class: 'danger-zone' },
        h(
          'button',
          { type: 'button', class: 'danger', onclick: () => deleteMyData(page) },
          t('gallery.delete'),
        ),
      ),
    ),
  );

  let photos = [];
  const items = new Map(); // photo id -> <li>, kept across refreshes so images do not reload
  const render = () => {
    count.textContent = tCount('gallery.count', photos.length);
    empty.hidden = photos.length > 0;
    zip.hidden = photos.length === 0;
    const wanted = new Set(photos.map((p) => p.id));
    for (const [id, li] of items)
      if (!wanted.has(id)) {
        li.remove();
        items.delete(id);
      }
    photos.forEach((p, i) => {
      let li = items.get(p.id);
      if (!li) {
        li = h(
          'li',
          {},
          h(
            'button',
            { type: 'button', class: 'thumb', onclick: () => openAt(p.id) },
            h('img', {
              src: p.thumbnail_url,
              alt: '',
              loading: 'lazy',
              decoding: 'async',
              width: p.width || 400,
              height: p.height || 300,
            }),
          ),
        );
        items.set(p.id, li);
      }
      li.querySelector('button').setAttribute('aria-label', t('gallery.open', { n: i + 1 }));
      if (grid.children[i] !== li) grid.insertBefore(li, grid.children[i] || null);
    });
  };
  const openAt = (id) => {
    openViewer(
      photos,
      photos.findIndex((p) => p.id === id),
      {
        onNotMe: async (photo) => {
          await post(`/api/photos/${encodeURIComponent(photo.id)}/not-me`);
          photos = photos.filter((p) => p.id !== photo.id);
          render();
          announce(t('viewer.notme.done'));
          return photos;
        },
      },
    );
  };
  const refresh = async () => {
    let delay = GALLERY_POLL_MS;
    try {
      const mine = await get(`/api/my-photos?event_code=${encodeURIComponent(page.code)}`);
      const known = new Set(photos.map((p) => p.id));
      const fresh = mine.photos.filter((p) => !known.has(p.id)).length;
      if (photos.length && fresh) announce(t('gallery.new', { count: fresh }));
      photos = mine.photos;
      pending.hidden = !mine.pending_jobs;
      if (mine.pending_jobs) delay = PENDING_POLL_MS;
      clear(errors);
      render();
      await asked.update(mine.candidates || 0);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'unauthorized') {
        clearSession();
        return showJoin(page, 'login');
      }
      clear(errors).append(
        errorBox(
          describeError(e),
          () => {
            clear(errors);
            refresh();
          },
          t('app.retry'),
        ),
      );
    }
    schedule(delay);
    return undefined;
  };
  // Polls only while the page is visible: a phone in a pocket costs the server nothing.
  const schedule = (delay) => {
    page.timers.forEach(clearTimeout);
    page.timers = [
      setTimeout(() => {
        if (document.visibilityState === 'visible') refresh();
        else schedule(delay);
      }, delay),
    ];
  };
  refresh();
}

async function deleteMyData(page) {
  const ok = await confirmDialog({
    title: t('delete.title'),
    text: t('delete.text'),
    confirm: t('delete.confirm'),
    cancel: t('app.cancel'),
  });
  if (!ok) return;
  try {
    await del('/api/me');
  } catch (e) {
    page.body.prepend(errorBox(describeError(e)));
    return;
  }
  stopPage(page);
  localStorage.removeItem(matchedKey(page.code));
  clearSession();
  page.main.ownerDocument.dispatchEvent(new Event('findme:session'));
  clear(page.body).append(
    h('div', { class: 'card done', role: 'status' }, h('p', {}, t('delete.done'))),
  );
}
