// The organizer's API access page (/organizer/api): the access keys of findme's
// Rekognition-compatible API (POST /aws), listed, created and revoked. A new key's secret is in
// the creation answer only: it is shown once, in a panel that forgets it when dismissed or left,
// and is never stored.
import { awsCliSnippet, botoSnippet, endpointUrl, formatWhen } from './access_key_snippets.js';
import { ApiError, clearSession, del, describeError, get, post } from './api.js';
import { announce, clear, confirmDialog, errorBox, h } from './dom.js';
import { language, t } from './i18n.js';
import { onLeave, setTitle } from './navigation.js';
import { renderAuth, requireOrganizer } from './organizer.js';

const MAX_KEYS = 10; // domain::AccessKeys::kMaxKeysPerUser

export function renderAccessKeys(main) {
  setTitle(t('keys.title'));
  if (!requireOrganizer(main)) return;
  const page = { stop: false };
  const newKey = newKeyPanel();
  onLeave(() => {
    page.stop = true;
    newKey.dismiss();
  });

  const listHeading = h('h2', { id: 'keys-title', tabindex: -1 }, t('keys.list'));
  const listErrors = h('div');
  const list = h('ul', { class: 'key-list' }, h('li', { class: 'muted' }, t('app.loading')));

  async function refresh() {
    try {
      const { access_keys: keys } = await get('/api/access-keys');
      if (page.stop) return;
      clear(listErrors);
      clear(list);
      if (!keys.length) list.append(h('li', { class: 'empty' }, t('keys.empty')));
      for (const key of keys) list.append(keyItem(key, revoke));
    } catch (err) {
      if (page.stop) return;
      if (err instanceof ApiError && err.code === 'unauthorized') {
        clearSession();
        renderAuth(clear(main), 'login');
        return;
      }
      clear(list);
      clear(listErrors).append(errorBox(describeError(err), refresh, t('app.retry')));
    }
  }

  async function revoke(key) {
    const id = key.access_key_id;
    const ok = await confirmDialog({
      title: t('keys.revoke.title', { id }),
      text: t('keys.revoke.text'),
      confirm: t('keys.revoke.confirm'),
      cancel: t('app.cancel'),
    });
    if (!ok || page.stop) return;
    let failure = null;
    try {
      await del(`/api/access-keys/${encodeURIComponent(id)}`);
      newKey.forget(id);
      announce(t('keys.revoked', { id }));
    } catch (err) {
      failure = describeError(err); // not_found: revoked meanwhile, from another tab
    }
    await refresh();
    if (failure && !page.stop) listErrors.append(errorBox(failure));
    // The revoked key's button is gone: the list takes the focus.
    if (!page.stop) listHeading.focus();
  }

  const form = createForm(async (readOnly) => {
    try {
      const key = await post('/api/access-keys', { read_only: readOnly });
      if (page.stop) return null;
      newKey.show(key);
      refresh();
      return null;
    } catch (err) {
      // The body is always valid: invalid_request here is the limit on keys.
      return err instanceof ApiError && err.code === 'invalid_request'
        ? t('keys.limit', { max: MAX_KEYS })
        : describeError(err);
    }
  });

  main.append(
    h('p', {}, h('a', { href: '/organizer', 'data-link': true }, `← ${t('org.events')}`)),
    h('h1', {}, t('keys.title')),
    h(
      'p',
      { class: 'lead' },
      t('keys.lead', { endpoint: endpointUrl(location.origin), max: MAX_KEYS }),
    ),
    newKey.element,
    h(
      'section',
      { class: 'stack', 'aria-labelledby': 'keys-title' },
      listHeading,
      listErrors,
      list,
    ),
    form,
  );
  refresh();
}

// "Create key" with its read-only box. `create(readOnly)` resolves to an error sentence or null.
function createForm(create) {
  const errors = h('div');
  const button = h('button', { type: 'submit', class: 'primary' }, t('keys.create'));
  const form = h(
    'form',
    { class: 'card stack', novalidate: true, 'aria-labelledby': 'key-create-title' },
    h('h2', { id: 'key-create-title' }, t('keys.create.title')),
    h(
      'div',
      { class: 'check' },
      h('input', {
        type: 'checkbox',
        id: 'key-read-only',
        name: 'read_only',
        'aria-describedby': 'key-read-only-hint',
      }),
      h('label', { for: 'key-read-only' }, t('keys.readonly')),
    ),
    h('p', { class: 'hint', id: 'key-read-only-hint' }, t('keys.readonly.hint')),
    errors,
    button,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(errors);
    button.disabled = true;
    const failure = await create(form.read_only.checked);
    button.disabled = false;
    if (failure) {
      errors.append(errorBox(failure));
    } else {
      form.read_only.checked = false;
    }
  });
  return form;
}

