// Sign-up and sign-in with a passkey: Chromium's virtual authenticator (with the PRF extension)
// answers the server's WebAuthn ceremonies (webauthn-rs). The passkey is discoverable, so
// signing in names no account; its PRF output locks this device's key and never reaches the
// server; IndexedDB holds only ciphertext. Offline, the service worker serves the app and the
// passkey still opens what was read before.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, profileDir, open, axe, screenshots, writtenDownThenNote } from './harness.mjs';

const server = await startServer();
after(() => server.stop());

const NOTE = 'Geheime notitie achter de passkey';

test('a passkey signs up and in without an account id, locks the rugzak with PRF, and opens it offline', async () => {
  const { context, page, errors } = await launch(profileDir('passkey'));
  // Every request the page makes, and every PRF output the authenticator gives the page: no
  // request may carry a PRF output in any encoding.
  const requests = [];
  page.on('request', (r) => requests.push(`${r.url()}\n${r.postData() ?? ''}`));
  const sent = () => requests.filter((r) => /\/v1\/(accounts\/register|session\/discover)\/finish\n/.test(r)).map((r) => JSON.parse(r.split('\n')[1]));
  await context.addInitScript(() => {
    globalThis.prfSeen = [];
    const get = navigator.credentials.get.bind(navigator.credentials);
    navigator.credentials.get = async (options) => {
      const cred = await get(options);
      const out = cred?.getClientExtensionResults()?.prf?.results?.first;
      if (out) globalThis.prfSeen.push(Array.from(new Uint8Array(out)));
      return cred;
    };
  });
  const prfOutputs = [];
  const notLeaked = async () => {
    prfOutputs.push(...await page.evaluate(() => globalThis.prfSeen.splice(0)));
    assert.ok(prfOutputs.length > 0, 'the authenticator gave PRF outputs');
    for (const bytes of prfOutputs) {
      const b = Buffer.from(bytes);
      for (const form of [b.toString('base64'), b.toString('base64url'), b.toString('hex')]) {
        assert.ok(requests.every((r) => !r.includes(form.replace(/=+$/, ''))), 'a PRF output was sent');
      }
    }
  };
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
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
  await writtenDownThenNote(page, NOTE);

  const record = await page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open('rugzak');
    req.onsuccess = () => {
      const get = req.result.transaction('device').objectStore('device').get('current');
      get.onsuccess = () => resolve({
        lock: get.result.lock,
        account: get.result.account,
        sealed: new TextDecoder('latin1').decode(get.result.sealed),
        wrapped: new TextDecoder('latin1').decode(get.result.wrapped),
      });
      get.onerror = () => reject(get.error);
    };
    req.onerror = () => reject(req.error);
  }));
  assert.equal(record.lock, 'passkey');
  assert.match(record.account, /^[A-Za-z0-9_-]{22}$/, 'the server account of the passkey');

  // The passkey is discoverable and belongs to that account (its user handle).
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0].isResidentCredential, true, 'discoverable');
  assert.equal(credentials[0].userHandle.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), record.account);
  // The registration went to the server (the PRF came from a touch of that passkey); the PRF
  // output did not.
  assert.equal(sent().length, 1, 'one registration');
  assert.deepEqual(sent()[0].credential.extensions, {}, 'no extension output sent');
  await notLeaked();
  assert.ok(record.sealed.startsWith('age-encryption.org/v1'), 'the state is an age file');
  assert.ok(record.wrapped.startsWith('age-encryption.org/v1'), 'the device key is an age file');
  assert.ok(!record.sealed.includes(NOTE) && !record.sealed.includes('Annelies'), 'no plaintext stored');

  await page.getByRole('button', { name: 'Vergrendelen' }).click();
  await page.getByRole('button', { name: 'Openen met uw toegangssleutel' }).waitFor();
  await axe(page, 'unlock with passkey');
  await screenshots(page, '13-unlock-passkey');
  await page.getByRole('button', { name: 'Openen met uw toegangssleutel' }).click();
  await page.locator('article[data-kind="note"]', { hasText: NOTE }).waitFor();
  assert.equal(sent().length, 2, 'signed in at the server, no account id typed');
  assert.equal(sent()[1].credential.response.userHandle, record.account, 'the passkey named the account');
  assert.deepEqual(sent()[1].credential.extensions, {});
  assert.ok(requests.some((r) => r.includes('/v1/session/discover/start')), 'a discoverable sign-in');
  assert.ok(!requests.some((r) => r.includes('/v1/session/login/start')), 'no account id sent to start');
  await notLeaked();

  // The session lists the account's passkey, with the sign-in just made.
  await page.getByRole('link', { name: 'Toegangssleutels' }).click();
  await page.locator('li.passkey', { hasText: 'laatst gebruikt op' }).waitFor();
  await axe(page, 'account');

  // Offline: the service worker serves the app, the passkey opens this device without the
  // server, and the rugzak shows what was opened before.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  // Installable as an app: Chromium's own check of the manifest, icons and service worker.
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, [], JSON.stringify(installabilityErrors));
  await page.getByRole('button', { name: 'Vergrendelen' }).click();
  await page.getByRole('button', { name: 'Openen met uw toegangssleutel' }).waitFor();
  await context.setOffline(true);
  const reloaded = await page.reload();
  assert.equal(reloaded.fromServiceWorker(), true, 'the page came from the service worker');
  await page.waitForSelector('body[data-ready="true"]');
  await page.getByRole('button', { name: 'Openen met uw toegangssleutel' }).click();
  await page.getByTestId('offline').waitFor();
  await page.locator('article[data-kind="note"]', { hasText: NOTE }).waitFor();
  assert.equal(sent().length, 2, 'no sign-in finished while offline');
  await notLeaked();
  await axe(page, 'offline overview');
  await screenshots(page, '14-offline');
  await context.setOffline(false);
  await context.close();
  assert.deepEqual(errors, []);
});
