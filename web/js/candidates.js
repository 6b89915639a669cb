// "Is this you?": faces the server is not sure about (maybe matches). Each shows the face crop
// only, never the photo, with "Yes, it's me" / "No". A yes adds the photo to the gallery and the
// face becomes an extra query; a no hides it for good. Answered in place.
import { describeError, get, post } from './api.js';
import { announce, clear, errorBox, h } from './dom.js';
import { t, tCount } from './i18n.js';

// Returns {element, update(count)}. update() is called with my-photos' `candidates` count on each
// gallery refresh; the list is fetched only when there is something to ask. onConfirmed() runs
// after a yes (the gallery refreshes).
export function candidatesPanel(code, { onConfirmed }) {
  const list = h('ul', { class: 'candidates' });
  const lead = h('p', { class: 'muted' });
  const errors = h('div');
  const element = h(
    'section',
    { class: 'card stack', 'aria-labelledby': 'candidates-title', hidden: true },
    h('h2', { id: 'candidates-title', tabindex: '-1' }, t('candidates.title')),
    lead,
    errors,
    list,
  );
  const items = new Map(); // face id -> <li>, kept across refreshes so crops do not reload
  const answering = new Set();
  let shown = 0;

  const show = (candidates) => {
    const wanted = new Set(candidates.map((c) => c.face_id));
    for (const [id, li] of items)
      if (!wanted.has(id) && !answering.has(id)) {
        li.remove();
        items.delete(id);
      }
    candidates.forEach((c, i) => {
      let li = items.get(c.face_id);
      if (!li) {
        li = candidateItem(c);
        items.set(c.face_id, li);
      }
      if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null);
    });
    sync();
  };

  const sync = () => {
    shown = items.size;
    element.hidden = shown === 0;
    lead.textContent = tCount('candidates.lead', shown);
    [...list.children].forEach((li, i) => {
      const n = i + 1;
      li.querySelector('img').alt = t('candidates.face', { n });
      li.querySelector('button.yes').setAttribute('aria-label', t('candidates.yes.label', { n }));
      li.querySelector('button.no').setAttribute('aria-label', t('candidates.no.label', { n }));
    });
  };

  const candidateItem = (c) => {
    const yes = h(
      'button',
      { type: 'button', class: 'primary yes', onclick: () => answer(c, true) },
      t('candidates.yes'),
    );
    const no = h(
      'button',
      { type: 'button', class: 'secondary no', onclick: () => answer(c, false) },
      t('candidates.no'),
    );
    return h(
      'li',
      { class: 'candidate', 'data-face': c.face_id },
      h('img', { src: c.crop_url, alt: '', width: 160, height: 160, decoding: 'async' }),
      h('div', { class: 'actions' }, yes, no),
    );
  };

  async function answer(c, isMe) {
    const li = items.get(c.face_id);
    if (!li || answering.has(c.face_id)) return;
    answering.add(c.face_id);
    li.querySelectorAll('button').forEach((b) => {
      b.disabled = true;
    });
    clear(errors);
    try {
      await post(`/api/faces/${encodeURIComponent(c.face_id)}/answer`, { is_me: isMe });
    } catch (e) {
      answering.delete(c.face_id);
      li.querySelectorAll('button').forEach((b) => {
        b.disabled = false;
      });
      errors.append(errorBox(describeError(e)));
      return;
    }
    answering.delete(c.face_id);
    // Focus moves to the next face's "yes", or to the heading when none is left, so a keyboard
    // user is never left on a removed button.
    const next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    items.delete(c.face_id);
    sync();
    announce(isMe ? t('candidates.yes.done') : t('candidates.no.done'));
    if (next) next.querySelector('button.yes').focus();
    else if (!element.hidden) element.querySelector('h2').focus();
    else document.getElementById('gallery-title')?.focus();
    if (isMe) onConfirmed?.();
  }

  const update = async (count) => {
    if (!count && !shown) return;
    try {
      const { candidates } = await get(`/api/my-candidates?event_code=${encodeURIComponent(code)}`);
      show(candidates);
    } catch (e) {
      clear(errors).append(errorBox(describeError(e)));
    }
  };

  return { element, update };
}
