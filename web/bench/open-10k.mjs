// Measures, in Chromium against a real vault-server on loopback: the first load of the app to
// its first screen, and opening a rugzak of 10,000 notes of 1 KiB (fetch, decrypt, verify every
// item and its author against the consent state, all in WebAssembly; then shown). Figures go
// to the performance document; nothing is asserted about speed.
//
// Run: ./scripts/bench-web.sh   (builds the app, the server and the fill tool, then runs this)

import { execFileSync } from 'node:child_process';
import { startServer, launch, profileDir, open } from '../tests/harness.mjs';

const COUNT = Number(process.env.RUGZAK_BENCH_ITEMS ?? 10_000);
const RUNS = Number(process.env.RUGZAK_BENCH_RUNS ?? 5);
const PASS = 'een lange zin als wachtwoord';
const PROFILE = process.env.RUGZAK_BENCH_PROFILE === '1';

/// The 30 functions with the most CPU time (self time) in a CDP profile.
function top(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const total = new Map();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}`;
    total.set(name, (total.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...total].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([name, us]) => `${Math.round(us / 1000)} ms  ${name}`);
}

/// Checks that the page shows `n` notes.
async function notesShown(page, n) {
  const count = await page.locator('article[data-kind="note"]').count();
  if (count !== n) throw new Error(`shown ${count} notes, not ${n}`);
}

const server = await startServer();
try {
  const code = execFileSync(process.env.RUGZAK_FILL_BIN, [server.url, String(COUNT)], { encoding: 'utf8' }).trim();
  const { context, page } = await launch(profileDir('bench'));
  const loads = [];
  for (let i = 0; i < RUNS; i += 1) {
    // From a blank page: going to the same address with a hash would not load it again.
    await page.goto('about:blank');
    const t0 = Date.now();
    await open(page, server.url);
    loads.push(Date.now() - t0);
  }
  await page.getByRole('link', { name: 'Rugzak terughalen met uw herstelcode' }).click();
  await page.getByLabel('Uw herstelcode').fill(code);
  await page.getByLabel('Kies een wachtwoord').fill(PASS);
  await page.getByLabel('Typ het wachtwoord nog een keer').fill(PASS);
  await page.getByRole('button', { name: 'Rugzak terughalen met uw herstelcode' }).click();
  await page.getByRole('heading', { name: 'Uw rugzak' }).waitFor();
  await page.waitForFunction(() => performance.getEntriesByName('rugzak:shown').length > 0, null, { timeout: 600_000 });
  const cdp = PROFILE ? await context.newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  const opens = [];
  for (let i = 0; i < RUNS; i += 1) {
    await page.evaluate(() => performance.clearMeasures());
    await page.evaluate(() => { location.hash = `#/?run=${Math.random()}`; });
    await page.waitForFunction(() => performance.getEntriesByName('rugzak:shown').length > 0, null, { timeout: 600_000 });
    const [open10k] = await page.evaluate(() => performance.getEntriesByName('rugzak:open').map((m) => m.duration));
    const [shown] = await page.evaluate(() => performance.getEntriesByName('rugzak:shown').map((m) => m.duration));
    await notesShown(page, Math.min(COUNT, 20));
    await page.getByRole('link', { name: `Alles tonen (${COUNT})` }).waitFor();
    opens.push({ open: Math.round(open10k), shown: Math.round(shown) });
  }
  const profile = cdp ? top((await cdp.send('Profiler.stop')).profile) : undefined;

  // The whole part of 10,000 notes, on request.
  const wholes = [];
  for (let i = 0; i < RUNS; i += 1) {
    await page.evaluate(() => { location.hash = '#/'; });
    await page.getByRole('link', { name: `Alles tonen (${COUNT})` }).waitFor();
    await page.evaluate(() => performance.clearMeasures());
    await page.getByRole('link', { name: `Alles tonen (${COUNT})` }).click();
    await page.waitForFunction(() => performance.getEntriesByName('rugzak:part').length > 0, null, { timeout: 600_000 });
    wholes.push(Math.round(await page.evaluate(() => performance.getEntriesByName('rugzak:part')[0].duration)));
    await notesShown(page, COUNT);
  }

  // The first open after unlocking the app again: nothing opened in memory yet; the overview this
  // device kept shows meanwhile (`kept_shown`). `unlock_to_shown` includes the passphrase's scrypt.
  const firsts = [];
  for (let i = 0; i < RUNS; i += 1) {
    await page.goto('about:blank');
    await open(page, server.url);
    const t0 = Date.now();
    await page.getByLabel('Wachtwoord').fill(PASS);
    await page.getByRole('button', { name: 'Openen' }).click();
    await page.waitForFunction(() => performance.getEntriesByName('rugzak:shown').length > 0, null, { timeout: 600_000 });
    const [open10k] = await page.evaluate(() => performance.getEntriesByName('rugzak:open').map((m) => m.duration));
    const [kept] = await page.evaluate(() => performance.getEntriesByName('rugzak:kept').map((m) => m.duration));
    firsts.push({ unlock_to_shown: Date.now() - t0, kept_shown: Math.round(kept), open: Math.round(open10k) });
    await notesShown(page, Math.min(COUNT, 20));
  }
  console.log(JSON.stringify({ items: COUNT, first_load_ms: loads, open_ms: opens, whole_part_ms: wholes, first_open_after_unlock_ms: firsts, profile }, null, 1));
  await context.close();
} finally {
  server.stop();
}
