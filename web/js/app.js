// The web app's entry: routes by path (history API), the top bar (account, language) and
// focus management on every page change.
import { t, language, setLanguage } from './i18n.js';
import { session, clearSession, post } from './api.js';
import { h, clear } from './dom.js';
import { renderHome } from './home.js';
import { renderEvent } from './attendee.js';
import { renderOrganizer, renderDashboard } from './organizer.js';

const main = document.getElementById('main');
let cleanup = null;  // the current page's teardown (timers, camera)

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path); else history.pushState(null, '', path);
  route();
}

// Pages call this to stop polling and release the camera when they are left.
export function onLeave(fn) { cleanup = fn; }

export async function signOut(to = '/') {
  try { await post('/api/logout'); } catch { /* the token is dropped locally anyway */ }
  clearSession();
  navigate(to);
}

function renderTopbar() {
  document.querySelector('.skip-link').textContent = t('app.skip');
  document.getElementById('lang-label').textContent = t('app.language');
  const select = document.getElementById('lang');
  select.value = language();
  const account = clear(document.getElementById('account'));
  const s = session();
  if (s?.user) {
    account.append(h('span', { class: 'who' }, s.user.name),
      h('button', { type: 'button', class: 'link', onclick: () => signOut() }, t('app.signout')));
  }
}

export function route() {
  if (cleanup) { try { cleanup(); } catch { /* ignore */ } cleanup = null; }
  renderTopbar();
  clear(main);
  const path = decodeURIComponent(location.pathname);
  let m;
  if ((m = path.match(/^\/e\/([^/]+)\/?$/))) {
    renderEvent(main, m[1].toUpperCase());
  } else if ((m = path.match(/^\/organizer\/events\/([^/]+)\/?$/))) {
    renderDashboard(main, m[1].toUpperCase());
  } else if (path.startsWith('/organizer')) {
    renderOrganizer(main);
  } else {
    renderHome(main);
  }
  // Move focus to the new page's heading so screen readers and keyboards start there.
  requestAnimationFrame(() => {
    const heading = main.querySelector('h1');
    if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
  });
}

// Page headings and titles update with the content; this keeps <title> in step.
export function setTitle(text) { document.title = text ? `${text} · findme` : 'findme'; }

document.getElementById('lang').addEventListener('change', (e) => {
  setLanguage(e.target.value);
  route();
});
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-link]');
  if (!a || e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', route);
document.addEventListener('findme:session', renderTopbar);
setLanguage(language());
route();
