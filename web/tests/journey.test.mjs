// The Welzijn op Recept journey in real Chromium against the real server: the inwoner makes a
// rugzak and fills in the PSS-10; the huisarts asks for access by QR; the inwoner scans that QR
// with a (fake) camera, approves 30 days, and both see the same check code; the huisarts sees
// the score and writes a referral; the inwoner sees it, revokes, and the huisarts's next action
// shows the revocation; a second browser profile restores the same rugzak from the recovery code.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launch, profileDir, open, axe, screenshots, qrVideo, artifacts } from './harness.mjs';

const PASS = 'een lange zin als wachtwoord';
const server = await startServer();
after(() => server.stop());

async function unlock(page) {
  await page.getByLabel('Wachtwoord').fill(PASS);
  await page.getByRole('button', { name: 'Openen' }).click();
  await page.getByRole('heading', { name: 'Uw rugzak' }).waitFor();
}

test('the whole journey: PSS-10, QR request, camera scan, check code, referral, revoke, recovery', async () => {
  // --- The inwoner makes a rugzak and writes down the recovery code.
  const inwonerProfile = profileDir('inwoner');
  let inwoner = await launch(inwonerProfile);
  let page = inwoner.page;
  await open(page, server.url);
  await axe(page, 'welcome');
  await screenshots(page, '01-welcome');
  await page.getByRole('link', { name: 'Nieuwe rugzak maken' }).click();
  await page.getByLabel('Uw naam (niet verplicht)').fill('Annelies');
  await page.getByLabel('Kies een wachtwoord').fill(PASS);
  await page.getByLabel('Typ het wachtwoord nog een keer').fill(PASS);
  await page.getByRole('button', { name: 'Maken' }).click();
  const codeText = await page.getByTestId('recovery-code').textContent();
  assert.match(codeText, /\S{4,}/, 'a recovery code is shown');
  await axe(page, 'recovery code');
  await screenshots(page, '02-recovery-code');
  const next = page.getByRole('button', { name: 'Verder' });
  assert.equal(await next.isDisabled(), true, 'continue waits for "written down"');
  await page.getByLabel('Ik heb de code opgeschreven').check();
  await next.click();
  await page.getByText('Uw rugzak is nog leeg').waitFor();

  // --- PSS-10, one question per screen, with back and next.
  await page.getByRole('link', { name: 'Vragenlijst invullen' }).click();
  await page.getByRole('link', { name: /PSS-10/ }).click();
  await page.getByText('Vraag 1 van 10').waitFor();
  await axe(page, 'question');
  await screenshots(page, '03-question');
  await page.getByRole('button', { name: 'Volgende' }).click();
  await page.getByText('Kies of vul eerst een antwoord in.').waitFor();
  for (let i = 1; i <= 10; i += 1) {
    await page.getByText(`Vraag ${i} van 10`).waitFor();
    await page.locator('.option input').nth(3).check();
    if (i === 2) {
      // Back keeps the answer given.
      await page.getByRole('button', { name: 'Terug' }).click();
      await page.getByText('Vraag 1 van 10').waitFor();
      assert.equal(await page.locator('.option input').nth(3).isChecked(), true);
      await page.getByRole('button', { name: 'Volgende' }).click();
      await page.getByText('Vraag 2 van 10').waitFor();
      await page.locator('.option input').nth(3).check();
    }
    await page.getByRole('button', { name: i === 10 ? 'Opslaan' : 'Volgende' }).click();
  }
  const summary = await page.getByTestId('score-summary').textContent();
  assert.match(summary, /\d/, `the result names the score: ${summary}`);
  await axe(page, 'result');
  await screenshots(page, '04-result');
  await page.getByRole('link', { name: 'Naar uw rugzak' }).click();
  await page.locator('article[data-kind="observation"]').waitFor();
  await axe(page, 'overview');
  await screenshots(page, '05-overview');
  await inwoner.context.close();
  assert.deepEqual(inwoner.errors, []);

  // --- The huisarts signs up and asks for access by QR.
  const gp = await launch(profileDir('gp'));
  const gpPage = gp.page;
  await gpPage.setViewportSize({ width: 1280, height: 900 });
  await open(gpPage, server.url);
  await gpPage.getByRole('link', { name: 'Ik ben huisarts of welzijnscoach' }).click();
  await gpPage.getByLabel('Uw werk').selectOption('huisarts');
  await gpPage.getByLabel('Uw naam').fill('Dokter Jansen');
  await gpPage.getByLabel('Uw praktijk of organisatie').fill('Huisartsenpraktijk Centrum');
  await gpPage.getByLabel('Kies een wachtwoord').fill(PASS);
  await gpPage.getByLabel('Typ het wachtwoord nog een keer').fill(PASS);
  await gpPage.getByRole('button', { name: 'Maken' }).click();
  await gpPage.getByRole('link', { name: 'Nieuw verzoek om toegang' }).click();
  await gpPage.locator('select[data-scope="vragenlijsten"]').selectOption('read');
  await gpPage.locator('select[data-scope="verwijzing"]').selectOption('both');
  await gpPage.getByLabel('Hoeveel dagen?').fill('30');
  await axe(gpPage, 'request form');
  await gpPage.getByRole('button', { name: 'QR-code maken' }).click();
  await gpPage.locator('.qr svg').waitFor();
  await axe(gpPage, 'request QR');
  await screenshots(gpPage, '06-request-qr');
  const video = await qrVideo(gpPage, '.qr svg', join(artifacts, 'request-qr.y4m'));

  // --- The inwoner scans it with the camera and approves 30 days.
  inwoner = await launch(inwonerProfile, { fakeCamera: video });
  page = inwoner.page;
  await open(page, server.url);
  await unlock(page);
  await page.getByRole('link', { name: 'QR-code scannen' }).click();
  const sentence = await page.getByTestId('consent-sentence').textContent();
  assert.match(sentence, /Dokter Jansen/);
  assert.match(sentence, /Huisartsenpraktijk Centrum/);
  await axe(page, 'approval');
  await screenshots(page, '07-approval');
  assert.equal(await page.getByLabel('Hoe lang?').inputValue(), '30');
  await page.getByRole('button', { name: 'Ja, toestemming geven' }).click();
  const inwonerCode = (await page.getByTestId('check-code').textContent()).trim();
  assert.match(inwonerCode, /^\d{3} \d{3}$/);

  // --- The huisarts's page has been waiting and shows the same code.
  const gpCode = (await gpPage.getByTestId('check-code').textContent()).trim();
  assert.equal(gpCode, inwonerCode, 'both see the same check code');
  await gpPage.getByRole('link', { name: 'Ja, de code is gelijk' }).click();
  await gpPage.locator('article[data-kind="observation"]').waitFor();
  assert.match(await gpPage.locator('article[data-kind="observation"]').textContent(), /PSS-10|stress/i);
  await axe(gpPage, 'gp reads');
  await screenshots(gpPage, '08-gp-reads');
  await gpPage.getByText('Verwijzing schrijven').click();
  await gpPage.getByLabel('Naar').fill('Welzijnscoach wijkteam Noord');
  await gpPage.getByLabel('Reden').fill('Veel stress na het overlijden van haar man.');
  await gpPage.getByLabel('Vraag').fill('Kunt u samen zoeken naar steun in de buurt?');
  await gpPage.getByLabel('Afgesproken').fill('Annelies belt de coach deze week.');
  await gpPage.getByLabel('Contact').fill('0612345678');
  await gpPage.getByRole('button', { name: 'Versturen' }).click();
  await gpPage.locator('article[data-kind="referral"]').waitFor();

  // --- The inwoner sees the referral, and the grant with its time left.
  await page.getByRole('link', { name: 'Naar uw rugzak' }).click();
  await page.locator('article[data-kind="referral"]').waitFor();
  assert.match(await page.locator('article[data-kind="referral"]').textContent(), /Welzijnscoach wijkteam Noord/);
  await page.getByRole('link', { name: 'Toestemmingen' }).click();
  const grant = page.locator('article.grant');
  await grant.waitFor();
  assert.match(await grant.textContent(), /Dokter Jansen/);
  assert.match(await grant.textContent(), /nog 29 dagen|nog 30 dagen/);
  await axe(page, 'grants');
  await screenshots(page, '09-grants');

  // --- The inwoner revokes; the huisarts's next action shows it.
  page.once('dialog', (d) => d.accept());
  await grant.getByRole('button', { name: 'Intrekken' }).click();
  await page.locator('article.grant .badge.revoked').waitFor();
  await gpPage.getByRole('button', { name: 'Vernieuwen' }).click();
  await gpPage.locator('[data-code="grant_revoked"]').waitFor();
  assert.match(await gpPage.locator('[data-code="grant_revoked"]').textContent(), /ingetrokken/);
  await gp.context.close();
  await inwoner.context.close();
  assert.deepEqual(gp.errors, []);
  assert.deepEqual(inwoner.errors, []);

  // --- A second browser profile restores the same rugzakje from the recovery code.
  const other = await launch(profileDir('second-device'));
  await open(other.page, server.url);
  await other.page.getByRole('link', { name: 'Rugzak terughalen met uw herstelcode' }).click();
  await other.page.getByLabel('Uw herstelcode').fill(codeText);
  await other.page.getByLabel('Kies een wachtwoord').fill(PASS);
  await other.page.getByLabel('Typ het wachtwoord nog een keer').fill(PASS);
  await other.page.getByRole('button', { name: 'Rugzak terughalen met uw herstelcode' }).click();
  await other.page.locator('article[data-kind="referral"]').waitFor();
  assert.equal(await other.page.locator('article[data-kind="observation"]').count(), 1);
  await other.context.close();
  assert.deepEqual(other.errors, []);
});
