import type { MrkdwnNode } from './mrkdwn';

/**
 * DOM building for the page. Text only ever goes in through text nodes and attributes, never
 * through innerHTML: finding text is written by attackers, and the page must not be where it
 * turns into markup.
 */

type Child = Node | string | null | undefined | false;

export interface ElementProps {
  readonly className?: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly on?: Readonly<Record<string, (event: Event) => void>>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  ...children: readonly Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className !== undefined) element.className = props.className;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  for (const [name, handler] of Object.entries(props.on ?? {})) {
    element.addEventListener(name, handler);
  }
  append(element, children);
  return element;
}

/** An element of index.html, which the page cannot run without. */
export function byId(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Names for `<@U…>` mentions and `<#C…>` channels. */
export interface Names {
  user(id: string): string;
  channel(id: string): string;
}

export function renderMrkdwnNodes(nodes: readonly MrkdwnNode[], names: Names): Node[] {
  return nodes.map((node) => renderNode(node, names));
}

function renderNode(node: MrkdwnNode, names: Names): Node {
  switch (node.kind) {
    case 'text':
      return document.createTextNode(node.text);
    case 'bold':
      return el('b', {}, ...renderMrkdwnNodes(node.children, names));
    case 'italic':
      return el('i', {}, ...renderMrkdwnNodes(node.children, names));
    case 'strike':
      return el('s', {}, ...renderMrkdwnNodes(node.children, names));
    case 'quote':
      return el('blockquote', {}, ...renderMrkdwnNodes(node.children, names));
    case 'code':
      return el('code', {}, node.text);
    case 'pre':
      return el('pre', {}, node.text);
    case 'link':
      return el(
        'a',
        { attrs: { href: node.href, target: '_blank', rel: 'noopener noreferrer nofollow' } },
        ...renderMrkdwnNodes(node.children, names),
      );
    case 'user':
      return el('span', { className: 'mention' }, `@${node.label ?? names.user(node.id)}`);
    case 'channel':
      return el('span', { className: 'mention' }, `#${node.label ?? names.channel(node.id)}`);
    case 'usergroup':
      return el('span', { className: 'mention' }, node.label ?? `@${node.id}`);
    case 'broadcast':
      return el('span', { className: 'mention broadcast' }, `@${node.name}`);
    case 'break':
      return el('br');
  }
}
