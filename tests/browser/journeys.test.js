// The web app's two journeys in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core) against a real findme server on loopback:
//   organizer: sign up, create an event, upload the six sample photos, watch them get indexed,
//              read the code;
//   attendee:  open /e/CODE, register with consent, upload a selfie file, see the matched
//              photo(s) and a photo uploaded meanwhile join the open gallery, open the viewer
//              (keys, swipe), download the original and the ZIP, "not me", delete
//              the data — once on a desktop viewport and once on a 360 px phone.
// FINDME_SCREENSHOTS_DIR=docs/screenshots saves the key screens there (README's pictures).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, MODEL_DIR } from './server.js';

const SAMPLES = [1, 2, 3, 4, 5, 6].map((n) => path.join(MODEL_DIR, 'demo', `sample${n}.jpg`));
// The woman on the right of sample6 (tests/integration/journey_test.cpp): she appears in that
// photo only. Her face with half a face of margin, cut in the browser itself (canvas), so the
// selfie needs no extra tool or committed binary.
const SELFIE_SOURCE = SAMPLES[5];
const SELFIE_REGION = { x: 1324, y: 203, width: 452, height: 452 };
// The right part of sample6, where only she appears: uploaded while her gallery is open, it must
// join it without a reload (new photos are matched against registered attendees).
const LATER_REGION = { x: 1390, y: 0, width: 530, height: 1537 };
const INDEX_TIMEOUT_MS = 240000;  // six photos on 2 busy cores; generous for CI
const SCREENSHOTS = process.env.FINDME_SCREENSHOTS_DIR;
const PASSWORD = 'correct horse battery staple';

let server;
let browser;
let eventCode;
let selfieJpeg;
let laterJpeg;
let organizerToken;
let laterUploaded = false;

