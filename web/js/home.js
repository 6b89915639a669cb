// The start page: an attendee enters an event code; organizers find their way in.
import { field, h } from './dom.js';
import { t } from './i18n.js';
import { navigate, setTitle } from './navigation.js';

export function renderHome(main) {
  setTitle('');
  const form = h(
    'form',
    { class: 'card stack', novalidate: true },
    field({
      id: 'code',
      label: t('home.code'),
      hint: t('home.code.hint'),
      required: true,
      autocomplete: 'off',
      autocapitalize: 'characters',
      spellcheck: 'false',
      maxlength: 12,
      class: 'code-input',
    }),
    h('button', { type: 'submit', class: 'primary' }, t('home.go')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const code = form.code.value.replace(/[\s-]/g, '').toUpperCase();
    if (!code) {
      form.code.focus();
      return;
    }
    navigate(`/e/${encodeURIComponent(code)}`);
  });
  main.append(
    h(
      'section',
      { class: 'hero' },
      h('h1', {}, t('home.title')),
      h('p', { class: 'lead' }, t('home.lead')),
    ),
    form,
    h(
      'p',
      { class: 'center muted' },
      t('home.organizer'),
      ' ',
      h('a', { href: '/organizer', 'data-link': true }, t('home.organizer.link')),
    ),
  );
}
