// Sharing and keeping, in real Chromium against the real server: a share link as a QR with a
// passcode, opened in another browser by someone without a rugzak (a wrong passcode says how
// many tries are left); the link revoked; the whole rugzak downloaded (FHIR and Rugzak JSON);
// the access log downloaded as FHIR AuditEvents made from the verified log; a programme
// started, suggested from a score, a step done and a reflection kept.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launch, profileDir, open, axe, screenshots, writtenDownThenNote } from './harness.mjs';

const PASS = 'een lange zin als wachtwoord';
const NOTE = 'Wat ik wil delen met de POH.';
const PASSCODE = '4711';
const server = await startServer();
after(() => server.stop());

async function downloaded(page, click) {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: download.suggestedFilename(), json: JSON.parse(readFileSync(await download.path(), 'utf8')) };
}

test('share link with passcode and tries left, revoke, exports, log as AuditEvents, a programme', async () => {
  const inwoner = await launch(profileDir('share-inwoner'));
  const page = inwoner.page;
  await open(page, server.url);
  await page.getByRole('link', { name: 'Nieuwe rugzak maken' }).click();
  await page.getByLabel('Kies een wachtwoord').fill(PASS);
  await page.getByLabel('Typ het wachtwoord nog een keer').fill(PASS);
  await page.getByRole('button', { name: 'Maken', exact: true }).click();
  await writtenDownThenNote(page, NOTE);

  // --- Programmes: a high PSS-10 score suggests the stress programme, and says why.
  await page.getByRole('link', { name: 'Vragenlijst invullen' }).click();
  await page.getByRole('link', { name: /PSS-10/ }).click();
  for (let i = 1; i <= 10; i += 1) {
    await page.getByText(`Vraag ${i} van 10`).waitFor();
    // Very often for the stress questions, never for the coping ones (4, 5, 7, 8): high stress.
    await page.locator('.option input').nth([4, 5, 7, 8].includes(i) ? 0 : 4).check();
    await page.getByRole('button', { name: i === 10 ? 'Opslaan' : 'Volgende' }).click();
  }
  await page.getByTestId('score-summary').waitFor();
  await page.getByRole('link', { name: 'Naar uw rugzak' }).click();
  await page.getByRole('link', { name: "Programma's" }).click();
  const stress = page.locator('article[data-programme="stress"]');
  await stress.getByText('Voorgesteld voor u').waitFor();
  await stress.getByText('Waarom?').click();
  assert.match(await stress.locator('li').first().textContent(), /PSS-10/);
  await axe(page, 'programmes');
  await screenshots(page, '17-programmes');
  await stress.getByRole('link').click();
  await page.getByRole('button', { name: 'Beginnen' }).click();
  await page.getByTestId('programme-progress').getByText('0 van 9 stappen gedaan').waitFor();
  await page.locator('[data-step="stress-wat-is-stress"]').getByRole('button', { name: 'Klaar met deze stap' }).click();
  await page.getByTestId('programme-progress').getByText('1 van 9 stappen gedaan').waitFor();
  const reflect = page.locator('details.step').filter({ has: page.getByLabel('Uw antwoord') }).first();
  await reflect.locator('summary').click();
  await reflect.getByLabel('Uw antwoord').fill('Ik merk het aan slecht slapen.');
  await reflect.getByRole('button', { name: 'Antwoord bewaren' }).click();
  await page.getByTestId('programme-progress').getByText('2 van 9 stappen gedaan').waitFor();
  await page.getByText('Ik merk het aan slecht slapen.').waitFor();
  await axe(page, 'programme');
  await screenshots(page, '18-programme');
  // The progress is in the rugzak: back in the list it shows.
  await page.getByRole('link', { name: "Alle programma's" }).click();
  await stress.getByText('2 van 9 stappen gedaan').waitFor();
  await page.getByRole('link', { name: 'Rugzak', exact: true }).click();
  await page.locator('article[data-kind="observation"]').waitFor();
  // The overview shows the programme once, as its newest progress.
  const progress = page.locator('article[data-kind="programme-progress"]');
  assert.equal(await progress.count(), 1, 'one card per programme, not one per change');
  assert.match(await progress.textContent(), /Stress de baas.*2 van 9 stappen gedaan/s);

  // --- A share link for the notes, with a passcode.
  await page.getByRole('link', { name: 'Delen' }).click();
  await page.getByLabel('Vragenlijsten').uncheck();
  await page.getByLabel('Notities').check();
  await page.getByLabel('Toegangscode (niet verplicht)').fill(PASSCODE);
  await page.getByRole('button', { name: 'Link maken' }).click();
  await page.locator('.share-result .qr img').waitFor();
  await axe(page, 'share link');
  await screenshots(page, '15-share-link');
  const url = (await page.getByTestId('share-url').textContent()).trim();
  assert.ok(url.startsWith(`${server.url}/open#`), url);

  // --- Someone else opens it: no rugzak of their own, asked for the passcode.
  const other = await launch(profileDir('share-other'));
  await other.page.goto(url);
  await other.page.waitForSelector('body[data-ready="true"]');
  await other.page.getByText('Deze link heeft een toegangscode.').waitFor();
  await axe(other.page, 'open link');
  await other.page.getByLabel('Toegangscode').fill('0000');
  await other.page.getByRole('button', { name: 'Openen' }).click();
  await other.page.locator('[data-code="wrong_passcode"]', { hasText: 'nog 4 keer' }).waitFor();
  await other.page.getByLabel('Toegangscode').fill(PASSCODE);
  await other.page.getByRole('button', { name: 'Openen' }).click();
  await other.page.locator('article[data-kind="note"]', { hasText: NOTE }).waitFor();
  assert.equal(await other.page.locator('article[data-kind="observation"]').count(), 0, 'only the parts chosen');
  await screenshots(other.page, '16-open-link');
  // The inwoner's list of open links shows it, opened once.
  await page.getByRole('link', { name: 'Delen' }).click();
  await page.locator('li.link', { hasText: '1 keer geopend' }).waitFor();

  // --- Revoked from the list: the link opens nothing any more.
  await page.locator('li.link').getByRole('button', { name: 'Link intrekken' }).click();
  await page.getByText('U heeft geen gedeelde links die nog werken.').waitFor();
  await other.page.goto('about:blank');
  await other.page.goto(url);
  await other.page.waitForSelector('body[data-ready="true"]');
  await other.page.getByLabel('Toegangscode').fill(PASSCODE);
  await other.page.getByRole('button', { name: 'Openen' }).click();
  await other.page.locator('[data-code="link_not_found"]').waitFor();
  await other.context.close();
  assert.deepEqual(other.errors, []);

  // --- Everything downloaded: FHIR for a care system, and Rugzak's own JSON.
  const fhir = await downloaded(page, () => page.getByRole('button', { name: 'Downloaden voor een zorgsysteem (FHIR)' }).click());
  assert.equal(fhir.name, 'rugzak.fhir.json');
  assert.equal(fhir.json.resourceType, 'Bundle');
  const docs = fhir.json.entry.map((e) => e.resource).filter((r) => r.resourceType === 'DocumentReference');
  assert.ok(docs.some((d) => Buffer.from(d.content[0].attachment.data, 'base64').toString() === NOTE), 'the note is in it');
  const own = await downloaded(page, () => page.getByRole('button', { name: 'Downloaden als Rugzak-bestand' }).click());
  assert.equal(own.json.schema, 'rugzak-items/1');
  assert.ok(own.json.items.some((i) => i.kind === 'note' && i.body === NOTE));

  // --- The access log as FHIR AuditEvents: the link made, opened (one wrong passcode), revoked.
  await page.getByRole('link', { name: 'Wie keek er?' }).click();
  await page.locator('table.log').waitFor();
  const log = await downloaded(page, () => page.getByRole('button', { name: 'Logboek downloaden (FHIR)' }).click());
  assert.equal(log.json.resourceType, 'Bundle');
  const events = log.json.entry.map((e) => e.resource);
  assert.ok(events.every((e) => e.resourceType === 'AuditEvent' && e.recorded && e.agent.length > 0));
  const kinds = events.map((e) => e.type.code);
  assert.ok(kinds.includes('share-link-create'), kinds.join());
  assert.ok(kinds.includes('revoke'), kinds.join());
  const opens = events.filter((e) => e.type.code === 'share-link-open');
  assert.ok(opens.some((e) => e.outcome === '4' && e.outcomeDesc === 'wrong-passcode'), 'the wrong passcode is in it as a refusal');
  assert.ok(opens.some((e) => e.outcome === '0'), 'the open is in it');

  await inwoner.context.close();
  assert.deepEqual(inwoner.errors, []);
});
