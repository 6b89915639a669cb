// web/js/qr.js checked by decoding its output with an independent, minimal QR reader (byte mode,
// any level, versions 1-10): format bits and their BCH code, both copies, unmasking, block
// de-interleaving, Reed-Solomon syndromes and the payload. (Checked once by hand with zbarimg.)
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { qrMatrix, qrSvg } from '../../web/js/qr.js';

const EXP = new Array(512);
const LOG = new Array(256);
for (let i = 0, x = 1; i < 255; i++) {
  EXP[i] = x;
  LOG[x] = i;
  x <<= 1;
  if (x & 0x100) x ^= 0x11d;
}
for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
const mul = (a, b) => (a && b ? EXP[LOG[a] + LOG[b]] : 0);

// Level -> [ecc codewords per block, blocks] for versions 1..10 (ISO/IEC 18004 table 9).
const BLOCKS = {
  L: [
    [7, 1],
    [10, 1],
    [15, 1],
    [20, 1],
    [26, 1],
    [18, 2],
    [20, 2],
    [24, 2],
    [30, 2],
    [18, 4],
  ],
  M: [
    [10, 1],
    [16, 1],
    [26, 1],
    [18, 2],
    [24, 2],
    [16, 4],
    [18, 4],
    [22, 4],
    [22, 5],
    [26, 5],
  ],
};
const LEVEL_BITS = {
  1: 'L',
  0: 'M',
  3: 'Q',
  2: 'H',
};
const MASKS = [
  (x, y) => (x + y) % 2 === 0,
  (x, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];
// Alignment pattern centres, versions 1..10 (ISO/IEC 18004 annex E).
const ALIGN = [
  [],
  [6, 18],
  [6, 22],
  [6, 26],
  [6, 30],
  [6, 34],
  [6, 22, 38],
  [6, 24, 42],
  [6, 26, 46],
  [6, 28, 50],
];

function isFunction(ver, size, x, y) {
  const inFinder = (cx, cy) => Math.abs(x - cx) <= 4 && Math.abs(y - cy) <= 4;
  if (inFinder(3, 3) || inFinder(size - 4, 3) || inFinder(3, size - 4)) return true; // + separators
  if (x === 6 || y === 6) return true;
  if ((y === 8 && (x <= 8 || x >= size - 8)) || (x === 8 && (y <= 8 || y >= size - 8))) return true;
  const pos = ALIGN[ver - 1];
  for (const cy of pos) {
    for (const cx of pos) {
      const corner =
        (cx === 6 && cy === 6) ||
        (cx === 6 && cy === pos.at(-1)) ||
        (cx === pos.at(-1) && cy === 6);
      if (!corner && Math.abs(x - cx) <= 2 && Math.abs(y - cy) <= 2) return true;
    }
  }
  if (
    ver >= 7 &&
    ((x >= size - 11 && x < size - 8 && y < 6) || (y >= size - 11 && y < size - 8 && x < 6))
  )
    return true;
  return false;
}

function decode(m) {
  const size = m.length;
  const ver = (size - 17) / 4;
  const bit = (x, y) => (m[y][x] ? 1 : 0);
  // Format bits, copy 1 (around the top-left finder) and copy 2 (split under/right).
  const c1 = [];
  for (let i = 0; i <= 5; i++) c1.push(bit(8, i));
  c1.push(bit(8, 7), bit(8, 8), bit(7, 8));
  for (let i = 9; i < 15; i++) c1.push(bit(14 - i, 8));
  const c2 = [];
  for (let i = 0; i < 8; i++) c2.push(bit(size - 1 - i, 8));
  for (let i = 8; i < 15; i++) c2.push(bit(8, size - 15 + i));
  assert.deepEqual(c1, c2, 'both format copies agree');
  assert.equal(bit(8, size - 8), 1, 'the dark module');
  const raw = c1.reduce((acc, b, i) => acc | (b << i), 0) ^ 0x5412;
  let rem = raw >>> 10;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  assert.equal(((raw >>> 10) << 10) | (rem & 0x3ff), raw, 'format BCH code');
  const level = LEVEL_BITS[raw >>> 13];
  const mask = MASKS[(raw >>> 10) & 7];

  const bits = [];
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let vert = 0; vert < size; vert++) {
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        const y = ((right + 1) & 2) === 0 ? size - 1 - vert : vert;
        if (!isFunction(ver, size, x, y)) bits.push(bit(x, y) ^ (mask(x, y) ? 1 : 0));
      }
    }
  }
  const total = Math.floor(bits.length / 8);
  const codewords = [];
  for (let i = 0; i < total; i++)
    codewords.push(parseInt(bits.slice(i * 8, i * 8 + 8).join(''), 2));
  const [eccLen, numBlocks] = BLOCKS[level][ver - 1];
  const shortLen = Math.floor(total / numBlocks);
  const numShort = numBlocks - (total % numBlocks);
  const blocks = Array.from({ length: numBlocks }, (_, b) => ({
    data: [],
    ecc: [],
    dataLen: shortLen - eccLen + (b < numShort ? 0 : 1),
  }));
  let k = 0;
  for (let i = 0; i < shortLen - eccLen + 1; i++) {
    for (const b of blocks) if (i < b.dataLen) b.data.push(codewords[k++]);
  }
  for (let i = 0; i < eccLen; i++) for (const b of blocks) b.ecc.push(codewords[k++]);
  const data = [];
  for (const b of blocks) {
    const word = b.data.concat(b.ecc);
    for (let i = 0; i < eccLen; i++) {
      // every syndrome S_i = C(alpha^i) is zero
      let s = 0;
      for (const c of word) s = mul(s, EXP[i]) ^ c;
      assert.equal(s, 0, `Reed-Solomon syndrome ${i}`);
    }
    data.push(...b.data);
  }
  const stream = data.flatMap((byte) => [7, 6, 5, 4, 3, 2, 1, 0].map((i) => (byte >>> i) & 1));
  const read = (at, n) => parseInt(stream.slice(at, at + n).join(''), 2);
  assert.equal(read(0, 4), 0b0100, 'byte mode');
  const lenBits = ver <= 9 ? 8 : 16;
  const length = read(4, lenBits);
  const bytes = [];
  for (let i = 0; i < length; i++) bytes.push(read(4 + lenBits + i * 8, 8));
  return { ver, level, text: new TextDecoder().decode(new Uint8Array(bytes)) };
}

test('event links of every length decode back to themselves', () => {
  const texts = [
    'http://127.0.0.1:8080/e/K7QX9P',
    'https://photos.example-festival.org/e/ABCDEF',
    'a',
    `https://x.example/${'y'.repeat(120)}`,
    'Été à Paris',
  ];
  const versions = new Set();
  for (const text of texts) {
    const { ver, level, text: decoded } = decode(qrMatrix(text));
    assert.equal(decoded, text);
    assert.equal(level, 'M');
    versions.add(ver);
  }
  assert.ok(versions.size >= 3, `several versions exercised (${[...versions]})`);
});

test('the largest payload fits version 10 and one more byte is refused', () => {
  const max = 'z'.repeat(213);
  assert.equal(decode(qrMatrix(max)).ver, 10);
  assert.throws(() => qrMatrix(`${max}z`), /too long/);
});

test('the SVG is one path with a quiet zone', () => {
  const svg = qrSvg('http://127.0.0.1:8080/e/K7QX9P');
  assert.match(svg, /^<svg [^>]*viewBox="0 0 37 37"/); // version 3: 29 modules + 2 x 4 quiet zone
  assert.equal(svg.match(/<path /g).length, 1);
});
