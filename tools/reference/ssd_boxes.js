// Reference face boxes from face-api.js's SSD MobileNet v1 itself (tfjs' pure-JS cpu backend) for
// findme's SSD port agreement test (src/face/model/ssd_face_detector_test.cpp). Decodes each demo
// sample with libvips' own CLI (`vips rawsave`, the same libvips and libjpeg-turbo the service and
// the test decode with, so both sides see identical pixels; the file records their sha256), runs
// locateFaces at face-api's defaults (minConfidence 0.5, maxResults 100) and writes
// tests/data/ssd/reference.json. Usage: see README.md.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const tf = require('@tensorflow/tfjs');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const root = path.resolve(__dirname, '..', '..');
const packageDir = path.join(root, 'models', 'face-api-1.7.15');
const outDir = path.join(root, 'tests', 'data', 'ssd');

// Upright RGB8 pixels exactly as libvips decodes them.
function decode(jpeg) {
  const width = Number(execFileSync('vipsheader', ['-f', 'width', jpeg]).toString());
  const height = Number(execFileSync('vipsheader', ['-f', 'height', jpeg]).toString());
  const bands = Number(execFileSync('vipsheader', ['-f', 'bands', jpeg]).toString());
  if (bands !== 3) throw new Error(`${jpeg}: ${bands} bands, expected RGB`);
  const raw = path.join(os.tmpdir(), `findme_ssd_${process.pid}.raw`);
  execFileSync('vips', ['rawsave', jpeg, raw]);
  const rgb = fs.readFileSync(raw);
  fs.unlinkSync(raw);
  if (rgb.length !== width * height * 3) throw new Error(`${jpeg}: raw size ${rgb.length}`);
  return { width, height, rgb };
}

const round = (v) => Math.round(v * 1e4) / 1e4;

async function main() {
  await tf.setBackend('cpu');
  await tf.ready();
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(path.join(packageDir, 'model'));
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 100 });
  const samples = [];
  for (let n = 1; n <= 6; n += 1) {
    const file = `sample${n}.jpg`;
    const { width, height, rgb } = decode(path.join(packageDir, 'demo', file));
    const input = tf.tensor3d(new Int32Array(rgb), [height, width, 3], 'int32');
    const found = await faceapi.nets.ssdMobilenetv1.locateFaces(input, options);
    input.dispose();
    samples.push({
      file,
      width,
      height,
      rgb_sha256: crypto.createHash('sha256').update(rgb).digest('hex'),
      // Best first, as face-api returns them; boxes in the image's pixels.
      detections: found.map((d) => ({
        score: d.score,
        x: round(d.box.x), y: round(d.box.y), width: round(d.box.width), height: round(d.box.height),
      })),
    });
    console.log(file, found.length, 'faces', found.map((d) => d.score.toFixed(3)).join(' '));
  }
  const out = {
    generator: 'tools/reference/ssd_boxes.js',
    face_api: faceapi.version,
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
    min_confidence: 0.5,
    max_results: 100,
    samples,
  };
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'reference.json'), `${JSON.stringify(out, null, 1)}\n`);
}

main().catch((e) => { console.error(e); process.exit(1); });
