// Reference descriptors from face-api.js itself (tfjs' pure-JS cpu backend) for findme's port
// agreement test. Reads every tests/data/port/*.png chip (150x150, so face-api does not resize),
// checks that the matching .rgb file holds the same pixels, and writes
// tests/data/port/reference_descriptors.json. Usage: see README.md.
'use strict';

const fs = require('fs');
const path = require('path');
const { PNG } = require('pngjs');
const tf = require('@tensorflow/tfjs');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const root = path.resolve(__dirname, '..', '..');
const modelDir = path.join(root, 'models', 'face-api-1.7.15', 'model');
const chipDir = path.join(root, 'tests', 'data', 'port');

function readChip(file) {
  const png = PNG.sync.read(fs.readFileSync(file));
  if (png.width !== 150 || png.height !== 150) throw new Error(`${file}: not 150x150`);
  const rgb = new Uint8Array(150 * 150 * 3);
  for (let i = 0; i < 150 * 150; i += 1) {
    for (let c = 0; c < 3; c += 1) rgb[3 * i + c] = png.data[4 * i + c];
  }
  const raw = fs.readFileSync(file.replace(/\.png$/, '.rgb'));
  if (Buffer.compare(Buffer.from(rgb), raw) !== 0) throw new Error(`${file}: .rgb differs from .png`);
  return rgb;
}

async function main() {
  await tf.setBackend('cpu');
  await tf.ready();
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
  const chips = [];
  for (const name of fs.readdirSync(chipDir).filter((f) => f.endsWith('.png')).sort()) {
    const input = tf.tensor3d(readChip(path.join(chipDir, name)), [150, 150, 3], 'int32');
    const descriptor = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(input);
    input.dispose();
    chips.push({ name: name.replace(/\.png$/, ''), descriptor: Array.from(descriptor) });
    console.log(name, descriptor.slice(0, 3));
  }
  const out = {
    generator: 'tools/reference/descriptors.js',
    face_api: faceapi.version,
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
    note: 'face-api 1.7.15 divides pixels by 255 where dlib divides by 256',
    chips,
  };
  fs.writeFileSync(path.join(chipDir, 'reference_descriptors.json'), `${JSON.stringify(out, null, 1)}\n`);
}

main().catch((e) => { console.error(e); process.exit(1); });
