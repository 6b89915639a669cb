// Moving between pages, for the page modules. It does not import the app or the pages (app.js
// imports them and registers its router here), so there is no import cycle.
import { clearSession, post } from './api.js';

let router = () => {};
let cleanup = null; // the current page's teardown (timers, camera)

// app.js: `route` renders the page for the current location.
export function setRouter(route) {
  router = route;
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  router();
}

// Pages call this to stop polling and release the camera when they are left.
export function onLeave(fn) {
  cleanup = fn;
}

// Runs the teardown the current page registered, once.
export function leavePage() {
  if (cleanup) {
    try {
      cleanup();
    } catch {
      /* the page is gone either way */
    }
    cleanup = null;
  }
}

export async function signOut(to = '/') {
  try {
    await post('/api/logout');
  } catch {
    /* the token is dropped locally anyway */
  }
  clearSession();
  navigate(to);
}

// Page headings and titles update with the content; this keeps <title> in step.
export function setTitle(text) {
  document.title = text ? `${text} · findme` : 'findme';
}
