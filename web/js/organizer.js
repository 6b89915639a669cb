// Organizer pages: sign up / sign in, the events list with "create" (and the way to the API access
// page, access_keys.js), and one event's dashboard (share code/link/QR, bulk upload, live stats,
// photo grid, delete).
import { accountFields, clearErrorsOnInput } from './account_fields.js';
import {
  ApiError,
  clearSession,
  del,
  describeError,
  get,
  post,
  saveSession,
  session,
} from './api.js';
import { announce, clear, confirmDialog, errorBox, field, h } from './dom.js';
import { formatNumber, t, tCount } from './i18n.js';
import { navigate, onLeave, setTitle, signOut } from './navigation.js';
import { qrSvg } from './qr.js';
import { UploadQueue } from './uploader.js';

const STATS_BUSY_MS = 2000; // while photos are queued or uploading: the dashboard feels live
const STATS_IDLE_MS = 15000; // otherwise (new guests, matches) a slow heartbeat is enough
const GRID_REFRESH_MS = 5000; // the photo list is heavier: at most this often
const GRID_PAGE = 120; // thumbnails rendered per "show more"

// Leaving the page would abandon the uploads still waiting: the browser asks first. Registered
// with the first upload queue, not at import.
let activeQueue = null;
function guardUnsentUploads(queue) {
  if (!activeQueue) {
    window.addEventListener('beforeunload', (e) => {
      if (activeQueue?.summary().busy) e.preventDefault();
    });
  }
  activeQueue = queue;
}

// Whether an organizer is signed in; if not, `main` shows why (or the sign-up form) instead.
export function requireOrganizer(main) {
  const s = session();
  if (s && s.user.role !== 'organizer') {
    main.append(
      h('h1', {}, t('org.title')),
      h(
        'div',
        { class: 'card' },
        h('p', {}, t('org.attendee.signed.in')),
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => signOut('/organizer') },
          t('app.signout'),
        ),
      ),
    );
    return false;
  }
  if (!s) {
    renderAuth(main, 'signup');
    return false;
  }
  return true;
}

export function renderOrganizer(main) {
  setTitle(t('org.title'));
  if (!requireOrganizer(main)) return;
  renderEvents(main);
}

// Sign-up (mode 'signup') or sign-in ('login') in `main`; once in, the events list.
export function renderAuth(main, mode) {
  clear(main);
  const signup = mode === 'signup';
  setTitle(signup ? t('org.signup.title') : t('org.login.title'));
  const errors = h('div');
  const form = h(
    'form',
    { class: 'card stack', novalidate: true },
    accountFields({ newAccount: signup }),
    errors,
    h('button', { type: 'submit', class: 'primary' }, signup ? t('org.signup') : t('org.login')),
  );
  clearErrorsOnInput(form, errors);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(errors);
    const invalid = [...form.querySelectorAll('input')].find((i) => !i.checkValidity());
    if (invalid) {
      invalid.setAttribute('aria-invalid', 'true');
      errors.append(
        errorBox(invalid.validity.valueMissing ? t('form.required') : invalid.validationMessage),
      );
      invalid.focus();
      return;
    }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const body = { email: form.email.value.trim(), password: form.password.value };
      const r = signup
        ? await post('/api/organizers', { ...body, name: form.name.value.trim() })
        : await post('/api/login', body);
      saveSession(r.token, r.user);
      document.dispatchEvent(new Event('findme:session'));
      navigate('/organizer', { replace: true });
    } catch (err) {
      errors.append(
        errorBox(
          err instanceof ApiError && err.code === 'unauthorized'
            ? t('error.login')
            : describeError(err),
        ),
      );
      button.disabled = false;
    }
  });
  main.append(
    h('h1', {}, signup ? t('org.signup.title') : t('org.login.title')),
    form,
    h(
      'p',
      { class: 'center' },
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          onclick: () => renderAuth(main, signup ? 'login' : 'signup'),
        },
        signup ? t('org.switch.login') : t('org.switch.signup'),
      ),
    ),
  );
}

