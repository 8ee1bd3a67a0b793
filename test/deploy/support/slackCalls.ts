import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../../harness/deploy/functions';

/**
 * What the bot asks of Slack, read from src/: the Web API methods it calls (→ OAuth scopes), the
 * slash commands it registers and whether it listens to interactions.
 */

/** Bot scopes each Web API method needs; an empty list means the method needs none. */
export const SCOPES_FOR_METHOD: Readonly<Record<string, readonly string[]>> = {
  'chat.postMessage': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.delete': ['chat:write'],
  'chat.getPermalink': [],
  // The security channel may be public (channels:) or private (groups:); the operator chooses.
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  'conversations.info': ['channels:read', 'groups:read'],
  'usergroups.list': ['usergroups:read'],
  'usergroups.users.list': ['usergroups:read'],
  'users.info': ['users:read'],
  'users.list': ['users:read'],
  'views.open': [],
  'views.update': [],
  'views.push': [],
  'auth.test': [],
};

export class UnmappedMethodError extends Error {
  override readonly name = 'UnmappedMethodError';
}

export interface SlackUse {
  /** method → files calling it */
  readonly methods: Map<string, string[]>;
  readonly commands: Set<string>;
  readonly interactive: boolean;
  readonly events: boolean;
}

const FAMILIES =
  'chat|conversations|usergroups|users|views|reactions|pins|files|team|auth|bots|reminders|dnd';
/** `client.chat.postMessage(`, `this.client.usergroups.users.list(` … (a WebClient is a `client`). */
const METHOD_CALL = new RegExp(`\\bclient\\.(?:${FAMILIES})\\.[a-zA-Z]+(?:\\.[a-zA-Z]+)?\\(`, 'g');
const API_CALL = /\.apiCall\(\s*['"]([a-z]+\.[a-zA-Z.]+)['"]/g;
const COMMAND = /\.command\(\s*['"](\/[a-z0-9_-]+)['"]/g;
/** `app.command(NAME, …)` with `const NAME = '/x'` somewhere in the source. */
const COMMAND_BY_NAME = /\.command\(\s*([A-Z_][A-Z0-9_]*)\s*,/g;
const CONSTANT = (name: string) => new RegExp(`const ${name} = ['"](\\/[a-z0-9_-]+)['"]`);
const INTERACTION = /\bapp\.(?:action|view|shortcut|options)(?:<[^>(]*>)?\(/;
const EVENT = /\bapp\.(?:event|message)(?:<[^>(]*>)?\(/;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/**
 * How the bot's code uses Slack. The Slack sandbox, which implements the API rather than calling
 * it, is a package of its own (packages/slack-sandbox), outside `src`.
 */
export function slackUseIn(dir = 'src'): SlackUse {
  const use: SlackUse = {
    methods: new Map(),
    commands: new Set(),
    interactive: false,
    events: false,
  };
  let interactive = false;
  let events = false;
  const files = sourceFiles(dir);
  const allCode = files.map((file) => readFileSync(join(ROOT, file), 'utf8')).join('\n');
  for (const file of files) {
    const code = readFileSync(join(ROOT, file), 'utf8');
    const methods = [
      ...[...code.matchAll(METHOD_CALL)].map((m) => m[0].slice('client.'.length, -1)),
      ...[...code.matchAll(API_CALL)].map((m) => m[1] ?? ''),
    ];
    for (const method of methods) {
      use.methods.set(method, [...new Set([...(use.methods.get(method) ?? []), file])]);
    }
    for (const match of code.matchAll(COMMAND)) use.commands.add(match[1] ?? '');
    for (const match of code.matchAll(COMMAND_BY_NAME)) {
      const value = CONSTANT(match[1] ?? '').exec(allCode)?.[1];
      if (value !== undefined) use.commands.add(value);
    }
    interactive ||= INTERACTION.test(code);
    events ||= EVENT.test(code);
  }
  return { ...use, interactive, events };
}

/** The bot scopes the code needs, each with why. */
export function requiredScopes(use: SlackUse): Map<string, string> {
  const scopes = new Map<string, string>();
  for (const [method, files] of use.methods) {
    const needed = SCOPES_FOR_METHOD[method];
    if (needed === undefined) {
      throw new UnmappedMethodError(
        `${method} (called in ${files.join(', ')}): add its scopes to test/deploy/support/slackCalls.ts`,
      );
    }
    for (const scope of needed) scopes.set(scope, `${method} in ${files.join(', ')}`);
  }
  if (use.commands.size > 0)
    scopes.set('commands', `slash commands ${[...use.commands].join(', ')}`);
  return scopes;
}