before(async () => {
  server = await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // Playwright gives every launch a fresh temporary profile (its own --user-data-dir).
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  });
  selfieJpeg = await cropInBrowser(SELFIE_SOURCE, SELFIE_REGION);
  laterJpeg = await cropInBrowser(SELFIE_SOURCE, LATER_REGION);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function cropInBrowser(file, r) {
  const page = await browser.newPage();
  const data = fs.readFileSync(file).toString('base64');
  const b64 = await page.evaluate(async ({ data: d, r: region }) => {
    const img = new Image();
    img.src = `data:image/jpeg;base64,${d}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = region.width;
    canvas.height = region.height;
    canvas.getContext('2d').drawImage(img, region.x, region.y, region.width, region.height, 0, 0, region.width, region.height);
    return canvas.toDataURL('image/jpeg', 0.9).split(',')[1];
  }, { data, r });
  await page.close();
  return Buffer.from(b64, 'base64');
}

// The screens README.md shows (docs/screenshots/NAME.png).
const README_SCREENS = new Set(['organizer-dashboard', 'attendee-phone-register', 'attendee-phone-no-face',
  'attendee-phone-gallery', 'attendee-phone-viewer', 'attendee-phone-delete', 'attendee-desktop-gallery',
  'attendee-phone-fr-unknown-code']);

async function shot(page, name, options = {}) {
  if (!SCREENSHOTS || !README_SCREENS.has(name)) return;
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  // The top bar is sticky: from the top, a full-page shot shows it once, where it belongs.
  if (options.fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), ...options });
}

async function newPage(viewport, options = {}) {
  const context = await browser.newContext({ viewport, locale: 'en-US', acceptDownloads: true, ...options });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  return page;
}

// Every journey ends here: no script error may have happened on the way.
async function done(page) {
  assert.deepEqual(page.errors, [], 'no JavaScript errors');
  await page.context().close();
}

test('organizer: sign up, create an event, upload six photos, watch them get indexed', { timeout: INDEX_TIMEOUT_MS + 60000 }, async () => {
  const page = await newPage({ width: 1280, height: 900 });
  await page.goto(`${server.url}/organizer`);
  await page.getByLabel('Your name').fill('Olga Organizer');
  await page.getByLabel('Email').fill('olga@example.org');
  await page.getByLabel('Password').fill(PASSWORD);
  await shot(page, 'organizer-signup');
  await page.getByRole('button', { name: 'Create account' }).click();

  await page.getByRole('heading', { name: 'Your events' }).waitFor();
  await page.getByLabel('Event name').fill('Harbour Run 2026');
  await page.getByRole('button', { name: 'Create event' }).click();
  await page.getByRole('heading', { name: 'Harbour Run 2026' }).waitFor();
  eventCode = (await page.getByTestId('event-code').textContent()).trim();
  assert.match(eventCode, /^[A-Z2-9]{6}$/);
  assert.equal(await page.locator('.qr svg path').count(), 1, 'a QR code is drawn');
  assert.equal(await page.locator('.share-link').textContent(), `${server.url}/e/${eventCode}`);

  await page.locator('#photo-files').setInputFiles(SAMPLES);
  await page.locator('#upload-summary', { hasText: '6 of 6 uploaded' }).waitFor({ timeout: 60000 });
  assert.equal(await page.locator('.upload[data-state=done]').count(), 6);
  // The live dashboard polls the stats endpoint: wait for every photo to be indexed.
  await page.locator('[data-stat=indexed]').filter({ hasText: /^6$/ }).waitFor({ timeout: INDEX_TIMEOUT_MS });
  assert.equal(await page.locator('[data-stat=queued]').textContent(), '0');
  assert.ok(Number(await page.locator('[data-stat=faces]').textContent()) > 0);
  await page.locator('.photo-grid li.indexed').nth(5).waitFor({ timeout: 30000 });
  await page.locator('.photo-grid img').first().evaluate((img) => img.decode());
  await shot(page, 'organizer-dashboard');
  organizerToken = await page.evaluate(() => JSON.parse(localStorage.getItem('findme.session')).token);

  // The events list shows the new event too.
  await page.getByRole('link', { name: /Your events/ }).click();
  await page.getByRole('link', { name: /Harbour Run 2026/ }).waitFor();
  await done(page);
});

async function attendeeJourney({ viewport, email, screenshots, mobile }) {
  assert.ok(eventCode, 'the organizer journey ran first');
  const page = await newPage(viewport, mobile
    ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2, permissions: ['camera'] } : {});
  await page.goto(`${server.url}/e/${eventCode}`);
  await page.getByRole('heading', { name: 'Harbour Run 2026' }).waitFor();
  await page.getByLabel('Your name').fill('Ada Attendee');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  // Consent is required: without the box ticked the form says why and does not submit.
  await page.getByRole('button', { name: 'Create my account' }).click();
  await page.getByText('Please tick the box').waitFor();
  await page.getByLabel('I agree that findme processes my face').check();
  if (screenshots) await shot(page, `${screenshots}-register`, { fullPage: true });
  await page.getByRole('button', { name: 'Create my account' }).click();

  await page.getByRole('heading', { name: 'Take a selfie' }).waitFor();
  if (mobile) {
    // The camera path, on Chromium's fake camera (a test pattern, no face): the selfie is taken
    // and sent, and the "no face" failure is told in words with a way to try again.
    await page.getByRole('button', { name: 'Use my camera' }).click();
    await page.waitForFunction(() => document.querySelector('video.camera')?.videoWidth > 0);
    await page.getByRole('button', { name: 'Take the photo' }).click();
    await page.getByRole('button', { name: 'Use this photo' }).click();
    await page.getByRole('alert').filter({ hasText: 'No face was found in this photo.' }).waitFor({ timeout: 60000 });
    if (screenshots) await shot(page, `${screenshots}-no-face`);
  }
  await page.locator('#selfie-file').setInputFiles({ name: 'selfie.jpg', mimeType: 'image/jpeg', buffer: selfieJpeg });
  await page.getByRole('img', { name: 'Your selfie' }).waitFor();
  if (screenshots) await shot(page, `${screenshots}-selfie`);
  await page.getByRole('button', { name: 'Use this photo' }).click();

  // Matching runs in the background; the gallery appears when it is done.
  await page.getByRole('heading', { name: 'Your photos' }).waitFor({ timeout: 120000 });
  const thumbs = page.locator('.gallery img');
  await thumbs.first().waitFor();
  let matched = await thumbs.count();
  assert.ok(matched >= 1, 'at least one photo matched');
  if (!laterUploaded) {
    // The organizer adds a photo of her: it appears in the open gallery by itself.
    laterUploaded = true;
    const form = new FormData();
    form.append('photos', new Blob([laterJpeg], { type: 'image/jpeg' }), 'later.jpg');
    const r = await fetch(`${server.url}/api/events/${eventCode}/photos`,
      { method: 'POST', headers: { Authorization: `Bearer ${organizerToken}` }, body: form });
    assert.equal(r.status, 202);
    matched += 1;
    await page.waitForFunction((n) => document.querySelectorAll('.gallery img').length === n, matched, { timeout: 90000 });
  }
  await Promise.all((await thumbs.all()).map((t) => t.evaluate((img) => img.decode())));
  if (screenshots) await shot(page, `${screenshots}-gallery`);

  // Download everything as a ZIP.
  const zipDownload = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download all (ZIP)' }).click();
  const zipPath = await (await zipDownload).path();
  assert.equal(fs.readFileSync(zipPath).subarray(0, 4).toString('latin1'), 'PK\x03\x04');

  // The viewer: open, move with the keyboard, download the original.
  await page.locator('.gallery button.thumb').first().click();
  const viewer = page.getByRole('dialog');
  await viewer.getByRole('heading', { name: `Photo 1 of ${matched}` }).waitFor();
  await viewer.locator('img').evaluate((img) => img.decode());
  if (screenshots) await shot(page, `${screenshots}-viewer`);
  assert.ok(matched > 1);
  await page.keyboard.press('ArrowRight');
  await viewer.getByRole('heading', { name: `Photo 2 of ${matched}` }).waitFor();
  await page.keyboard.press('ArrowLeft');
  await viewer.getByRole('heading', { name: `Photo 1 of ${matched}` }).waitFor();
  if (mobile) {
    // A swipe to the left shows the next photo.
    const box = await viewer.locator('img').boundingBox();
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.8, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.2, y, { steps: 5 });
    await page.mouse.up();
    await viewer.getByRole('heading', { name: `Photo 2 of ${matched}` }).waitFor();
    await page.keyboard.press('ArrowLeft');
  }
  const download = page.waitForEvent('download');
  await viewer.getByRole('link', { name: 'Download original' }).click();
  const original = fs.readFileSync(await (await download).path());
  const sample6 = fs.readFileSync(SELFIE_SOURCE);
  assert.ok(original.length > 10000, 'the original is a real photo');
  assert.ok(original.equals(sample6) || original.equals(laterJpeg), 'an uploaded photo of her, byte for byte');

  // "This isn't me" hides the photo for good.
  await viewer.getByRole('button', { name: 'This isn’t me' }).click();
  if (matched === 1) {
    await viewer.waitFor({ state: 'detached' });
  } else {
    await viewer.getByRole('heading', { name: `Photo 1 of ${matched - 1}` }).waitFor();
    await page.keyboard.press('Escape');
  }
  await page.waitForFunction((n) => document.querySelectorAll('.gallery img').length === n, matched - 1);
  await page.reload();
  await page.getByRole('heading', { name: 'Your photos' }).waitFor();
  await page.locator('.gallery-head p').filter({ hasText: /photo/ }).waitFor();
  assert.equal(await page.locator('.gallery img').count(), matched - 1, 'still hidden after a reload');

  // A second selfie joins the first (used together); the hidden photo stays hidden.
  await page.getByRole('button', { name: 'Add a selfie' }).click();
  await page.getByRole('heading', { name: 'Add another selfie' }).waitFor();
  await page.locator('#selfie-file').setInputFiles({ name: 'selfie2.jpg', mimeType: 'image/jpeg', buffer: selfieJpeg });
  await page.getByRole('button', { name: 'Use this photo' }).click();
  await page.getByRole('heading', { name: 'Your photos' }).waitFor({ timeout: 120000 });
  await page.locator('.gallery-head p').filter({ hasText: /photo/ }).waitFor();
  assert.equal(await page.locator('.gallery img').count(), matched - 1, 'the same photos with two selfies');

  // Delete my data, with a confirmation.
  await page.getByRole('button', { name: 'Delete my data' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete all your data?' });
  await confirm.waitFor();
  if (screenshots) await shot(page, `${screenshots}-delete`);
  await confirm.getByRole('button', { name: 'Yes, delete everything' }).click();
  await page.getByText('Your data has been deleted').waitFor();
  await done(page);
}

test('attendee on a desktop: register, selfie, gallery, viewer, downloads, not me, delete', { timeout: 180000 }, async () => {
  await attendeeJourney({ viewport: { width: 1280, height: 900 }, email: 'ada@example.org', screenshots: 'attendee-desktop' });
});

test('attendee on a 360 px phone: the same journey', { timeout: 180000 }, async () => {
  await attendeeJourney({ viewport: { width: 360, height: 740 }, email: 'bea@example.org', screenshots: 'attendee-phone', mobile: true });
});

test('a large selfie from the library is shrunk to 1280 px in the browser before it is sent', { timeout: 120000 }, async () => {
  const page = await newPage({ width: 1280, height: 900 });
  await page.goto(`${server.url}/e/${eventCode}`);
  await page.getByRole('heading', { name: 'Harbour Run 2026' }).waitFor();
  await page.getByLabel('Your name').fill('Cy Library');
  await page.getByLabel('Email').fill('cy@example.org');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('I agree that findme processes my face').check();
  await page.getByRole('button', { name: 'Create my account' }).click();
  await page.getByRole('heading', { name: 'Take a selfie' }).waitFor();
  await page.locator('#selfie-file').setInputFiles(SELFIE_SOURCE);  // sample6: 1920 x 1537
  await page.getByRole('img', { name: 'Your selfie' }).waitFor();
  // What the page sends: the selfie part of the form, as the server will read it.
  await page.evaluate(() => {
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (body) {
      if (body instanceof FormData && body.get('selfie')) window.sentSelfie = body.get('selfie');
      return send.call(this, body);
    };
  });
  const response = page.waitForResponse((r) => r.url().endsWith('/api/upload-selfie'));
  await page.getByRole('button', { name: 'Use this photo' }).click();
  assert.equal((await response).status(), 202);
  const sent = await page.evaluate(async () => {
    const bitmap = await createImageBitmap(window.sentSelfie);
    return { width: bitmap.width, height: bitmap.height, type: window.sentSelfie.type };
  });
  assert.deepEqual(sent, { width: 1280, height: 1025, type: 'image/jpeg' });
  await done(page);
});

test('French from the browser language, switchable and remembered; readable API errors', { timeout: 60000 }, async () => {
  const page = await newPage({ width: 360, height: 740 }, { locale: 'fr-FR', isMobile: true, hasTouch: true });
  await page.goto(`${server.url}/`);
  await page.getByRole('heading', { name: 'Retrouvez toutes vos photos' }).waitFor();
  await page.getByLabel('Code de l’événement').fill('ZZZZZZ');
  await page.getByRole('button', { name: 'Trouver mes photos' }).click();
  await page.getByText('Aucun événement n’a le code ZZZZZZ').waitFor();
  if (SCREENSHOTS) await shot(page, 'attendee-phone-fr-unknown-code');
  await page.getByLabel('Langue').selectOption('en');
  await page.getByText('There is no event with the code ZZZZZZ').waitFor();
  await page.reload();
  await page.getByText('There is no event with the code ZZZZZZ').waitFor();

  // An API error in words, never JSON: a wrong password on sign-in.
  await page.goto(`${server.url}/organizer`);
  await page.getByRole('button', { name: 'I already have an account' }).click();
  await page.getByLabel('Email').fill('olga@example.org');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'The email or password is wrong.' }).waitFor();
  assert.equal(await page.getByText('{').count(), 0);
  await done(page);
});
