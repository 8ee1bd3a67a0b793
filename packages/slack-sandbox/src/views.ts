import type { ChangeFeed, IdSequence } from './changes';
import { SlackApiError } from './errors';
import type { BotIdentity, Clock, JsonObject, OpenView, SlackView, TeamIdentity } from './types';

/** Slack keeps at most three modals stacked per user. */
export const MAX_VIEW_STACK = 3;

export interface ViewRegistryOptions {
  readonly team: TeamIdentity;
  readonly bot: BotIdentity;
  readonly clock: Clock;
  readonly ids: IdSequence;
  readonly feed: ChangeFeed;
}

export type ViewRef = { readonly viewId: string } | { readonly externalId: string };

function optionalObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The modals open in the workspace, one stack per user, as views.open/push/update leave them. */
export class ViewRegistry {
  private readonly views = new Map<string, OpenView>();
  private readonly stacks = new Map<string, string[]>();

  constructor(private readonly options: ViewRegistryOptions) {}

  /** Opens a modal for the user, replacing any modal stack they had. */
  open(user: string, input: JsonObject): SlackView {
    this.clear(user);
    this.assertExternalIdFree(input);
    const view = this.build(input, this.options.ids.next('V', 10), null);
    this.views.set(view.id, { user, view });
    this.stacks.set(user, [view.id]);
    this.options.feed.emit({ kind: 'view.opened', user, viewId: view.id });
    return view;
  }

  /** Pushes a modal on top of the user's open one. */
  push(user: string, input: JsonObject): SlackView {
    const stack = this.stacks.get(user) ?? [];
    const top = stack.at(-1);
    if (top === undefined) throw new SlackApiError('not_found', ['[ERROR] no modal is open']);
    if (stack.length >= MAX_VIEW_STACK) throw new SlackApiError('push_limit_reached');
    this.assertExternalIdFree(input);
    const view = this.build(input, this.options.ids.next('V', 10), top);
    this.views.set(view.id, { user, view });
    stack.push(view.id);
    this.options.feed.emit({ kind: 'view.opened', user, viewId: view.id });
    return view;
  }

  /** Replaces a view's content in place; with a hash, refuses a stale update like Slack. */
  update(ref: ViewRef, input: JsonObject, hash?: string): SlackView {
    const open = this.find(ref);
    if (open === undefined) throw new SlackApiError('not_found');
    if (hash !== undefined && hash !== open.view.hash) throw new SlackApiError('hash_conflict');
    open.view = this.build(input, open.view.id, open.view.previous_view_id, open.view.root_view_id);
    delete open.errors;
    this.options.feed.emit({ kind: 'view.updated', user: open.user, viewId: open.view.id });
    return open.view;
  }

  /** Closes a view and every view pushed above it. */
  close(viewId: string): void {
    const open = this.views.get(viewId);
    if (open === undefined) return;
    const stack = this.stacks.get(open.user) ?? [];
    const index = stack.indexOf(viewId);
    for (const id of stack.splice(index === -1 ? stack.length : index)) {
      this.views.delete(id);
      this.options.feed.emit({ kind: 'view.closed', user: open.user, viewId: id });
    }
    if (stack.length === 0) this.stacks.delete(open.user);
  }

  /** Closes every modal of the user. */
  clear(user: string): void {
    const root = this.stacks.get(user)?.[0];
    if (root !== undefined) this.close(root);
  }

  get(viewId: string): OpenView | undefined {
    return this.views.get(viewId);
  }

  /** The modal the user sees now (top of their stack). */
  topOf(user: string): OpenView | undefined {
    const top = this.stacks.get(user)?.at(-1);
    return top === undefined ? undefined : this.views.get(top);
  }

  list(): readonly OpenView[] {
    return [...this.views.values()];
  }

  setErrors(viewId: string, errors: Record<string, string>): void {
    const open = this.views.get(viewId);
    if (open === undefined) return;
    open.errors = errors;
    this.options.feed.emit({ kind: 'view.updated', user: open.user, viewId });
  }

  private find(ref: ViewRef): OpenView | undefined {
    if ('viewId' in ref) return this.views.get(ref.viewId);
    return [...this.views.values()].find((open) => open.view.external_id === ref.externalId);
  }

  private assertExternalIdFree(input: JsonObject): void {
    const externalId = text(input.external_id);
    if (externalId !== '' && this.find({ externalId }) !== undefined) {
      throw new SlackApiError('duplicate_external_id');
    }
  }

  private build(
    input: JsonObject,
    id: string,
    previousViewId: string | null,
    rootViewId?: string,
  ): SlackView {
    const { team, bot, clock, ids } = this.options;
    const title = optionalObject(input.title);
    const submit = optionalObject(input.submit);
    const close = optionalObject(input.close);
    return {
      id,
      team_id: team.id,
      type: text(input.type),
      ...(title === undefined ? {} : { title }),
      ...(submit === undefined ? {} : { submit }),
      ...(close === undefined ? {} : { close }),
      blocks: Array.isArray(input.blocks) ? (input.blocks as JsonObject[]) : [],
      private_metadata: text(input.private_metadata),
      callback_id: text(input.callback_id),
      external_id: text(input.external_id),
      state: { values: {} },
      hash: `${Math.floor(clock.now() / 1000)}.${ids.next('', 8)}`,
      clear_on_close: input.clear_on_close === true,
      notify_on_close: input.notify_on_close === true,
      root_view_id: rootViewId ?? (previousViewId === null ? id : this.rootOf(previousViewId)),
      previous_view_id: previousViewId,
      app_id: bot.appId,
      app_installed_team_id: team.id,
      bot_id: bot.botId,
    };
  }

  private rootOf(viewId: string): string {
    return this.views.get(viewId)?.view.root_view_id ?? viewId;
  }
}
