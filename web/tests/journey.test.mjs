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
const NOTE = 'Mijn dagboek: alleen voor mij.';
const server = await startServer();
after(() => server.stop());

async function unlock(page) {
  await page.getByLabel('Wachtwoord').fill(PASS);
  await page.getByRole('button', { name: 'Openen' }).click();
  await page.getByRole('heading', { name: 'Uw rugzak' }).waitFor();
}

test('the whole journey: PSS-10, GP request by camera QR, check code, referral, coach by pasted code, intake, activity, feedback the GP reads, revoke, recovery', async () => {
  // --- The inwoner makes a rugzak and writes down the recovery code.
  const inwonerProfile = profileDir('inwoner');
  let inwoner = await launch(inwonerProfile);
  let page = inwoner.page;
  const started = Date.now();
  await open(page, server.url);
  console.log(`first load to the welcome screen: ${Date.now() - started} ms`);
  // One language at a time, English by choice, and back.
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'Welcome to Rugzak' }).waitFor();
  assert.doesNotMatch(await page.locator('main').textContent(), /Welkom/);
  await axe(page, 'welcome (English)');
  await page.getByRole('button', { name: 'Nederlands' }).click();
  await page.getByRole('heading', { name: 'Welkom bij Rugzak' }).waitFor();
  await axe(page, 'welcome');
  await screenshots(page, '01-welcome');
  await page.getByRole('link', { name: 'Nieuwe rugzak maken' }).click();
  await page.getByLabel('Uw naam (niet verplicht)').fill('Annelies');
  await page.getByLabel('Kies een wachtwoord').fill(PASS);
  await page.getByLabel('Typ het wachtwoord nog een keer').fill(PASS);
  await page.getByRole('button', { name: 'Maken', exact: true }).click();
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
  await page.locator('[data-chart="trend"]').waitFor();
  await page.getByRole('link', { name: 'Notitie schrijven' }).click();
  await page.getByLabel('Uw notitie').fill(NOTE);
  await page.getByRole('button', { name: 'Opslaan' }).click();
  await page.locator('article[data-kind="note"]').waitFor();
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
  await gpPage.getByRole('button', { name: 'Maken', exact: true }).click();
  await gpPage.getByRole('link', { name: 'Nieuw verzoek om toegang' }).click();
  await gpPage.locator('select[data-scope="vragenlijsten"]').selectOption('read');
  await gpPage.locator('select[data-scope="verwijzing"]').selectOption('both');
  await gpPage.locator('select[data-scope="terugkoppeling"]').selectOption('read');
  await gpPage.getByLabel('Hoeveel dagen?').fill('30');
  await axe(gpPage, 'request form');
  await gpPage.getByRole('button', { name: 'QR-code maken' }).click();
  await gpPage.locator('.qr img').waitFor();
  await axe(gpPage, 'request QR');
  await screenshots(gpPage, '06-request-qr');
  const video = await qrVideo(gpPage, '.qr img', join(artifacts, 'request-qr.y4m'));

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
  assert.doesNotMatch(await gpPage.locator('main').textContent(), /Mijn dagboek/, 'notes were not shared');

  // --- The coach asks for read on referral and questionnaires, append on intake, activity and
  // feedback. The inwoner's phone has no camera now: she pastes the code instead.
  const coach = await launch(profileDir('coach'));
  const coachPage = coach.page;
  await coachPage.setViewportSize({ width: 1280, height: 900 });
  await open(coachPage, server.url);
  await coachPage.getByRole('link', { name: 'Ik ben huisarts of welzijnscoach' }).click();
  await coachPage.getByLabel('Uw werk').selectOption('welzijnscoach');
  await coachPage.getByLabel('Uw naam').fill('Sanne de Vries');
  await coachPage.getByLabel('Uw praktijk of organisatie').fill('Wijkteam Noord');
  await coachPage.getByLabel('Kies een wachtwoord').fill(PASS);
  await coachPage.getByLabel('Typ het wachtwoord nog een keer').fill(PASS);
  await coachPage.getByRole('button', { name: 'Maken', exact: true }).click();
  await coachPage.getByRole('link', { name: 'Nieuw verzoek om toegang' }).click();
  await coachPage.locator('select[data-scope="verwijzing"]').selectOption('read');
  await coachPage.locator('select[data-scope="vragenlijsten"]').selectOption('read');
  await coachPage.locator('select[data-scope="intake"]').selectOption('append');
  await coachPage.locator('select[data-scope="programmas"]').selectOption('append');
  await coachPage.locator('select[data-scope="terugkoppeling"]').selectOption('append');
  await coachPage.getByLabel('Hoeveel dagen?').fill('90');
  await coachPage.getByRole('button', { name: 'QR-code maken' }).click();
  await coachPage.getByText('De code als tekst').click();
  const coachQr = (await coachPage.getByTestId('qr-text').textContent()).trim();

  await inwoner.context.close();
  assert.deepEqual(inwoner.errors, []);
  inwoner = await launch(inwonerProfile);
  page = inwoner.page;
  await open(page, server.url);
  await unlock(page);
  await page.getByRole('link', { name: 'QR-code scannen' }).click();
  await page.getByText(/De camera werkt niet/).waitFor();
  await page.getByText('Lukt scannen niet?').click();
  // A photo without a QR code says so; a photo of the coach's screen opens the request.
  const noQr = await coachPage.getByRole('heading').first().screenshot();
  await page.getByLabel('Of kies een foto van de QR-code').setInputFiles({ name: 'foto.png', mimeType: 'image/png', buffer: noQr });
  await page.getByText('Op deze foto staat geen QR-code').waitFor();
  const photo = await coachPage.locator('.qr img').screenshot();
  await page.getByLabel('Of kies een foto van de QR-code').setInputFiles({ name: 'qr.png', mimeType: 'image/png', buffer: photo });
  assert.match(await page.getByTestId('consent-sentence').textContent(), /Sanne de Vries/);
  // Back, and the same request by its code as text.
  await page.getByRole('link', { name: 'Nee, niet nu' }).click();
  await page.getByRole('link', { name: 'QR-code scannen' }).click();
  await page.getByText('Lukt scannen niet?').click();
  await page.getByLabel('Plak de code als tekst').fill(coachQr);
  await page.getByRole('button', { name: 'Code gebruiken' }).click();
  assert.match(await page.getByTestId('consent-sentence').textContent(), /Sanne de Vries/);
  await page.getByRole('button', { name: 'Ja, toestemming geven' }).click();
  const inwonerCoachCode = (await page.getByTestId('check-code').textContent()).trim();
  assert.equal((await coachPage.getByTestId('check-code').textContent()).trim(), inwonerCoachCode);
  await coachPage.getByRole('link', { name: 'Ja, de code is gelijk' }).click();
  await coachPage.locator('article[data-kind="referral"]').waitFor();
  assert.doesNotMatch(await coachPage.locator('main').textContent(), /Mijn dagboek/, 'notes were not shared');
  assert.equal(await coachPage.locator('[data-append="referral"]').count(), 0, 'no referral form without consent');
  await axe(coachPage, 'coach reads');
  await screenshots(coachPage, '10-coach');
  const appendText = async (kind, label, text) => {
    await coachPage.locator(`[data-append="${kind}"] summary`).click();
    await coachPage.locator(`[data-append="${kind}"]`).getByLabel(label).fill(text);
    await coachPage.locator(`[data-append="${kind}"]`).getByRole('button', { name: 'Versturen' }).click();
  };
  await appendText('intake-note', 'Tekst', 'Intake: Annelies wil graag wandelen met anderen.');
  await coachPage.locator('article[data-kind="intake-note"]').waitFor();
  await coachPage.locator('[data-append="activity"] summary').click();
  const activity = coachPage.locator('[data-append="activity"]');
  await activity.getByLabel('Wat').fill('Wandelgroep');
  await activity.getByLabel('Waar').fill('Buurthuis De Brug');
  await activity.getByLabel('Wanneer').fill('Dinsdag 10:00');
  await activity.getByLabel('Contact').fill('Kees, 0687654321');
  await activity.getByRole('button', { name: 'Versturen' }).click();
  await coachPage.locator('article[data-kind="activity"]').waitFor();
  await appendText('feedback', 'Tekst', 'Terugkoppeling: Annelies wandelt wekelijks mee en voelt minder stress.');
  await coachPage.locator('article[data-kind="feedback"]').waitFor();
  await coach.context.close();
  assert.deepEqual(coach.errors, []);

  // --- The huisarts sees the coach's feedback.
  await gpPage.getByRole('button', { name: 'Vernieuwen' }).click();
  await gpPage.locator('article[data-kind="feedback"]').waitFor();
  assert.match(await gpPage.locator('article[data-kind="feedback"]').textContent(), /wandelt wekelijks mee/);
  assert.match(await gpPage.locator('article[data-kind="feedback"]').textContent(), /Sanne de Vries/);

  // --- The inwoner sees everything, and the grants with their time left.
  await page.getByRole('link', { name: 'Naar uw rugzak' }).click();
  await page.locator('article[data-kind="referral"]').waitFor();
  assert.match(await page.locator('article[data-kind="referral"]').textContent(), /Welzijnscoach wijkteam Noord/);
  assert.deepEqual(await page.locator('article[data-kind="referral"] dt').allTextContents(),
    ['Naar', 'Reden', 'Vraag', 'Afgesproken', 'Contact']);
  for (const kind of ['intake-note', 'activity', 'feedback', 'note', 'observation']) {
    assert.equal(await page.locator(`article[data-kind="${kind}"]`).count(), 1, kind);
  }
  await screenshots(page, '11-overview-full');
  await page.getByRole('link', { name: 'Toestemmingen' }).click();
  const grant = page.locator('article.grant', { hasText: 'Dokter Jansen' });
  await grant.waitFor();
  assert.equal(await page.locator('article.grant').count(), 2);
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

  // --- The inwoner reads who looked: names, roles, organisations, what, under which grant.
  await page.getByRole('link', { name: 'Wie keek er?' }).click();
  const log = page.locator('table.log');
  await log.waitFor();
  const logText = await log.textContent();
  for (const expected of ['Dokter Jansen (huisarts, Huisartsenpraktijk Centrum)', 'Sanne de Vries (welzijnscoach, Wijkteam Noord)',
    'gelezen', 'toegevoegd', 'toestemming gegeven', 'ingetrokken']) {
    assert.ok(logText.includes(expected), `log shows ${expected}`);
  }
  await axe(page, 'log');
  await screenshots(page, '12-log');
  // Two days ahead: later than today in any time zone.
  const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('Vanaf').fill(tomorrow);
  await page.getByText('In deze periode is niets gebeurd.').waitFor();
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
  for (const kind of ['intake-note', 'activity', 'feedback', 'note', 'observation']) {
    assert.equal(await other.page.locator(`article[data-kind="${kind}"]`).count(), 1, kind);
  }
  await other.context.close();
  assert.deepEqual(other.errors, []);
});
