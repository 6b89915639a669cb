// The web app: routes by path (history API), the top bar (account, language) and
// focus management on every page change.
import { renderAccessKeys } from './access_keys.js';
import { session } from './api.js';
import { renderEvent } from './attendee.js';
import { clear, h } from './dom.js';
import { renderHome } from './home.js';
import { initLanguage, language, setLanguage, t } from './i18n.js';
import { leavePage, navigate, setRouter, signOut } from './navigation.js';
import { renderDashboard, renderOrganizer } from './organizer.js';

function renderTopbar() {
  document.querySelector('.skip-link').textContent = t('app.skip');
  document.getElementById('lang-label').textContent = t('app.language');
  const select = document.getElementById('lang');
  select.value = language();
  const account = clear(document.getElementById('account'));
  const s = session();
  if (s?.user) {
    account.append(
      h('span', { class: 'who' }, s.user.name),
      h('button', { type: 'button', class: 'link', onclick: () => signOut() }, t('app.signout')),
    );
  }
}

function route() {
  leavePage();
  renderTopbar();
  const main = clear(document.getElementById('main'));
  const path = decodeURIComponent(location.pathname);
  let m;
  if ((m = path.match(/^\/e\/([^/]+)\/?$/))) {
    renderEvent(main, m[1].toUpperCase());
  } else if (/^\/organizer\/api\/?$/.test(path)) {
    renderAccessKeys(main);
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
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  });
}

// Wires the language picker, in-app links and history, then renders the current page.
export function boot() {
  setRouter(route);
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
  initLanguage();
  route();
}
