// Reference 68-point landmarks from face-api.js's faceLandmark68Net itself (tfjs' pure-JS cpu
// backend) for findme's landmark net port agreement test (src/face/model/landmark_net_test.cpp).
// Cuts face crops out of the demo samples (decoded by libvips' CLI, as ssd_boxes.js does, and
// saved as PNG so that both sides read identical pixels), runs detectLandmarks on each whole crop
// (face-api pads it to a centred square and resizes it to 112 px) and writes
// tests/data/landmarks/reference.json with the points in crop pixels. Usage: see README.md.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { PNG } = require('pngjs');
const tf = require('@tensorflow/tfjs');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const root = path.resolve(__dirname, '..', '..');
const packageDir = path.join(root, 'models', 'face-api-1.7.15');
const outDir = path.join(root, 'tests', 'data', 'landmarks');

// Crops [x, y, width, height]: SSD boxes of tests/data/ssd/reference.json (floored; taller than
// wide, so face-api pads left and right), one widened box (padded top and bottom), one with an
// odd difference of sides, one tight square and one loose square.
const crops = [
  { name: 'sample1_face0', sample: 1, box: [414, 354, 177, 239] },
  { name: 'sample2_face1', sample: 2, box: [901, 219, 151, 233] },
  { name: 'sample3_face2', sample: 3, box: [1075, 214, 219, 299] },
  { name: 'sample4_face0', sample: 4, box: [664, 52, 186, 257] },
  { name: 'sample5_face1_wide', sample: 5, box: [1062, 228, 258, 176] },
  { name: 'sample6_face3_odd', sample: 6, box: [249, 467, 210, 291] },
  { name: 'sample6_face1_square', sample: 6, box: [1190, 340, 170, 170] },
  { name: 'sample4_face2_loose', sample: 4, box: [940, 150, 270, 270] },
];

function decode(jpeg) {
  const width = Number(execFileSync('vipsheader', ['-f', 'width', jpeg]).toString());
  const height = Number(execFileSync('vipsheader', ['-f', 'height', jpeg]).toString());
  const raw = path.join(os.tmpdir(), `findme_landmarks_${process.pid}.raw`);
  execFileSync('vips', ['rawsave', jpeg, raw]);
  const rgb = fs.readFileSync(raw);
  fs.unlinkSync(raw);
  if (rgb.length !== width * height * 3) throw new Error(`${jpeg}: not RGB8`);
  return { width, height, rgb };
}

function cut(image, [x, y, w, h]) {
  const rgb = Buffer.alloc(w * h * 3);
  for (let r = 0; r < h; r += 1) {
    image.rgb.copy(rgb, r * w * 3, ((y + r) * image.width + x) * 3, ((y + r) * image.width + x + w) * 3);
  }
  return rgb;
}

function writePng(file, rgb, w, h) {
  const png = new PNG({ width: w, height: h, colorType: 2 });
  for (let i = 0; i < w * h; i += 1) {
    for (let c = 0; c < 3; c += 1) png.data[4 * i + c] = rgb[3 * i + c];
    png.data[4 * i + 3] = 255;
  }
  fs.writeFileSync(file, PNG.sync.write(png, { colorType: 2 }));
}

async function main() {
  await tf.setBackend('cpu');
  await tf.ready();
  await faceapi.nets.faceLandmark68Net.loadFromDisk(path.join(packageDir, 'model'));
  fs.mkdirSync(outDir, { recursive: true });
  const decoded = {};
  const out = [];
  for (const crop of crops) {
    decoded[crop.sample] ??= decode(path.join(packageDir, 'demo', `sample${crop.sample}.jpg`));
    const [, , w, h] = crop.box;
    const rgb = cut(decoded[crop.sample], crop.box);
    writePng(path.join(outDir, `${crop.name}.png`), rgb, w, h);
    // Read back what was written, so that the reference is of the PNG's own pixels.
    const png = PNG.sync.read(fs.readFileSync(path.join(outDir, `${crop.name}.png`)));
    const back = Buffer.alloc(w * h * 3);
    for (let i = 0; i < w * h; i += 1) for (let c = 0; c < 3; c += 1) back[3 * i + c] = png.data[4 * i + c];
    if (Buffer.compare(back, rgb) !== 0) throw new Error(`${crop.name}: PNG round trip differs`);
    const input = tf.tensor3d(new Int32Array(back), [h, w, 3], 'int32');
    const landmarks = await faceapi.nets.faceLandmark68Net.detectLandmarks(input);
    input.dispose();
    out.push({
      name: crop.name,
      source: `demo/sample${crop.sample}.jpg`,
      box: crop.box,
      rgb_sha256: crypto.createHash('sha256').update(back).digest('hex'),
      points: landmarks.positions.map((p) => [p.x, p.y]),
    });
    console.log(crop.name, w, h, landmarks.positions[30]);
  }
  const json = {
    generator: 'tools/reference/landmarks.js',
    face_api: faceapi.version,
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
    note: 'points in crop pixels; each crop is given whole to faceLandmark68Net.detectLandmarks',
    crops: out,
  };
  fs.writeFileSync(path.join(outDir, 'reference.json'), `${JSON.stringify(json, null, 1)}\n`);
}

main().catch((e) => { console.error(e); process.exit(1); });
