// Starts the real findme binary on loopback (port 0, a temporary DATA_DIR) serving the
// repository's web/ folder, the way tests/integration/server_process.h does for the C++ suite.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SOURCE_DIR = process.env.FINDME_SOURCE_DIR
  || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MODEL_DIR = process.env.FINDME_MODEL_DIR || path.join(SOURCE_DIR, 'models/face-api-1.7.15');
const BINARY = process.env.FINDME_BINARY || path.join(SOURCE_DIR, 'build/release/findme');
const START_TIMEOUT_MS = 60000;

export async function startServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'findme-browser-'));
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir);
  const env = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: `sqlite:${path.join(dataDir, 'findme.db')}`,
    MODEL_DIR,
    WEB_DIR: path.join(SOURCE_DIR, 'web'),
    HTTP_THREADS: '2',
    MATCHING_THREAD_POOL_SIZE: '2',
    LOG_LEVEL: 'warn',
  };
  const child = spawn(BINARY, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`findme did not start:\n${out}\n${log}`)), START_TIMEOUT_MS);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/findme is serving on (http:\/\/[^\s]+)\n/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`findme exited (${code ?? signal}):\n${out}\n${log}`)); });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
  return {
    url,
    dataDir,
    database: path.join(dataDir, 'findme.db'),
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.on('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
