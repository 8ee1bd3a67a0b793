import { unknownCommandText, type SandboxPageInfoAnswer, type SidePanel } from '../pageTypes';
import type {
  EphemeralMessage,
  LocalSlackSnapshot,
  LocalSlackUser,
  OpenView,
  SlackMessage,
} from '../types';
import { act, getJson, type ActionResult } from './api';
import { renderAttachments, renderBlocks, type BlockContext, type ButtonPress } from './blocks';
import { byId, el, renderMrkdwnNodes, type Names } from './dom';
import { renderModal, type DrawnModal } from './modal';
import { parseMrkdwn } from './mrkdwn';
import { renderSidePanel } from './sidePanel';
import { renderSidebar } from './sidebar';

/** A line only this browser shows (a failed command, a hint), like Slackbot's ephemeral notes. */
interface Notice {
  readonly ts: string;
  readonly text: string;
}

type ChannelMessage = LocalSlackSnapshot['channels'][number]['messages'][number];

/** Where the page remembers whom the user last acted as. */
const USER_KEY = 'slack-sandbox-user';

const state = {
  info: undefined as SandboxPageInfoAnswer | undefined,
  snapshot: undefined as LocalSlackSnapshot | undefined,
  sidePanel: undefined as SidePanel | undefined,
  user: '',
  openThreads: new Set<string>(),
  notices: [] as Notice[],
  /** The modal drawn now: redrawn only when the view changes, so typed values stay. */
  modal: { key: '' } as { key: string; drawn?: DrawnModal },
  /**
   * Ephemeral messages already there when the page loaded: Slack's client shows an ephemeral
   * only in the session that received it, so a reload makes them disappear.
   */
  earlierEphemerals: undefined as Set<string> | undefined,
};

function nowTs(): string {
  return (Date.now() / 1000).toFixed(6);
}

function compareTs(a: string, b: string): number {
  return Number(a) - Number(b);
}

