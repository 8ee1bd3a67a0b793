import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCfnYaml, loadTemplate } from '../../harness/deploy/cfn';
import { ROOT } from '../../harness/deploy/functions';
import { requiredScopes, slackUseIn, UnmappedMethodError } from './support/slackCalls';

interface Manifest {
  display_information: { name: string };
  features: {
    bot_user?: { display_name: string };
    slash_commands?: { command: string; url: string; should_escape?: boolean }[];
  };
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: {
    interactivity?: { is_enabled: boolean; request_url?: string };
    event_subscriptions?: unknown;
    socket_mode_enabled?: boolean;
  };
}

const manifest = loadCfnYaml(join(ROOT, 'manifest.yml')) as Manifest;
const use = slackUseIn();
const PLACEHOLDER = 'https://replace-with-slack-request-url.invalid/slack/events';

describe('manifest.yml agrees with what the bot does', () => {
  test('bot scopes are exactly the ones the code’s Web API calls and commands need', () => {
    const required = requiredScopes(use);
    expect(manifest.oauth_config.scopes.bot).toEqual([...required.keys()].sort());
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
  });

  test('the code’s calls today, each with the scope it needs', () => {
    expect([...use.methods.keys()].sort()).toEqual([
      'auth.test',
      'chat.postEphemeral',
      'chat.postMessage',
      'chat.update',
      'conversations.history',
      'conversations.replies',
      'usergroups.users.list',
      'users.list',
      'views.open',
      // The suppress modal's count of open findings, filled in once counted.
      'views.update',
    ]);
    expect(Object.fromEntries(requiredScopes(use))).toEqual({
      'chat:write': expect.stringMatching(/^chat\./) as string,
      'channels:history':
        'conversations.replies in src/bot/interactions/details.ts, src/bot/slackClient.ts',
      'groups:history':
        'conversations.replies in src/bot/interactions/details.ts, src/bot/slackClient.ts',
      'usergroups:read': 'usergroups.users.list in src/bot/interactions/directory.ts',
      'users:read': 'users.list in src/bot/commands/people.ts',
      commands: 'slash commands /guardduty',
    });
  });

  test('a Web API method without a known scope is an error, not a guess', () => {
    const unknown = { ...use, methods: new Map([['files.upload', ['src/x.ts']]]) };
    expect(() => requiredScopes(unknown)).toThrow(UnmappedMethodError);
    expect(() => requiredScopes(unknown)).toThrow('files.upload (called in src/x.ts)');
  });

  test('the slash commands are the ones the bot registers, with escaped mentions', () => {
    const commands = manifest.features.slash_commands ?? [];
    expect(commands.map((c) => c.command).sort()).toEqual([...use.commands].sort());
    expect(commands.map((c) => c.should_escape)).toEqual(commands.map(() => true));
  });

  test('interactivity is on for buttons and modals; no event subscriptions are asked for', () => {
    expect(use.interactive).toBe(true);
    expect(manifest.settings.interactivity?.is_enabled).toBe(true);
    expect(use.events).toBe(false);
    expect(manifest.settings.event_subscriptions).toBeUndefined();
  });

  test('every request URL is the one placeholder, on the route the stack serves', () => {
    const urls = [
      ...(manifest.features.slash_commands ?? []).map((c) => c.url),
      manifest.settings.interactivity?.request_url,
    ];
    expect(urls).toEqual(urls.map(() => PLACEHOLDER));
    const template = loadTemplate(join(ROOT, 'template.yaml'));
    const route = JSON.stringify(template.Resources.SlackFunction?.Properties?.Events);
    expect(route).toContain(`"Path":"${new URL(PLACEHOLDER).pathname}"`);
    const output = JSON.stringify(template.Outputs.SlackRequestUrl?.Value);
    expect(output).toContain(new URL(PLACEHOLDER).pathname);
  });

  test('the README tells the operator to replace the placeholder with the stack output', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(PLACEHOLDER);
    expect(readme).toContain('SlackRequestUrl');
  });

  test('Socket Mode is off by default; the bot has a user to post as', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.features.bot_user?.display_name).toBe('guardduty');
  });
});
