// Shared set-up of the browser tests: a real vault-server (sled store, the built web app at /)
// on localhost, and Debian's Chromium driven by playwright-core. Nothing leaves 127.0.0.1.

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { after } from 'node:test';

const require = createRequire(import.meta.url);
export const root = resolve(import.meta.dirname, '..', '..');
export const artifacts = process.env.RUGZAK_WEB_ARTIFACTS ?? join(root, 'web', 'test-artifacts');
mkdirSync(artifacts, { recursive: true });

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
    s.on('error', rej);
  });
}

/// Starts vault-server on a free loopback port with a fresh data directory and the web app.
export async function startServer() {
  const bin = process.env.RUGZAK_SERVER_BIN;
  if (!bin) throw new Error('RUGZAK_SERVER_BIN is not set (scripts/test-web.sh sets it)');
  const port = await freePort();
  const data = mkdtempSync(join(tmpdir(), 'rugzak-web-'));
  const url = `http://localhost:${port}`;
  const child = spawn(bin, ['serve', '--data-dir', data, '--listen', `127.0.0.1:${port}`,
    '--public-url', url, '--web-dir', join(root, 'web', 'dist')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  // Ready once the server says it listens: a synchronisation point, not a sleep.
  await new Promise((res, rej) => {
    child.stderr.on('data', (d) => { log += d; if (log.includes('listening')) res(); });
    child.on('exit', (code) => rej(new Error(`vault-server exited (${code}): ${log}`)));
    child.on('error', rej);
  });
  return { url, stop: () => child.kill('SIGTERM'), log: () => log };
}

/// Every browser launched, closed when the test file ends, also after a failure (an open
/// browser would keep the test process, and so the whole run, waiting).
const browsers = new Set();
after(async () => {
  await Promise.all([...browsers].map((c) => c.close().catch(() => undefined)));
});

/// A Chromium with its own profile folder (IndexedDB survives a relaunch with the same folder).
export async function launch(profile, { fakeCamera } = {}) {
  const args = [...CHROMIUM_ARGS];
  if (fakeCamera) {
    args.push('--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${fakeCamera}`);
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args,
    viewport: { width: 390, height: 844 },
    locale: 'nl-NL',
    timezoneId: 'Europe/Amsterdam',
    permissions: fakeCamera ? ['camera'] : [],
  });
  browsers.add(context);
  context.on('close', () => browsers.delete(context));
  const page = context.pages()[0] ?? await context.newPage();
  // Script errors on the page fail the test at its end (assertNoPageErrors).
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

export function profileDir(name) {
  return mkdtempSync(join(tmpdir(), `rugzak-chromium-${name}-`));
}

/// Opens the app and waits until it has started (WebAssembly loaded, first screen shown).
export async function open(page, url, path = '/') {
  await page.goto(`${url}/#${path}`);
  await page.waitForSelector('body[data-ready="true"]');
}

/// From the recovery-code screen of a new rugzak: confirms the code is written down, then
/// writes `note` from the overview and waits until it is shown.
export async function writtenDownThenNote(page, note) {
  await page.getByLabel('Ik heb de code opgeschreven').check();
  await page.getByRole('button', { name: 'Verder' }).click();
  await page.getByRole('link', { name: 'Notitie schrijven' }).click();
  await page.getByLabel('Uw notitie').fill(note);
  await page.getByRole('button', { name: 'Opslaan' }).click();
  await page.locator('article[data-kind="note"]').waitFor();
}

/// Runs axe-core on the current page: no serious or critical violation allowed.
export async function axe(page, name) {
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) {
    throw new Error(`${name}: axe found ${bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target).join(' ')}`).join('; ')}`);
  }
}

/// Keeps a screenshot of the current screen at phone size and at desktop size.
export async function screenshots(page, name) {
  const phone = page.viewportSize();
  await page.screenshot({ path: join(artifacts, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: join(artifacts, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(phone);
}

/// Turns the QR shown on `page` into a one-frame Y4M video for Chromium's fake camera: the QR
/// drawn 400 px wide on a white 640×480 frame, as a phone held in front of a screen sees it.
export async function qrVideo(page, selector, file) {
  const { width, height, luma } = await page.evaluate(async (sel) => {
    const img = new Image();
    img.src = document.querySelector(sel).src;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = 640; canvas.height = 480;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, 640, 480);
    ctx.drawImage(img, 120, 40, 400, 400);
    const data = ctx.getImageData(0, 0, 640, 480).data;
    const luma = new Array(640 * 480);
    for (let i = 0; i < luma.length; i += 1) {
      luma[i] = Math.round(0.299 * data[i * 4] + 0.587 * data[i * 4 + 1] + 0.114 * data[i * 4 + 2]);
    }
    return { width: 640, height: 480, luma };
  }, selector);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F25:1 Ip A1:1 C420jpeg\nFRAME\n`);
  const y = Buffer.from(luma);
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  writeFileSync(file, Buffer.concat([header, y, chroma]));
  return file;
}