function timeOf(ts: string): string {
  return new Date(Number(ts) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** The workspace's people (none before the first state arrives). */
function people(): readonly LocalSlackUser[] {
  return state.snapshot?.users ?? [];
}

const names: Names = {
  user: (id) => {
    const snapshot = state.snapshot;
    if (snapshot?.bot.userId === id) return snapshot.bot.name;
    return people().find((u) => u.id === id)?.name ?? id;
  },
  channel: (id) => state.snapshot?.channels.find((c) => c.id === id)?.name ?? id,
};

/** The channel shown: the host's choice, or the workspace's first. */
function channelId(): string {
  return state.info?.channel ?? state.snapshot?.channels[0]?.id ?? '';
}

function notify(text: string): void {
  state.notices.push({ ts: nowTs(), text });
  render();
}

async function report(what: string, result: Promise<ActionResult>): Promise<void> {
  const outcome = await result;
  if (!outcome.ok) notify(`${what} failed: ${outcome.problem}`);
  await refresh();
}

function blockContext(target: Record<string, string>): BlockContext {
  return {
    names,
    press: (button: ButtonPress) =>
      report('The button', act('/local/click', { user: state.user, ...target, ...button })),
  };
}

function renderBody(
  message: {
    text: string;
    blocks?: SlackMessage['blocks'];
    attachments?: SlackMessage['attachments'];
  },
  ctx: BlockContext,
): Node[] {
  const attachments = renderAttachments(message.attachments ?? [], ctx);
  if (message.blocks !== undefined && message.blocks.length > 0)
    return [...renderBlocks(message.blocks, ctx), ...attachments];
  if (message.text === '' && attachments.length > 0) return attachments;
  return [
    el('div', { className: 'bk-text' }, ...renderMrkdwnNodes(parseMrkdwn(message.text), names)),
    ...attachments,
  ];
}

function authorOf(message: SlackMessage): string {
  if (message.bot_id !== undefined && message.bot_id === state.snapshot?.bot.botId) {
    return state.snapshot.bot.name;
  }
  return names.user(message.user ?? '');
}

function messageShell(
  className: string,
  author: string,
  ts: string,
  meta: readonly (Node | null)[],
  body: readonly Node[],
  attrs: Record<string, string>,
): HTMLElement {
  return el(
    'article',
    { className, attrs },
    el(
      'div',
      { className: 'avatar', attrs: { 'aria-hidden': 'true' } },
      author.slice(0, 1).toUpperCase(),
    ),
    el(
      'div',
      { className: 'message-content' },
      el(
        'div',
        { className: 'message-meta' },
        el('span', { className: 'author' }, author),
        ...meta,
        el('time', { attrs: { datetime: new Date(Number(ts) * 1000).toISOString() } }, timeOf(ts)),
      ),
      ...body,
    ),
  );
}

function renderMessage(message: SlackMessage, replies: readonly SlackMessage[]): HTMLElement {
  const ctx = blockContext({ messageTs: message.ts, channel: channelId() });
  const isBot = message.bot_id !== undefined;
  const body = renderBody(message, ctx);
  if (replies.length > 0) {
    const open = state.openThreads.has(message.ts);
    const toggle = el(
      'button',
      { className: 'thread-toggle', attrs: { type: 'button', 'aria-expanded': String(open) } },
      `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`,
    );
    toggle.addEventListener('click', () => {
      if (state.openThreads.has(message.ts)) state.openThreads.delete(message.ts);
      else state.openThreads.add(message.ts);
      render();
    });
    body.push(toggle);
    if (open) {
      body.push(
        el(
          'div',
          { className: 'thread', attrs: { 'aria-label': 'Thread' } },
          ...replies.map((r) => renderMessage(r, [])),
        ),
      );
    }
  }
  return messageShell(
    'message',
    authorOf(message),
    message.ts,
    [
      isBot ? el('span', { className: 'app-badge' }, 'APP') : null,
      message.edited === undefined ? null : el('span', { className: 'edited' }, '(edited)'),
    ],
    body,
    { 'data-ts': message.ts },
  );
}

function renderEphemeral(ephemeral: EphemeralMessage): HTMLElement {
  const ctx = blockContext({ ephemeral: ephemeral.message_ts });
  return messageShell(
    'message ephemeral',
    state.snapshot?.bot.name ?? 'app',
    ephemeral.message_ts,
    [el('span', { className: 'app-badge' }, 'APP')],
    [...renderBody(ephemeral, ctx), el('div', { className: 'only-you' }, 'Only visible to you')],
    { 'data-ts': ephemeral.message_ts },
  );
}

function renderNotice(notice: Notice): HTMLElement {
  return messageShell(
    'message ephemeral notice',
    'Slackbot',
    notice.ts,
    [],
    [
      el('div', { className: 'bk-text' }, notice.text),
      el('div', { className: 'only-you' }, 'Only visible to you'),
    ],
    { role: 'alert' },
  );
}

function renderChannel(): void {
  const container = byId('messages');
  const snapshot = state.snapshot;
  const channel = snapshot?.channels.find((c) => c.id === channelId());
  const items: { ts: string; node: () => HTMLElement }[] = [
    ...(channel?.messages ?? []).map((m: ChannelMessage) => ({
      ts: m.ts,
      node: () => renderMessage(m, m.replies),
    })),
    ...(snapshot?.ephemerals ?? [])
      .filter((e) => e.user === state.user && e.channel === channelId())
      .filter((e) => state.earlierEphemerals?.has(e.message_ts) !== true)
      .map((e) => ({ ts: e.message_ts, node: () => renderEphemeral(e) })),
    ...state.notices.map((n) => ({ ts: n.ts, node: () => renderNotice(n) })),
  ];
  items.sort((a, b) => compareTs(a.ts, b.ts));
  const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 80;
  const scrollTop = container.scrollTop;
  container.replaceChildren(...items.map((item) => item.node()));
  container.scrollTop = atBottom ? container.scrollHeight : scrollTop;
}

function topViewOf(user: string): OpenView | undefined {
  const open = state.snapshot?.views ?? [];
  return open.filter((v) => v.user === user).at(-1);
}

function renderModalLayer(): void {
  const root = byId('modal-root');
  const open = topViewOf(state.user);
  const key = open === undefined ? '' : `${open.view.id}/${open.view.hash}`;
  if (key === state.modal.key) {
    // Same view: only the bot's field errors may have changed; the typed values stay.
    if (open !== undefined) state.modal.drawn?.showErrors(open.errors ?? {});
    return;
  }
  if (open === undefined) {
    state.modal = { key };
    root.replaceChildren();
    return;
  }
  const viewId = open.view.id;
  const drawn = renderModal(open, {
    ...blockContext({ viewId }),
    users: state.snapshot?.users ?? [],
    submit: async (values) => {
      const outcome = await act('/local/submit-view', { user: state.user, viewId, values });
      await refresh();
      return outcome.ok ? undefined : `We had some trouble connecting: ${outcome.problem}`;
    },
    cancel: () =>
      report('Closing the dialog', act('/local/close-view', { user: state.user, viewId })),
  });
  state.modal = { key, drawn };
  root.replaceChildren(drawn.node);
}

function render(): void {
  const { info, snapshot } = state;
  if (info !== undefined && snapshot !== undefined) {
    renderSidebar(info, snapshot, state.user, channelId());
  }
  renderChannel();
  renderModalLayer();
  if (state.sidePanel !== undefined) renderSidePanel(state.sidePanel);
}

async function refresh(): Promise<void> {
  const [snapshot, sidePanel] = await Promise.all([
    getJson<LocalSlackSnapshot>('/local/state'),
    state.info?.sidePanel === true ? getJson<SidePanel>('/sandbox/side-panel') : undefined,
  ]);
  state.snapshot = snapshot;
  state.earlierEphemerals ??= new Set(snapshot.ephemerals.map((e) => e.message_ts));
  state.sidePanel = sidePanel;
  render();
}

let refreshQueued = false;
function scheduleRefresh(): void {
  if (refreshQueued) return;
  refreshQueued = true;
  setTimeout(() => {
    refreshQueued = false;
    void refresh();
  }, 25);
}

function listen(): void {
  const status = byId('connection');
  const events = new EventSource('/local/events');
  events.addEventListener('open', () => {
    status.textContent = 'Live';
    status.className = 'connection live';
  });
  events.addEventListener('error', () => {
    status.textContent = 'Reconnecting…';
    status.className = 'connection down';
  });
  events.addEventListener('hello', scheduleRefresh);
  events.addEventListener('change', scheduleRefresh);
}

function setUpComposer(): void {
  const form = byId('composer') as HTMLFormElement;
  const input = byId('composer-input') as HTMLInputElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = input.value.trim();
    if (typed === '') return;
    const command = /^(\/\S+)\s*([\s\S]*)$/.exec(typed);
    if (command === null) {
      const hint = state.info?.commandHint;
      notify(`The sandbox sends slash commands only${hint === undefined ? '' : `: ${hint}`}`);
      return;
    }
    const [, name = '', text = ''] = command;
    // A command no app declares never leaves Slack's client: answered at once, in its words.
    const declared = state.snapshot?.commands;
    if (declared !== undefined && !declared.includes(name)) {
      notify(unknownCommandText(name));
      return;
    }
    input.disabled = true;
    void act('/local/command', { user: state.user, channel: channelId(), command: name, text })
      .then(async (outcome) => {
        if (outcome.ok) input.value = '';
        else notify(`${name} failed with the error "${outcome.problem}"`);
        await refresh();
      })
      .finally(() => {
        input.disabled = false;
        input.focus();
      });
  });
}