async function renderEvents(main) {
  const list = h('ul', { class: 'event-list' }, h('li', { class: 'muted' }, t('app.loading')));
  const errors = h('div');
  const form = h(
    'form',
    { class: 'card stack', novalidate: true, 'aria-labelledby': 'create-title' },
    h('h2', { id: 'create-title' }, t('org.create.title')),
    field({ id: 'event-name', label: t('org.create.name'), required: true, maxlength: 100 }),
    field({ id: 'event-date', label: t('org.create.date'), type: 'date' }),
    errors,
    h('button', { type: 'submit', class: 'primary' }, t('org.create')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(errors);
    const name = form['event-name'].value.trim();
    if (!name) {
      errors.append(errorBox(t('form.required')));
      form['event-name'].focus();
      return;
    }
    const date = form['event-date'].value;
    try {
      const r = await post(
        '/api/events',
        date ? { name, starts_at: `${date}T00:00:00Z` } : { name },
      );
      navigate(`/organizer/events/${encodeURIComponent(r.event.code)}`);
    } catch (err) {
      errors.append(errorBox(describeError(err)));
    }
  });
  main.append(
    h('h1', {}, t('org.events')),
    h(
      'nav',
      { class: 'subnav', 'aria-label': t('org.title') },
      h('a', { href: '/organizer/api', 'data-link': true }, t('keys.nav')),
    ),
    h('section', { class: 'stack' }, list),
    form,
  );
  try {
    const { events } = await get('/api/events');
    clear(list);
    if (!events.length) list.append(h('li', { class: 'empty' }, t('org.events.empty')));
    for (const ev of events) {
      list.append(
        h(
          'li',
          {},
          h(
            'a',
            {
              href: `/organizer/events/${encodeURIComponent(ev.code)}`,
              'data-link': true,
              class: 'event-link',
            },
            h('span', { class: 'event-name' }, ev.name),
            h('span', { class: 'code' }, ev.code),
            h(
              'span',
              { class: 'muted' },
              t('org.event.photos', { count: formatNumber(ev.photo_count ?? 0) }),
            ),
          ),
        ),
      );
    }
  } catch (err) {
    if (err instanceof ApiError && err.code === 'unauthorized') {
      clearSession();
      renderAuth(clear(main), 'login');
      return;
    }
    clear(list).append(
      h(
        'li',
        {},
        errorBox(
          describeError(err),
          () => {
            clear(main);
            renderEvents(main);
          },
          t('app.retry'),
        ),
      ),
    );
  }
}

export async function renderDashboard(main, code) {
  setTitle(code);
  if (!requireOrganizer(main)) return;
  const timers = { stats: 0, grid: 0 };
  const page = { code, stop: false };
  onLeave(() => {
    page.stop = true;
    clearTimeout(timers.stats);
    clearTimeout(timers.grid);
  });
  let event;
  try {
    event = (await get(`/api/events/${encodeURIComponent(code)}`)).event;
  } catch (err) {
    main.append(h('h1', {}, code), errorBox(describeError(err)));
    return;
  }
  setTitle(event.name);
  const link = `${location.origin}/e/${event.code}`;
  const statsView = statsPanel();
  const grid = photoGrid(event.code);
  const upload = uploadPanel(event.code, () => refreshStats(true));
  main.append(
    h('p', {}, h('a', { href: '/organizer', 'data-link': true }, `← ${t('org.events')}`)),
    h('h1', {}, event.name),
    sharePanel(event.code, link),
    upload.element,
    statsView.element,
    grid.element,
    h(
      'div',
      { class: 'danger-zone' },
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: async () => {
            const ok = await confirmDialog({
              title: t('dash.delete.title', { name: event.name }),
              text: t('dash.delete.text'),
              confirm: t('dash.delete.confirm'),
              cancel: t('app.cancel'),
            });
            if (!ok) return;
            try {
              await del(`/api/events/${encodeURIComponent(event.code)}`);
              navigate('/organizer');
            } catch (err) {
              main.append(errorBox(describeError(err)));
            }
          },
        },
        t('dash.delete'),
      ),
    ),
  );

  let lastKey = '';
  let lastGrid = 0;
  async function refreshStats(soon) {
    clearTimeout(timers.stats);
    if (page.stop) return;
    let busy = upload.busy();
    try {
      const stats = await get(`/api/events/${encodeURIComponent(event.code)}/stats`);
      statsView.update(stats);
      busy = busy || stats.photos.queued > 0;
      const key = `${stats.photos.total}/${stats.photos.indexed}/${stats.photos.failed}`;
      if (key !== lastKey && Date.now() - lastGrid > GRID_REFRESH_MS) {
        lastKey = key;
        lastGrid = Date.now();
        grid.refresh();
      } else if (key !== lastKey) {
        clearTimeout(timers.grid);
        timers.grid = setTimeout(() => {
          lastKey = '';
          refreshStats();
        }, GRID_REFRESH_MS);
      }
    } catch (err) {
      statsView.error(describeError(err));
    }
    if (page.stop) return;
    timers.stats = setTimeout(
      () => {
        if (document.visibilityState === 'visible') refreshStats();
        else timers.stats = setTimeout(refreshStats, STATS_IDLE_MS);
      },
      soon || busy ? STATS_BUSY_MS : STATS_IDLE_MS,
    );
  }
  refreshStats();
}

