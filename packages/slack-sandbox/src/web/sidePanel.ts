import type { SidePanel, SidePanelEntry, SidePanelLine } from '../pageTypes';
import { el } from './dom';

/**
 * The host's column right of the channel (e.g. its audit log). Its entries are plain text: the
 * host may put attacker-written text in them too.
 */

function line(entry: SidePanelLine): HTMLElement {
  const className = entry.tone === undefined ? 'audit-line' : `audit-line tone-${entry.tone}`;
  return el('div', { className }, entry.text);
}

function entryItem(entry: SidePanelEntry): HTMLElement {
  const className = entry.tone === undefined ? 'audit-entry' : `audit-entry tone-${entry.tone}`;
  return el(
    'li',
    { className, attrs: { 'data-entry-id': entry.id } },
    el(
      'div',
      { className: 'audit-head' },
      el('span', { className: 'audit-type' }, entry.title),
      entry.badge === undefined
        ? null
        : el('span', { className: `badge tone-${entry.badge.tone}` }, entry.badge.text),
      el('time', { attrs: { datetime: entry.at } }, new Date(entry.at).toLocaleTimeString()),
    ),
    ...(entry.lines ?? []).map(line),
  );
}

/** Fills the panel's `<aside>`: its title and entries, or its empty note. */
export function renderSidePanel(panel: SidePanel): void {
  const aside = document.getElementById('side-panel');
  const title = document.getElementById('side-panel-title');
  const list = document.getElementById('audit-entries');
  if (aside === null || title === null || list === null) return;
  aside.setAttribute('aria-label', panel.title);
  title.textContent = panel.title;
  if (panel.entries.length === 0) {
    list.replaceChildren(el('li', { className: 'audit-empty' }, panel.empty ?? 'Nothing yet.'));
  } else {
    list.replaceChildren(...panel.entries.map(entryItem));
  }
}
