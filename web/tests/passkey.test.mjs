// A rugzak locked with a passkey: Chromium's virtual authenticator (with the PRF extension)
// makes the passkey; the device key is locked to its PRF output; after locking, the same
// passkey opens the rugzak again, and IndexedDB holds only ciphertext.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, profileDir, open, axe, screenshots } from './harness.mjs';

const server = await startServer();
after(() => server.stop());

const NOTE = 'Geheime notitie achter de passkey';

test('a passkey with PRF locks and opens the rugzak; storage holds no plaintext', async () => {
  const { context, page, errors } = await launch(profileDir('passkey'));
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, hasPrf: true, automaticPresenceSimulation: true,
    },
  });
  await open(page, server.url);
  await page.getByRole('link', { name: 'Nieuwe rugzak maken' }).click();
  await page.getByLabel('Uw naam (niet verplicht)').fill('Annelies');
  await axe(page, 'create with passkey');
  await page.getByRole('button', { name: 'Maken met een toegangssleutel' }).click();
  await page.getByTestId('recovery-code').waitFor();
  await page.getByLabel('Ik heb de code opgeschreven').check();
  await page.getByRole('button', { name: 'Verder' }).click();
  await page.getByRole('link', { name: 'Notitie schrijven' }).click();
  await page.getByLabel('Uw notitie').fill(NOTE);
  await page.getByRole('button', { name: 'Opslaan' }).click();
  await page.locator('article[data-kind="note"]').waitFor();

  const record = await page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open('rugzak');
    req.onsuccess = () => {
      const get = req.result.transaction('device').objectStore('device').get('current');
      get.onsuccess = () => resolve({
        lock: get.result.lock,
        hasCredential: typeof get.result.credential === 'string',
        sealed: new TextDecoder('latin1').decode(get.result.sealed),
        wrapped: new TextDecoder('latin1').decode(get.result.wrapped),
      });
      get.onerror = () => reject(get.error);
    };
    req.onerror = () => reject(req.error);
  }));
  assert.equal(record.lock, 'passkey');
  assert.ok(record.hasCredential);
  assert.ok(record.sealed.startsWith('age-encryption.org/v1'), 'the state is an age file');
  assert.ok(record.wrapped.startsWith('age-encryption.org/v1'), 'the device key is an age file');
  assert.ok(!record.sealed.includes(NOTE) && !record.sealed.includes('Annelies'), 'no plaintext stored');

  await page.getByRole('button', { name: 'Vergrendelen' }).click();
  await page.getByRole('button', { name: 'Openen met uw toegangssleutel' }).waitFor();
  await axe(page, 'unlock with passkey');
  await screenshots(page, '13-unlock-passkey');
  await page.getByRole('button', { name: 'Openen met uw toegangssleutel' }).click();
  await page.locator('article[data-kind="note"]', { hasText: NOTE }).waitFor();
  await context.close();
  assert.deepEqual(errors, []);
});