function sharePanel(code, link) {
  const copied = h('span', { class: 'muted', 'aria-live': 'polite' });
  const qr = h('div', { class: 'qr', role: 'img', 'aria-label': t('dash.qr', { link }) });
  qr.innerHTML = qrSvg(link); // our own markup: a rect and one path, no user text inside
  return h(
    'section',
    { class: 'card share', 'aria-labelledby': 'share-title' },
    h(
      'div',
      { class: 'share-text stack' },
      h('h2', { id: 'share-title' }, t('dash.share')),
      h(
        'p',
        {},
        h('span', { class: 'label' }, t('dash.code')),
        h('strong', { class: 'code big', 'data-testid': 'event-code' }, code),
      ),
      h(
        'p',
        {},
        h('span', { class: 'label' }, t('dash.link')),
        h('a', { href: link, class: 'share-link' }, link),
      ),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: async () => {
              try {
                await navigator.clipboard.writeText(link);
                copied.textContent = t('dash.copied');
              } catch {
                copied.textContent = link;
              }
            },
          },
          t('dash.copy'),
        ),
        copied,
      ),
    ),
    qr,
  );
}

function statsPanel() {
  const tiles = {};
  const names = [
    ['total', 'dash.stat.total'],
    ['queued', 'dash.stat.queued'],
    ['indexed', 'dash.stat.indexed'],
    ['failed', 'dash.stat.failed'],
    ['faces', 'dash.stat.faces'],
    ['attendees', 'dash.stat.attendees'],
    ['matched', 'dash.stat.matched'],
    ['matches', 'dash.stat.matches'],
  ];
  const errors = h('div');
  const list = h(
    'dl',
    { class: 'stats' },
    names.map(([key, label]) => {
      tiles[key] = h('dd', { 'data-stat': key }, '–');
      return h('div', { class: `stat stat-${key}` }, h('dt', {}, t(label)), tiles[key]);
    }),
  );
  return {
    element: h(
      'section',
      { class: 'card', 'aria-labelledby': 'stats-title' },
      h('h2', { id: 'stats-title' }, t('dash.stats')),
      errors,
      list,
    ),
    update(s) {
      clear(errors);
      const values = {
        total: s.photos.total,
        queued: s.photos.queued,
        indexed: s.photos.indexed,
        failed: s.photos.failed,
        faces: s.faces,
        attendees: s.attendees,
        matched: s.matched_attendees,
        matches: s.matches,
      };
      for (const [key, value] of Object.entries(values))
        tiles[key].textContent = formatNumber(value);
    },
    error(message) {
      clear(errors).append(errorBox(message));
    },
  };
}

function photoGrid(code) {
  const list = h('ul', { class: 'photo-grid' });
  const more = h(
    'button',
    { type: 'button', class: 'secondary', hidden: true },
    t('dash.grid.more'),
  );
  const empty = h('p', { class: 'empty' }, t('dash.grid.empty'));
  let photos = [];
  let shown = GRID_PAGE;
  const render = () => {
    empty.hidden = photos.length > 0;
    clear(list);
    for (const p of photos.slice(0, shown)) {
      const caption =
        p.status === 'indexed'
          ? tCount('dash.faces', p.face_count)
          : p.status === 'failed'
            ? `${t('dash.status.failed')}: ${describeError(new ApiError(p.error || 'invalid_image'))}`
            : t('dash.status.queued');
      list.append(
        h(
          'li',
          { class: `photo ${p.status}`, dataset: { status: p.status } },
          p.status === 'indexed'
            ? h('img', {
                src: `/api/photos/${encodeURIComponent(p.id)}/thumbnail`,
                alt: p.filename,
                loading: 'lazy',
                decoding: 'async',
                width: p.width || 400,
                height: p.height || 300,
              })
            : h('div', { class: 'placeholder', 'aria-hidden': 'true' }),
          h(
            'p',
            { class: 'caption' },
            h('span', { class: 'filename' }, p.filename),
            h('span', { class: 'faces' }, caption),
          ),
        ),
      );
    }
    more.hidden = photos.length <= shown;
  };
  more.addEventListener('click', () => {
    shown += GRID_PAGE;
    render();
  });
  return {
    element: h(
      'section',
      { class: 'stack', 'aria-labelledby': 'grid-title' },
      h('h2', { id: 'grid-title' }, t('dash.grid')),
      empty,
      list,
      more,
    ),
    async refresh() {
      try {
        photos = (await get(`/api/events/${encodeURIComponent(code)}/photos`)).photos;
        render();
      } catch {
        /* the stats panel shows connection problems */
      }
    },
  };
}

