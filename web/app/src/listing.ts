// A rugzakje as people read it: its parts, newest first, with charts; items that could not be
// opened are listed apart with the reason, never hidden.

import { h } from './dom';
import { t, type Json } from './app';

/// The parts of a rugzak, in the order people read them.
export const SCOPES = ['vragenlijsten', 'verwijzing', 'intake', 'terugkoppeling', 'programmas', 'notities'];

/// A QR code (SVG text from the core) as a picture: an <img> runs no script, whatever it holds.
export function qrImage(svg: string, label: string): HTMLElement {
  return h('div', { class: 'qr' },
    h('img', { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, alt: label }));
}

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function itemCard(item: Json): HTMLElement {
  let body: HTMLElement;
  if (item.kind === 'observation' || item.kind === 'programme-progress') {
    body = h('p', { class: 'summary' }, item.summary ?? '');
  } else if (item.kind === 'questionnaire-response') {
    body = h('p', { class: 'muted' }, t('render-answers'));
  } else if (item.body && typeof item.body === 'object') {
    // A letter's fields in the order people write them (JSON objects come back sorted).
    const order = ['to', 'reason', 'question', 'agreed', 'what', 'place', 'when', 'contact', 'on', 'text'];
    const fields = Object.entries(item.body as Record<string, unknown>)
      .filter(([k, v]) => order.includes(k) && v !== '')
      .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
    body = h('dl', {}, ...fields.map(([k, v]) => [h('dt', {}, t(`web-letter-${k}`)), h('dd', {}, String(v))]).flat());
  } else {
    body = h('p', { class: 'note' }, String(item.body ?? ''));
  }
  return h('article', { class: 'item', 'data-kind': item.kind },
    h('h3', {}, item.title ?? capital(item.kind_text)),
    h('p', { class: 'meta' }, `${item.time_text} · ${item.author_text}`),
    body);
}

/// A listing as sections per part. The core sends the items people read (answers show as their
/// score, a programme as its newest progress) and each part's count; when a part holds more than
/// was sent, `whole(scope)` is where the whole part is shown.
export function listingView(listing: Json, whole?: (scope: string) => string): HTMLElement {
  const parts = SCOPES.map((scope) => {
    const items = listing.items.filter((i: Json) => i.scope === scope);
    if (items.length === 0) return null;
    const count: number = listing.counts?.[scope] ?? items.length;
    const more = whole && count > items.length
      ? h('p', {}, h('a', { class: 'button', href: whole(scope) }, t('web-show-all', { count })))
      : null;
    return h('section', { 'aria-labelledby': `s-${scope}` },
      h('h2', { id: `s-${scope}` }, items[0].scope_text),
      ...items.slice().reverse().map(itemCard), more);
  }).filter(Boolean) as HTMLElement[];
  const apart = listing.apart.length === 0 ? null : h('section', { class: 'apart' },
    h('h2', {}, t('web-apart-title')),
    h('ul', {}, ...listing.apart.map((a: Json) => h('li', {}, `${a.scope_text}: ${t(`error-${a.reason.replace(/_/g, '-')}`)}`))));
  if (parts.length === 0 && !apart) return h('p', { class: 'empty' }, t('web-empty'));
  // Charts as pictures (an <img> runs no script, whatever the SVG holds).
  const charts = (listing.charts ?? []).length === 0 ? null : h('section', { 'aria-labelledby': 's-charts' },
    h('h2', { id: 's-charts' }, t('web-charts-title')),
    ...listing.charts.map((c: Json) => h('figure', { class: 'chart', 'data-chart': c.kind },
      h('img', { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(c.svg)}`, alt: t(c.kind === 'trend' ? 'web-chart-trend-alt' : 'web-chart-web-alt', { title: c.title }) }),
      h('figcaption', {}, c.title))));
  return h('div', {}, charts, ...parts, apart);
}
