import { validateView } from './blockKit';
import { LocalSlackUsageError, SlackApiError } from './errors';
import type { Grants, ResponseTarget } from './grants';
import {
  blockActionsPayload,
  findButton,
  slashCommandFields,
  viewClosedPayload,
  viewStateValues,
  viewSubmissionPayload,
  type AppIdentity,
  type BlockActionsInput,
  type FoundButton,
} from './interactions';
import { unknownCommandText } from './pageTypes';
import { applyResponse, parseResponseMessage } from './responseUrls';
import { SlackRequestSender, type SignedRequestOptions } from './signing';
import type {
  BotResponse,
  Clock,
  JsonObject,
  LocalSlackUser,
  OpenView,
  ViewValuesInput,
} from './types';
import type { ViewRegistry } from './views';
import type { ChannelState, Workspace } from './workspace';

export interface ClickButtonInput {
  readonly user: string;
  /** A channel message carrying the button... */
  readonly messageTs?: string;
  /** ...or an ephemeral message (its message_ts)... */
  readonly ephemeral?: string;
  /** ...or an open modal. */
  readonly viewId?: string;
  /** Narrows the message search to one channel. */
  readonly channel?: string;
  readonly actionId: string;
  readonly blockId?: string;
  /** Sends this value instead of the button's own (a tampered click). */
  readonly value?: string;
  /** Signing overrides: wrong secret, stale timestamp, retry headers. */
  readonly request?: SignedRequestOptions;
}

export interface SubmitViewInput {
  readonly user: string;
  readonly viewId: string;
  readonly values?: ViewValuesInput;
  readonly request?: SignedRequestOptions;
}

export interface CloseViewInput {
  readonly user: string;
  readonly viewId: string;
  readonly request?: SignedRequestOptions;
}

export interface SlashCommandRunInput {
  readonly user: string;
  readonly channel: string;
  readonly text?: string;
  /** Default `/guardduty`. */
  readonly command?: string;
  readonly request?: SignedRequestOptions;
}

export interface SlackActorOptions {
  readonly app: AppIdentity;
  readonly workspace: Workspace;
  readonly views: ViewRegistry;
  readonly grants: Grants;
  readonly signingSecret: string;
  readonly clock: Clock;
  readonly eventsUrl: () => string | undefined;
  /** `http://127.0.0.1:PORT/respond/<id>` for a response_url id. */
  readonly responseUrl: (id: string) => string;
  readonly fetch?: typeof fetch;
  /** The app's slash commands; others never reach it (see `LocalSlackOptions.commands`). */
  readonly commands?: readonly string[];
}

/** Where a clicked button lives, resolved from the stored workspace. */
interface ClickSource {
  readonly blocks: readonly JsonObject[];
  /** A message's attachments, whose blocks may hold buttons too. */
  readonly attachments?: readonly JsonObject[];
  readonly fields: Pick<BlockActionsInput, 'container' | 'channel' | 'message' | 'view'>;
  readonly target?: ResponseTarget;
}

/**
 * Slack's side of interactivity: turns a user's click, modal submit or slash command into the
 * signed request Slack would send to the bot's request URL, then applies the bot's answer
 * (modal response_action, slash command ack message) like Slack does.
 */
export class SlackActor {
  /** The last request sent to the bot, for a redelivery. */
  private last: { readonly rawBody: string; readonly contentType: string } | undefined;

  constructor(private readonly options: SlackActorOptions) {}

  /**
   * Sends the last request again with the same body, newly signed, as Slack redelivers a request
   * it got no timely answer for (by default with `X-Slack-Retry-Num: 1`, reason `http_timeout`;
   * `{}` sends it without retry headers, like a second client sending the same click).
   * Nothing the bot answers is applied: Slack already moved on.
   */
  async redeliverLast(
    request: SignedRequestOptions = { retryNum: 1, retryReason: 'http_timeout' },
  ): Promise<BotResponse> {
    const last = this.last;
    if (last === undefined) throw new LocalSlackUsageError('nothing was sent to the bot yet');
    return this.sender().send(last.rawBody, { ...request, contentType: last.contentType });
  }

