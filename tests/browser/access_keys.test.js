// The organizer's API access page (issue 11) in headless Chromium against the real binary:
// sign up, open "API access" from the events list, create a key and see its secret once (focus
// on the panel, copy buttons, boto3 and AWS CLI snippets with this server's /aws), the key in the
// list, a read-only key with its badge, no secret after a reload or in storage, the limit on
// keys told in words, revoking with a confirmation, and the page in French.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer } from './server.js';

const PASSWORD = 'correct horse battery staple';
const KEY_ID = /^AKFM[A-Z2-7]{16}$/;
const SECRET = /^[A-Za-z0-9+/]{40}$/;
const MAX_KEYS = 10;

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Everything the page keeps outside its DOM: storage and cookies.
async function stored(page) {
  return page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie]));
}

async function listedKeys(page) {
  return page.locator('.key-list li.key').evaluateAll((items) => items.map((li) => li.dataset.keyId));
}

test('organizer: create a key, see its secret once, find it listed, revoke it', { timeout: 120000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(`${server.url}/organizer`);
  await page.getByLabel('Your name').fill('Kim Keys');
  await page.getByLabel('Email').fill('kim@example.org');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Your events' }).waitFor();

  // Reachable from the organizer's events list.
  await page.getByRole('link', { name: 'API access' }).click();
  await page.getByRole('heading', { name: 'API access', level: 1 }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/organizer/api');
  await page.getByText('No access keys yet.').waitFor();
  await page.getByText(`this server’s address, ${server.url}/aws`).waitFor();

  // A full-access key: the secret once, with the focus on its panel.
  await page.getByRole('button', { name: 'Create key' }).click();
  const panel = page.getByRole('region', { name: 'Your new access key' });
  await panel.waitFor();
  assert.ok(await panel.evaluate((el) => el === document.activeElement), 'the focus is on the new key');
  await panel.getByText('findme will not show it again').waitFor();
  const firstId = (await page.locator('#new-key-id').textContent()).trim();
  const firstSecret = (await page.locator('#new-key-secret').textContent()).trim();
  assert.match(firstId, KEY_ID);
  assert.match(firstSecret, SECRET);
  assert.doesNotMatch(await panel.innerText(), /\bnull\b|\bundefined\b/);

  const boto = await panel.getByRole('group', { name: 'Python (boto3)' }).locator('pre').textContent();
  assert.ok(boto.includes(`endpoint_url="${server.url}/aws"`), boto);
  assert.ok(boto.includes(`aws_access_key_id="${firstId}"`), boto);
  assert.ok(boto.includes(`aws_secret_access_key="${firstSecret}"`), boto);
  const cli = await panel.getByRole('group', { name: 'AWS CLI (shell)' }).locator('pre').textContent();
  assert.ok(cli.includes(`export AWS_SECRET_ACCESS_KEY='${firstSecret}'`), cli);
  assert.ok(cli.includes(`aws rekognition list-collections --endpoint-url '${server.url}/aws'`), cli);

  await panel.getByRole('button', { name: 'Copy secret' }).click();
  await panel.getByText('Copied.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), firstSecret);
  await panel.getByRole('button', { name: 'Copy ID' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), firstId);

  // The key is listed, never used, with full access.
  const first = page.locator(`.key-list li[data-key-id="${firstId}"]`);
  await first.waitFor();
  await first.getByText('Last used: never').waitFor();
  await first.getByText('Full access').waitFor();

  // A read-only key: its badge; the first secret is gone from the page.
  await page.getByLabel('Read-only (search only)').check();
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.locator('#new-key-id').filter({ hasNotText: firstId }).waitFor();
  const secondId = (await page.locator('#new-key-id').textContent()).trim();
  const secondSecret = (await page.locator('#new-key-secret').textContent()).trim();
  assert.match(secondId, KEY_ID);
  assert.ok(!(await page.content()).includes(firstSecret), 'a secret is shown once');
  const second = page.locator(`.key-list li[data-key-id="${secondId}"]`);
  await second.getByText('Read-only', { exact: true }).waitFor();
  assert.equal(await page.getByLabel('Read-only (search only)').isChecked(), false);
  assert.deepEqual(await listedKeys(page), [firstId, secondId], 'oldest first');

  // Dismissed, the secret leaves the page; it was never stored.
  await panel.getByRole('button', { name: 'I have saved the secret' }).click();
  await panel.waitFor({ state: 'hidden' });
  assert.ok(!(await page.content()).includes(secondSecret));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'keys-title');
  const kept = await stored(page);
  assert.ok(!kept.includes(firstSecret) && !kept.includes(secondSecret), 'no secret in storage');

  // A reload lists both keys and shows no secret.
  await page.reload();
  await page.getByRole('heading', { name: 'API access', level: 1 }).waitFor();
  await page.locator(`.key-list li[data-key-id="${secondId}"]`).waitFor();
  assert.deepEqual(await listedKeys(page), [firstId, secondId]);
  assert.equal(await page.locator('.new-key').isVisible(), false);
  const html = await page.content();
  assert.ok(!html.includes(firstSecret) && !html.includes(secondSecret), 'no secret after a reload');

  // The limit on keys is told in words, in the form.
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('findme.session')).token);
  for (let i = 2; i < MAX_KEYS; ++i) {
    const r = await fetch(`${server.url}/api/access-keys`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    assert.equal(r.status, 201);
  }
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.getByRole('alert').filter({ hasText: `You already have ${MAX_KEYS} keys` }).waitFor();
  assert.equal(await page.locator('.new-key').isVisible(), false);
  await page.reload();
  await page.locator('.key-list li.key').nth(MAX_KEYS - 1).waitFor();

  // Revoking asks first; cancelling keeps the key, confirming removes it.
  await first.getByRole('button', { name: `Revoke key ${firstId}` }).click();
  const dialog = page.getByRole('dialog', { name: `Revoke key ${firstId}?` });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await first.count(), 1);
  await first.getByRole('button', { name: `Revoke key ${firstId}` }).click();
  await dialog.getByRole('button', { name: 'Revoke the key' }).click();
  await first.waitFor({ state: 'detached' });
  assert.equal((await listedKeys(page)).length, MAX_KEYS - 1);
  await page.reload();
  await page.locator(`.key-list li[data-key-id="${secondId}"]`).waitFor();
  assert.ok(!(await listedKeys(page)).includes(firstId), 'still revoked after a reload');

  // The page in French.
  await page.getByLabel('Language', { exact: true }).selectOption('fr');
  await page.getByRole('heading', { name: 'Accès API', level: 1 }).waitFor();
  await page.locator(`.key-list li[data-key-id="${secondId}"]`).getByText('Lecture seule', { exact: true }).waitFor();
  await page.getByText('Dernière utilisation : jamais').first().waitFor();
  await page.getByRole('button', { name: `Révoquer la clé ${secondId}` }).waitFor();

  assert.deepEqual(errors, [], 'no JavaScript errors');
  await context.close();
});
