// The full-screen photo viewer: arrow keys and swipes move, Escape closes, and each photo can be
// downloaded or marked "This isn't me".
import { describeError } from './api.js';
import { announce, clear, errorBox, h } from './dom.js';
import { t } from './i18n.js';

const SWIPE_PX = 40;

// onNotMe(photo) hides the photo server-side and resolves with the remaining list.
export function openViewer(initialPhotos, startIndex, { onNotMe }) {
  let photos = initialPhotos.slice();
  let index = Math.max(0, startIndex);
  const img = h('img', { class: 'viewer-image', alt: '' });
  const counter = h('h2', { class: 'viewer-count', id: 'viewer-title' });
  const download = h('a', { class: 'button secondary', download: '' }, t('viewer.download'));
  const errors = h('div', { class: 'viewer-errors' });
  const prev = h(
    'button',
    {
      type: 'button',
      class: 'nav prev',
      'aria-label': t('viewer.prev'),
      onclick: () => show(index - 1),
    },
    '‹',
  );
  const next = h(
    'button',
    {
      type: 'button',
      class: 'nav next',
      'aria-label': t('viewer.next'),
      onclick: () => show(index + 1),
    },
    '›',
  );
  const notMe = h(
    'button',
    { type: 'button', class: 'secondary', onclick: hideCurrent },
    t('viewer.notme'),
  );
  const close = h(
    'button',
    { type: 'button', class: 'close', 'aria-label': t('app.close'), onclick: () => dialog.close() },
    '×',
  );
  const dialog = h(
    'dialog',
    { class: 'viewer', 'aria-labelledby': 'viewer-title' },
    h('div', { class: 'viewer-bar' }, counter, close),
    h('div', { class: 'viewer-stage' }, prev, img, next),
    errors,
    h('div', { class: 'viewer-actions' }, download, notMe),
  );

  function show(i) {
    if (!photos.length) {
      dialog.close();
      return;
    }
    index = (i + photos.length) % photos.length;
    const photo = photos[index];
    clear(errors);
    img.src = photo.original_url;
    img.alt = t('viewer.title', { n: index + 1, total: photos.length });
    counter.textContent = t('viewer.title', { n: index + 1, total: photos.length });
    download.href = photo.original_url;
    prev.hidden = next.hidden = photos.length < 2;
  }

  async function hideCurrent() {
    notMe.disabled = true;
    try {
      photos = await onNotMe(photos[index]);
      announce(t('viewer.notme.done'));
      show(index);
    } catch (e) {
      errors.append(errorBox(describeError(e)));
    } finally {
      notMe.disabled = false;
    }
  }

  dialog.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowLeft') {
      e.preventDefault();
      show(index - 1);
    }
    if (e.key === 'ArrowRight') {
      e.preventDefault();
      show(index + 1);
    }
  });
  let startX = null;
  img.addEventListener('pointerdown', (e) => {
    startX = e.clientX;
  });
  img.addEventListener('pointerup', (e) => {
    if (startX === null) return;
    const dx = e.clientX - startX;
    startX = null;
    if (Math.abs(dx) >= SWIPE_PX) show(index + (dx < 0 ? 1 : -1));
  });
  img.addEventListener('dragstart', (e) => e.preventDefault());
  const opener = document.activeElement;
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener && document.contains(opener)) opener.focus();
  });
  document.body.append(dialog);
  show(index);
  dialog.showModal();
  close.focus();
  return dialog;
}