  async clickButton(input: ClickButtonInput): Promise<BotResponse> {
    const sender = this.sender();
    const user = this.user(input.user);
    const source = this.clickSource(input, user);
    const { button, attachmentId } = this.button(source, input);
    const { app, workspace, grants } = this.options;
    const fields =
      attachmentId === undefined
        ? source.fields
        : {
            ...source.fields,
            // Slack names a button inside an attachment by the attachment it is in.
            container: {
              type: 'message_attachment',
              message_ts: source.fields.container.message_ts ?? '',
              attachment_id: attachmentId,
              channel_id: source.fields.container.channel_id ?? '',
              is_ephemeral: source.fields.container.is_ephemeral ?? false,
              is_app_unfurl: false,
            },
          };
    const payload = blockActionsPayload({
      app,
      user,
      button,
      value: input.value,
      actionTs: workspace.nextTs(),
      triggerId: grants.issueTrigger(user.id),
      ...fields,
      ...(source.target === undefined
        ? {}
        : { responseUrl: this.options.responseUrl(grants.issueResponseUrl(source.target)) }),
    });
    return sender.sendInteraction(payload, input.request);
  }

  async submitView(input: SubmitViewInput): Promise<BotResponse> {
    const sender = this.sender();
    const user = this.user(input.user);
    const { app, grants } = this.options;
    const open = this.topView(user.id, input.viewId, 'submit');
    const values = viewStateValues(open.view, input.values ?? {});
    const payload = viewSubmissionPayload({
      app,
      user,
      view: open.view,
      values,
      triggerId: grants.issueTrigger(user.id),
    });
    const response = await sender.sendInteraction(payload, input.request);
    this.applyViewResponse(user.id, input.viewId, response);
    return response;
  }

  /**
   * The user closes their top modal (Cancel). The bot hears of it only when the view asked with
   * `notify_on_close`; then its answer is returned, otherwise undefined.
   */
  async closeView(input: CloseViewInput): Promise<BotResponse | undefined> {
    const user = this.user(input.user);
    const { views, app } = this.options;
    const open = this.topView(user.id, input.viewId, 'close');
    const sender = open.view.notify_on_close ? this.sender() : undefined;
    views.close(input.viewId);
    return sender?.sendInteraction(
      viewClosedPayload({ app, user, view: open.view }),
      input.request,
    );
  }

  async runSlashCommand(input: SlashCommandRunInput): Promise<BotResponse> {
    const { commands } = this.options;
    const name = input.command ?? '/guardduty';
    if (commands !== undefined && !commands.includes(name)) {
      throw new LocalSlackUsageError(unknownCommandText(name));
    }
    const sender = this.sender();
    const user = this.user(input.user);
    const { grants, app } = this.options;
    const channel = this.channel(input.channel);
    const target: ResponseTarget = { kind: 'command', user: user.id, channel: channel.id };
    const fields = slashCommandFields({
      app,
      user,
      channel: { id: channel.id, name: channel.name },
      command: name,
      text: input.text ?? '',
      responseUrl: this.options.responseUrl(grants.issueResponseUrl(target)),
      triggerId: grants.issueTrigger(user.id),
    });
    const response = await sender.sendSlashCommand(fields, input.request);
    this.applyCommandAck(target, response);
    return response;
  }

  private sender(): SlackRequestSender {
    const url = this.options.eventsUrl();
    if (url === undefined) {
      throw new LocalSlackUsageError('no eventsUrl: start the bot, then call setEventsUrl(url)');
    }
    return new SlackRequestSender({
      url,
      signingSecret: this.options.signingSecret,
      clock: this.options.clock,
      onSend: (rawBody, contentType) => {
        this.last = { rawBody, contentType };
      },
      ...(this.options.fetch === undefined ? {} : { fetch: this.options.fetch }),
    });
  }

  /** The user's modal on top of their stack: the only one they can submit or close. */
  private topView(user: string, viewId: string, verb: 'submit' | 'close'): OpenView {
    const { views } = this.options;
    const open = views.get(viewId);
    if (open?.user !== user) {
      throw new LocalSlackUsageError(`view ${viewId} is not open for ${user}`);
    }
    if (views.topOf(user)?.view.id !== viewId) {
      throw new LocalSlackUsageError(`view ${viewId} is under another modal; ${verb} the top one`);
    }
    return open;
  }

  private channel(id: string): ChannelState {
    try {
      return this.options.workspace.channel(id);
    } catch (error) {
      if (error instanceof SlackApiError) throw new LocalSlackUsageError(`unknown channel ${id}`);
      throw error;
    }
  }

  private user(id: string): LocalSlackUser {
    const user = this.options.workspace.user(id);
    if (user === undefined) throw new LocalSlackUsageError(`unknown user ${id}`);
    return user;
  }

