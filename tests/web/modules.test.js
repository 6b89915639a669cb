// The web app's modules: each except the entry (main.js) can be imported without a browser
// (nothing touches document, window or localStorage at import), and imports form no cycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

const dir = new URL('../../web/js/', import.meta.url);
const modules = readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'main.js');

test('the web app has its modules', () => {
  assert.ok(modules.length >= 10, modules.join(', '));
});

for (const name of modules) {
  test(`${name} imports under node`, async () => {
    await import(new URL(name, dir));
  });
}

test('imports form no cycle', () => {
  const all = readdirSync(dir).filter((f) => f.endsWith('.js'));
  const imports = Object.fromEntries(
    all.map((f) => {
      const text = readFileSync(new URL(f, dir), 'utf8');
      return [f, [...text.matchAll(/from '\.\/([\w.]+\.js)'/g)].map((m) => m[1])];
    }),
  );
  const state = {}; // undefined: not seen, 1: on the current path, 2: done
  const visit = (f, path) => {
    if (state[f] === 2) return;
    assert.notEqual(state[f], 1, `import cycle: ${[...path, f].join(' -> ')}`);
    state[f] = 1;
    for (const next of imports[f] ?? []) visit(next, [...path, f]);
    state[f] = 2;
  };
  for (const f of all) visit(f, []);
  assert.ok(imports['app.js'].includes('organizer.js'), 'the parser sees imports');
});
