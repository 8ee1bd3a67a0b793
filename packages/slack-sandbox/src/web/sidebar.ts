import type { Badge, SandboxPageInfoAnswer } from '../pageTypes';
import type { LocalSlackSnapshot } from '../types';
import { byId, el } from './dom';

/**
 * What surrounds the messages: the sidebar (workspace, user switcher, the host's role and mode
 * lines), the channel's header, the message box's labels and the tab's title.
 */

const DEFAULT_NOTE = 'Slack sandbox · nothing leaves this machine';
const DEFAULT_PLACEHOLDER = 'Type a slash command: /command text';

/** Sets a line's text, hiding the line when there is none. */
function showText(id: string, text: string | undefined): HTMLElement {
  const node = byId(id);
  node.textContent = text ?? '';
  node.hidden = text === undefined || text === '';
  return node;
}

function showMode(mode: Badge | undefined): void {
  const node = showText('mode', mode?.text);
  node.className = mode === undefined ? 'mode' : `mode tone-${mode.tone}`;
}

function showUsers(snapshot: LocalSlackSnapshot, user: string): void {
  const switcher = byId('user-switcher') as HTMLSelectElement;
  const people = snapshot.users;
  if (switcher.options.length !== people.length) {
    switcher.replaceChildren(
      ...people.map((u) =>
        el('option', { attrs: { value: u.id } }, `${u.real_name ?? u.name} (@${u.name})`),
      ),
    );
  }
  switcher.value = user;
}

export function renderSidebar(
  info: SandboxPageInfoAnswer,
  snapshot: LocalSlackSnapshot,
  user: string,
  channel: string,
): void {
  const channelName = snapshot.channels.find((c) => c.id === channel)?.name ?? channel;
  document.title = info.title ?? `#${channelName} · Slack sandbox`;
  byId('workspace-name').textContent = snapshot.team.name;
  byId('sandbox-note').textContent = info.note ?? DEFAULT_NOTE;
  byId('channel-link').textContent = `# ${channelName}`;
  byId('channel-title').textContent = `# ${channelName}`;
  showText('channel-topic', info.topic);
  const composer = byId('composer-input');
  composer.setAttribute('aria-label', `Message #${channelName}`);
  composer.setAttribute('placeholder', info.composerPlaceholder ?? DEFAULT_PLACEHOLDER);
  const roles = info.roles;
  const role =
    roles !== undefined && Object.hasOwn(roles.byUser, user) ? roles.byUser[user] : undefined;
  showText('user-role', role ?? roles?.others);
  showMode(info.mode);
  byId('side-panel').hidden = !info.sidePanel;
  byId('app').classList.toggle('without-side-panel', !info.sidePanel);
  showUsers(snapshot, user);
}