function uploadPanel(code, onActivity) {
  const input = h('input', {
    type: 'file',
    id: 'photo-files',
    multiple: true,
    accept: 'image/*',
    class: 'visually-hidden',
  });
  const overall = h('progress', { max: 1, value: 0, 'aria-labelledby': 'upload-summary' });
  const summary = h('p', { id: 'upload-summary', class: 'muted' });
  const retryAll = h(
    'button',
    { type: 'button', class: 'secondary', hidden: true },
    t('dash.retry.all'),
  );
  const rows = h('ol', { class: 'upload-list' });
  const progressBox = h(
    'div',
    { class: 'stack', hidden: true },
    overall,
    h('div', { class: 'actions' }, summary, retryAll),
    rows,
  );
  const rowOf = new Map();
  let frame = 0;

  const queue = new UploadQueue(code, (item) => {
    if (item) updateRow(item);
    if (!frame)
      frame = requestAnimationFrame(() => {
        frame = 0;
        updateSummary();
      });
  });
  retryAll.addEventListener('click', () => queue.retryFailed());
  guardUnsentUploads(queue);

  function updateSummary() {
    const s = queue.summary();
    progressBox.hidden = s.total === 0;
    overall.value = s.fraction;
    summary.textContent =
      t('dash.progress', { done: formatNumber(s.done), total: formatNumber(s.total) }) +
      (s.failed ? ` · ${t('dash.failed.count', { count: s.failed })}` : '');
    retryAll.hidden = s.failed === 0;
    if (!s.busy && s.total) announce(summary.textContent);
  }

  function updateRow(item) {
    let row = rowOf.get(item.id);
    if (!row) {
      row = {
        li: h('li', { class: 'upload' }),
        name: h('span', { class: 'filename' }, item.name),
        bar: h('progress', { max: 1, value: 0, 'aria-label': item.name }),
        state: h('span', { class: 'state' }),
        action: h('span', { class: 'row-action' }),
      };
      row.li.append(row.name, row.bar, row.state, row.action);
      rows.append(row.li);
      rowOf.set(item.id, row);
    }
    row.li.dataset.state = item.state;
    row.bar.value = item.state === 'done' ? 1 : item.progress;
    if (row.shown === item.state && item.state === 'sending') return;
    row.shown = item.state;
    if (item.state === 'failed') {
      row.state.textContent = describeError(item.error);
    } else if (item.state === 'retrying') {
      row.state.textContent = t('dash.file.retrying', { seconds: item.retryIn });
    } else {
      row.state.textContent = t(item.duplicate ? 'dash.file.duplicate' : `dash.file.${item.state}`);
    }
    clear(row.action);
    if (item.state === 'failed') {
      row.action.append(
        h(
          'button',
          { type: 'button', class: 'link', onclick: () => queue.retry(item) },
          t('app.retry'),
        ),
      );
    }
  }

  function addFiles(files) {
    const list = [...files].filter((f) => f.size > 0);
    if (!list.length) return;
    queue.add(list).forEach(updateRow);
    onActivity();
  }

  input.addEventListener('change', () => {
    addFiles(input.files);
    input.value = '';
  });
  const zone = h(
    'div',
    { class: 'dropzone' },
    h(
      'p',
      {},
      t('dash.drop'),
      ' ',
      h('label', { for: 'photo-files', class: 'button primary' }, t('dash.pick')),
      input,
    ),
    h('p', { class: 'hint' }, t('dash.drop.hint', { mb: 25 })),
  );
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    addFiles(e.dataTransfer.files);
  });
  return {
    element: h(
      'section',
      { class: 'card stack', 'aria-labelledby': 'upload-title' },
      h('h2', { id: 'upload-title' }, t('dash.upload')),
      zone,
      progressBox,
    ),
    busy: () => queue.summary().busy,
  };
}
