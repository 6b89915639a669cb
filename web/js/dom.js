// Tiny DOM helpers: h() builds elements, announce() speaks to screen readers.

// h('button', {class: 'primary', onclick: fn}, 'Text', child...). Attributes starting with "on"
// become listeners; boolean true sets an empty attribute; null/false/undefined are skipped.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let announceTimer = 0;
export function announce(text) {
  const region = document.getElementById('status');
  region.textContent = '';
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => {
    region.textContent = text;
  }, 50);
}

// An inline error box with an optional retry button; role=alert so it is read at once.
export function errorBox(message, onRetry, retryLabel) {
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('p', {}, message),
    onRetry
      ? h('button', { type: 'button', class: 'secondary', onclick: onRetry }, retryLabel)
      : null,
  );
}

// A modal confirmation using <dialog> (focus trapped, Escape cancels). Resolves true/false.
export function confirmDialog({ title, text, confirm, cancel, danger = true }) {
  return new Promise((resolve) => {
    const titleId = `dlg-${Math.random().toString(36).slice(2)}`;
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title),
      h('p', {}, text),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            value: 'cancel',
            onclick: () => dialog.close('cancel'),
          },
          cancel,
        ),
        h(
          'button',
          {
            type: 'button',
            class: danger ? 'danger' : 'primary',
            onclick: () => dialog.close('ok'),
          },
          confirm,
        ),
      ),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'ok');
    });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector('button.secondary').focus();
  });
}

export function field({ id, label, type = 'text', hint, ...attrs }) {
  const hintId = hint ? `${id}-hint` : null;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('input', { id, name: id, type, 'aria-describedby': hintId, ...attrs }),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
  );
}
