// A rugzak larger than one screen, in real Chromium against the real server: the overview shows
// the newest notes with the count of the part and a way to show the part whole; after unlocking,
// the overview this device kept shows while every item is opened and checked again.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, launch, profileDir, open, axe, screenshots } from './harness.mjs';

const PASS = 'een lange zin als wachtwoord';
const COUNT = 27;
const server = await startServer();
after(() => server.stop());

test('a large rugzak: the newest notes, the whole part on request, the kept overview while it is checked again', async () => {
  // 27 notes written by the tests' fill tool (the inwoner's own, uploaded as she would).
  const code = execFileSync(process.env.RUGZAK_FILL_BIN, [server.url, String(COUNT)], { encoding: 'utf8' }).trim();
  const { context, page } = await launch(profileDir('large'));
  try {
    await open(page, server.url);
    await page.getByRole('link', { name: 'Rugzak terughalen met uw herstelcode' }).click();
    await page.getByLabel('Uw herstelcode').fill(code);
    await page.getByLabel('Kies een wachtwoord').fill(PASS);
    await page.getByLabel('Typ het wachtwoord nog een keer').fill(PASS);
    await page.getByRole('button', { name: 'Rugzak terughalen met uw herstelcode' }).click();
    const all = page.getByRole('link', { name: `Alles tonen (${COUNT})` });
    await all.waitFor();
    const notes = page.locator('article[data-kind="note"]');
    assert.equal(await notes.count(), 20, 'the overview shows the newest 20 notes');
    // Newest first: the fill tool numbers its notes.
    assert.match(await notes.first().innerText(), new RegExp(`Notitie ${COUNT - 1}:`));
    await axe(page, 'overview of a large rugzak');

    await all.click();
    await page.getByRole('link', { name: 'Terug naar het overzicht' }).waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('article[data-kind="note"]').length === n, COUNT);
    assert.match(await notes.last().innerText(), /Notitie 0:/, 'the oldest note is there too');
    await screenshots(page, '15-part-whole');
    await page.getByRole('link', { name: 'Terug naar het overzicht' }).click();
    await all.waitFor();

    // Unlock again: the items wait at the server until the kept overview was seen.
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route('**/v1/vaults/*/items*', async (route) => { await held; await route.continue(); });
    await page.goto('about:blank');
    await open(page, server.url);
    await page.getByLabel('Wachtwoord').fill(PASS);
    await page.getByRole('button', { name: 'Openen' }).click();
    await page.getByTestId('refreshing').waitFor();
    assert.equal(await notes.count(), 20, 'the kept overview shows the same newest notes');
    release();
    await page.getByTestId('refreshing').waitFor({ state: 'detached' });
    await all.waitFor();
    assert.equal(await notes.count(), 20);
  } finally {
    await context.close();
  }
});
