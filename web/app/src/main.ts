// Rugzak's web app: screens for the inwoner, the huisarts and the welzijnscoach. All keys, all
// decryption and all consent logic run in the Rust client core compiled to WebAssembly
// (`rugzak-web`); the screens only show what it answers and pass on what people choose.

import init, * as core from '../../dist/pkg/rugzak_web.js';
import { s, header } from './app';
import * as store from './store';
import * as start from './start';
import * as inwoner from './inwoner';
import * as pro from './pro';
import * as shared from './shared';

function route(): void {
  s.leave?.();
  s.leave = null;
  // A share link is a page of its own (`/open#<key>`): anyone may open it, signed in or not.
  // A link into the app (`#/…`) leaves that page.
  if (location.pathname === '/open') {
    if (location.hash.startsWith('#/')) { location.replace(`/${location.hash}`); return; }
    return shared.openLinkScreen();
  }
  const path = location.hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean);
  if (!s.rz) {
    if (parts[0] === 'nieuw') return start.createInwoner();
    if (parts[0] === 'herstel') return start.recoverScreen();
    if (parts[0] === 'zorgverlener') return start.createProfessional();
    return s.stored ? start.unlockScreen() : start.welcome();
  }
  if (s.me.role === 'inwoner') {
    switch (parts[0]) {
      case 'vragenlijsten': return inwoner.questionnaireList();
      case 'vragenlijst': return inwoner.fill(parts[1]);
      case 'notitie': return inwoner.noteScreen();
      case 'scannen': return inwoner.scanScreen();
      case 'toestemmingen': void inwoner.grantsScreen(); return;
      case 'logboek': void inwoner.logScreen(); return;
      case 'delen': return shared.shareScreen();
      case 'programmas': void inwoner.programmesScreen(); return;
      case 'programma': void inwoner.programmeScreen(parts[1]); return;
      case 'account': void start.accountScreen(); return;
      case 'deel': void inwoner.partScreen(parts[1]); return;
      default: void inwoner.overview(); return;
    }
  }
  switch (parts[0]) {
    case 'verzoek': return pro.requestScreen();
    case 'rugzak': void pro.vaultScreen(parts[1], parts[2]); return;
    case 'account': void start.accountScreen(); return;
    default: void pro.proHome();
  }
}

async function boot(): Promise<void> {
  await init({ module_or_path: '/pkg/rugzak_web_bg.wasm' });
  const lang = localStorage.getItem('rugzak-lang') ?? 'nl';
  core.setLanguage(lang);
  document.documentElement.lang = lang;
  s.route = route;
  s.stored = await store.load();
  header();
  // A link to the screen already shown shows it afresh (the hash does not change, so no
  // hashchange): "Delen" on the share screen reloads its list.
  document.addEventListener('click', (ev) => {
    const a = (ev.target as Element | null)?.closest?.('a[href^="#/"]');
    if (a && a.getAttribute('href') === (location.hash || '#/')) route();
  });
  window.addEventListener('hashchange', () => {
    // On a share link's page only a new link (pasted into this tab) or a link into the app
    // changes the screen; an in-page jump (the skip link) does not open the link again.
    if (location.pathname === '/open' && !location.hash.startsWith('#/') && !shared.takeLink()) return;
    route();
  });
  route();
  document.body.dataset.ready = 'true';
  if ('serviceWorker' in navigator) void navigator.serviceWorker.register('/sw.js');
}

void boot();