// What a key may do: a badge for read-only keys, plain words for full access.
function accessLabel(key) {
  return key.read_only
    ? h('span', { class: 'badge' }, t('keys.readonly.badge'))
    : h('span', { class: 'muted' }, t('keys.full'));
}

function keyItem(key, onRevoke) {
  const id = key.access_key_id;
  const lang = language();
  return h(
    'li',
    { class: 'key', dataset: { keyId: id } },
    h('p', { class: 'key-head' }, h('code', { class: 'key-id' }, id), accessLabel(key)),
    h(
      'p',
      { class: 'key-dates muted' },
      h('span', {}, t('keys.created', { when: formatWhen(key.created_at, lang, '') })),
      h('span', {}, t('keys.used', { when: formatWhen(key.last_used_at, lang, t('keys.never')) })),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'aria-label': t('keys.revoke.label', { id }),
        onclick: () => onRevoke(key),
      },
      t('keys.revoke'),
    ),
  );
}

// The panel that shows a new key's secret, once. Its only copy of the secret is in its DOM:
// dismiss() (the button, or leaving the page) empties it.
function newKeyPanel() {
  const element = h('section', {
    class: 'card stack new-key',
    tabindex: -1,
    'aria-labelledby': 'new-key-title',
    hidden: true,
  });
  let shownId = null;
  // A reload or closing the tab would lose the secret for good: the browser asks first.
  const guard = (e) => e.preventDefault();
  const dismiss = () => {
    clear(element).hidden = true;
    shownId = null;
    window.removeEventListener('beforeunload', guard);
  };
  return {
    element,
    dismiss,
    // After a revoke: a panel showing that key's secret has nothing left to offer.
    forget(id) {
      if (id === shownId) dismiss();
    },
    show(key) {
      dismiss();
      shownId = key.access_key_id;
      const credentials = {
        origin: location.origin,
        accessKeyId: key.access_key_id,
        secretAccessKey: key.secret_access_key,
      };
      element.append(
        h('h2', { id: 'new-key-title' }, t('keys.new.title')),
        h('p', { class: 'warning', id: 'new-key-warning' }, t('keys.new.warning')),
        h('p', {}, accessLabel(key)),
        h(
          'dl',
          { class: 'key-values' },
          valueRow('new-key-id', t('keys.id'), key.access_key_id, t('keys.copy.id')),
          valueRow(
            'new-key-secret',
            t('keys.secret'),
            key.secret_access_key,
            t('keys.copy.secret'),
          ),
        ),
        h('p', { class: 'hint' }, t('keys.snippet.hint')),
        snippet('new-key-boto', t('keys.boto'), botoSnippet(credentials), t('keys.copy.boto')),
        snippet('new-key-cli', t('keys.cli'), awsCliSnippet(credentials), t('keys.copy.cli')),
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            onclick: () => {
              dismiss();
              document.getElementById('keys-title')?.focus();
            },
          },
          t('keys.dismiss'),
        ),
      );
      element.setAttribute('aria-describedby', 'new-key-warning');
      element.hidden = false;
      window.addEventListener('beforeunload', guard);
      element.focus();
    },
  };
}

function valueRow(id, label, value, copyLabel) {
  const code = h('code', { id, class: 'key-value' }, value);
  const status = copyStatus();
  return h(
    'div',
    { class: 'key-value-row' },
    h('dt', {}, label),
    h(
      'dd',
      {},
      code,
      h(
        'button',
        { type: 'button', class: 'secondary', onclick: () => copy(value, code, status) },
        copyLabel,
      ),
      status,
    ),
  );
}

// A titled, ready-to-paste block of code with its copy button.
function snippet(id, title, text, copyLabel) {
  // Focusable, so that a keyboard can scroll a long line into view.
  const code = h('pre', { class: 'snippet', tabindex: 0 }, h('code', {}, text));
  const status = copyStatus();
  return h(
    'div',
    { class: 'stack', role: 'group', 'aria-labelledby': id },
    h('h3', { id }, title),
    code,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'button', class: 'secondary', onclick: () => copy(text, code, status) },
        copyLabel,
      ),
      status,
    ),
  );
}

// Where a copy button says it copied (read out politely, beside the button).
function copyStatus() {
  return h('span', { class: 'muted', 'aria-live': 'polite' });
}

async function copy(text, source, status) {
  status.textContent = '';
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = t('keys.copied');
  } catch {
    // No clipboard (plain http on a network address is not a secure context): the text is
    // selected instead, for Ctrl+C or the phone's own menu.
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    status.textContent = t('keys.copy.manual');
  }
}