function setUpSwitcher(): void {
  const switcher = byId('user-switcher') as HTMLSelectElement;
  switcher.addEventListener('change', () => {
    state.user = switcher.value;
    localStorage.setItem(USER_KEY, state.user);
    state.modal = { key: '' };
    render();
  });
}

/** Escape closes the top modal, as in Slack (a confirm dialog handles its own Escape). */
function setUpEscape(): void {
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || document.querySelector('dialog[open]') !== null) return;
    const open = topViewOf(state.user);
    if (open === undefined) return;
    event.preventDefault();
    const viewId = open.view.id;
    void report('Closing the dialog', act('/local/close-view', { user: state.user, viewId }));
  });
}

/** The message a permalink of this workspace names (`…/archives/C…/p<ts>`), if it is one. */
function permalinkTarget(href: string): { ts: string; threadTs?: string } | undefined {
  const domain = state.snapshot?.team.domain;
  if (domain === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  const match = /^\/archives\/[A-Z0-9]+\/p(\d{10})(\d{6})$/.exec(url.pathname);
  if (url.host !== `${domain}.slack.com` || match === null) return undefined;
  const threadTs = url.searchParams.get('thread_ts') ?? undefined;
  return { ts: `${match[1]}.${match[2]}`, ...(threadTs === undefined ? {} : { threadTs }) };
}

/** Permalinks to this workspace's messages jump to the message on the page, as Slack's do. */
function setUpPermalinks(): void {
  byId('messages').addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a') : null;
    const target = link === null ? undefined : permalinkTarget(link.href);
    if (target === undefined) return;
    event.preventDefault();
    if (target.threadTs !== undefined && !state.openThreads.has(target.threadTs)) {
      state.openThreads.add(target.threadTs);
      render();
    }
    const shown = document.querySelector<HTMLElement>(
      `#messages article[data-ts="${CSS.escape(target.ts)}"]`,
    );
    if (shown === null) {
      notify('That message is not in this channel any more.');
      return;
    }
    shown.scrollIntoView({ block: 'center' });
    shown.classList.add('jumped');
    setTimeout(() => shown.classList.remove('jumped'), 2000);
  });
}

async function start(): Promise<void> {
  state.info = await getJson<SandboxPageInfoAnswer>('/sandbox/info');
  const requested = new URLSearchParams(location.search).get('as');
  const { users } = await getJson<LocalSlackSnapshot>('/local/state');
  const known = (id: string | null | undefined) =>
    id !== null && id !== undefined && users.some((u) => u.id === id || u.name === id);
  const pick = [requested, localStorage.getItem(USER_KEY), state.info.defaultUser].find(known);
  const chosen = users.find((u) => u.id === pick || u.name === pick);
  state.user = chosen?.id ?? users[0]?.id ?? '';
  setUpSwitcher();
  setUpComposer();
  setUpEscape();
  setUpPermalinks();
  listen();
  await refresh();
  document.body.dataset.ready = 'true';
}

void start();