  private clickSource(input: ClickButtonInput, user: LocalSlackUser): ClickSource {
    const { workspace, views } = this.options;
    if (input.ephemeral !== undefined) {
      const ephemeral = workspace.getEphemeral(input.ephemeral);
      if (ephemeral === undefined) {
        throw new LocalSlackUsageError(`no ephemeral message ${input.ephemeral}`);
      }
      if (ephemeral.user !== user.id) {
        throw new LocalSlackUsageError(
          `ephemeral ${input.ephemeral} is visible only to ${ephemeral.user}, not ${user.id}`,
        );
      }
      const channel = workspace.channel(ephemeral.channel);
      return {
        blocks: ephemeral.blocks ?? [],
        attachments: ephemeral.attachments ?? [],
        fields: {
          container: {
            type: 'message',
            message_ts: ephemeral.message_ts,
            channel_id: channel.id,
            is_ephemeral: true,
          },
          channel: { id: channel.id, name: channel.name },
        },
        target: {
          kind: 'ephemeral',
          user: user.id,
          channel: channel.id,
          messageTs: ephemeral.message_ts,
        },
      };
    }
    if (input.viewId !== undefined) {
      const open = views.get(input.viewId);
      if (open?.user !== user.id) {
        throw new LocalSlackUsageError(`view ${input.viewId} is not open for ${user.id}`);
      }
      return {
        blocks: open.view.blocks,
        fields: { container: { type: 'view', view_id: open.view.id }, view: open.view },
      };
    }
    if (input.messageTs === undefined) {
      throw new LocalSlackUsageError('clickButton needs messageTs, ephemeral or viewId');
    }
    const found = workspace.locateMessage(input.messageTs, input.channel);
    if (found === undefined) throw new LocalSlackUsageError(`no message ${input.messageTs}`);
    const { channel, message } = found;
    return {
      blocks: message.blocks ?? [],
      attachments: message.attachments ?? [],
      fields: {
        container: {
          type: 'message',
          message_ts: message.ts,
          channel_id: channel.id,
          is_ephemeral: false,
          ...(message.thread_ts === undefined ? {} : { thread_ts: message.thread_ts }),
        },
        channel: { id: channel.id, name: channel.name },
        message: { ...message },
      },
      target: { kind: 'message', user: user.id, channel: channel.id, messageTs: message.ts },
    };
  }

  /** The button in the blocks, or in an attachment's blocks (attachment_id counts from 1). */
  private button(
    source: ClickSource,
    input: ClickButtonInput,
  ): { button: FoundButton; attachmentId?: number } {
    const inBlocks = findButton(source.blocks, input.actionId, input.blockId);
    if (inBlocks !== undefined) return { button: inBlocks };
    for (const [index, attachment] of (source.attachments ?? []).entries()) {
      const blocks = Array.isArray(attachment.blocks) ? (attachment.blocks as JsonObject[]) : [];
      const button = findButton(blocks, input.actionId, input.blockId);
      if (button !== undefined) return { button, attachmentId: index + 1 };
    }
    {
      const where = input.blockId === undefined ? '' : ` in block ${input.blockId}`;
      throw new LocalSlackUsageError(`no button with action_id ${input.actionId}${where}`);
    }
  }

  /** Slack closes, updates, pushes or annotates the modal according to the bot's answer. */
  private applyViewResponse(user: string, viewId: string, response: BotResponse): void {
    const { views } = this.options;
    if (response.status !== 200) return; // Slack shows an error and leaves the modal open
    if (response.body.trim() === '') {
      views.close(viewId);
      return;
    }
    const answer = parseJsonObject(response.body);
    if (answer === undefined) return;
    try {
      this.applyResponseAction(user, viewId, answer);
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      // Slack shows an error in the modal for a view it cannot render; the modal stays as it was.
    }
  }

  private applyResponseAction(user: string, viewId: string, answer: Record<string, unknown>): void {
    const { views } = this.options;
    switch (answer.response_action) {
      case 'errors':
        views.setErrors(viewId, stringRecord(answer.errors));
        return;
      case 'update':
        views.update({ viewId }, validateView(answer.view));
        return;
      case 'push':
        views.push(user, validateView(answer.view));
        return;
      case 'clear':
        views.clear(user);
        return;
      default:
        views.close(viewId);
    }
  }

  /** A slash command's ack may carry a message; Slack shows it like a response_url POST. */
  private applyCommandAck(target: ResponseTarget, response: BotResponse): void {
    const body = response.body.trim();
    if (response.status !== 200 || body === '') return;
    const json = parseJsonObject(body);
    try {
      const message = json === undefined ? { text: body } : parseResponseMessage(body);
      applyResponse(this.options.workspace, target, message, 'command_ack');
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      // Slack shows nothing for an ack it cannot render; the bot's answer stays in `response`.
    }
  }
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}
