import { LocalSlackUsageError } from './errors';
import type { SlashCommandFields } from './signing';
import type {
  BotIdentity,
  JsonObject,
  JsonValue,
  LocalSlackChannel,
  LocalSlackUser,
  SlackMessage,
  SlackView,
  TeamIdentity,
  ViewValuesInput,
} from './types';

/**
 * Pure builders of the payloads Slack sends to an app when a user clicks a button, submits a
 * modal or runs a slash command (docs.slack.dev/reference/interaction-payloads). Field names and
 * nesting follow Slack, so Bolt routes them to `app.action`, `app.view` and `app.command`.
 */

export interface AppIdentity {
  readonly team: TeamIdentity;
  readonly bot: BotIdentity;
  /** The app's (deprecated) verification token, sent as `token` in every payload. */
  readonly verificationToken: string;
}

interface PayloadUser {
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly team_id: string;
}

export interface ButtonActionPayload {
  readonly type: 'button';
  readonly action_id: string;
  readonly block_id: string;
  readonly text: JsonValue;
  readonly value?: string;
  readonly style?: JsonValue;
  readonly action_ts: string;
}

export interface BlockActionsPayload {
  readonly type: 'block_actions';
  readonly user: PayloadUser;
  readonly api_app_id: string;
  readonly token: string;
  readonly container: JsonObject;
  readonly trigger_id: string;
  readonly team: { readonly id: string; readonly domain: string };
  readonly enterprise: null;
  readonly is_enterprise_install: false;
  readonly channel?: LocalSlackChannel;
  readonly message?: SlackMessage;
  readonly view?: SlackView;
  readonly state: { readonly values: JsonObject };
  readonly response_url?: string;
  readonly actions: readonly ButtonActionPayload[];
}

export interface ViewSubmissionPayload {
  readonly type: 'view_submission';
  readonly team: { readonly id: string; readonly domain: string };
  readonly user: PayloadUser;
  readonly api_app_id: string;
  readonly token: string;
  readonly trigger_id: string;
  readonly view: SlackView;
  readonly response_urls: readonly never[];
  readonly enterprise: null;
  readonly is_enterprise_install: false;
}

export interface ViewClosedPayload {
  readonly type: 'view_closed';
  readonly team: { readonly id: string; readonly domain: string };
  readonly user: PayloadUser;
  readonly api_app_id: string;
  readonly token: string;
  readonly view: SlackView;
  readonly is_cleared: boolean;
  readonly enterprise: null;
  readonly is_enterprise_install: false;
}

export interface FoundButton {
  readonly blockId: string;
  readonly element: JsonObject;
}

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

function objectsIn(values: readonly JsonValue[]): JsonObject[] {
  return values.filter((value): value is JsonObject => asObject(value) !== undefined);
}

function asString(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Slack gives blocks without a block_id a generated one; stored blocks are kept exactly as the
 * bot sent them, so the generated id is derived from the block's position instead.
 */
export function blockIdOf(block: JsonObject, index: number): string {
  return asString(block.block_id) ?? `block-${index}`;
}

function elementsOf(block: JsonObject): JsonObject[] {
  const accessory = asObject(block.accessory);
  const elements = Array.isArray(block.elements) ? block.elements : [];
  return [...(accessory === undefined ? [] : [accessory]), ...objectsIn(elements)];
}

/** Finds a button by action_id (and block_id) in actions blocks and section accessories. */
export function findButton(
  blocks: readonly JsonObject[],
  actionId: string,
  blockId?: string,
): FoundButton | undefined {
  for (const [index, block] of blocks.entries()) {
    const id = blockIdOf(block, index);
    if (blockId !== undefined && id !== blockId) continue;
    const element = elementsOf(block).find((e) => e.type === 'button' && e.action_id === actionId);
    if (element !== undefined) return { blockId: id, element };
  }
  return undefined;
}

export function payloadUser(user: LocalSlackUser, team: TeamIdentity): PayloadUser {
  return { id: user.id, username: user.name, name: user.name, team_id: team.id };
}

export interface BlockActionsInput {
  readonly app: AppIdentity;
  readonly user: LocalSlackUser;
  readonly button: FoundButton;
  /** Overrides the button's value (a tampered or replayed click). */
  readonly value?: string | undefined;
  readonly actionTs: string;
  readonly triggerId: string;
  readonly container: JsonObject;
  readonly channel?: LocalSlackChannel;
  readonly message?: SlackMessage;
  readonly view?: SlackView;
  readonly responseUrl?: string;
}

export function blockActionsPayload(input: BlockActionsInput): BlockActionsPayload {
  const { app, button } = input;
  const value = input.value ?? asString(button.element.value);
  const action: ButtonActionPayload = {
    type: 'button',
    action_id: asString(button.element.action_id) ?? '',
    block_id: button.blockId,
    text: button.element.text ?? null,
    ...(value === undefined ? {} : { value }),
    ...(button.element.style === undefined ? {} : { style: button.element.style }),
    action_ts: input.actionTs,
  };
  return {
    type: 'block_actions',
    user: payloadUser(input.user, app.team),
    api_app_id: app.bot.appId,
    token: app.verificationToken,
    container: input.container,
    trigger_id: input.triggerId,
    team: { id: app.team.id, domain: app.team.domain },
    enterprise: null,
    is_enterprise_install: false,
    ...(input.channel === undefined ? {} : { channel: input.channel }),
    ...(input.message === undefined ? {} : { message: input.message }),
    ...(input.view === undefined ? {} : { view: input.view }),
    state: { values: input.view?.state.values ?? {} },
    ...(input.responseUrl === undefined ? {} : { response_url: input.responseUrl }),
    actions: [action],
  };
}

export interface ViewSubmissionInput {
  readonly app: AppIdentity;
  readonly user: LocalSlackUser;
  readonly view: SlackView;
  readonly values: JsonObject;
  readonly triggerId: string;
}

/** The fields every view payload (submission, close) carries about the team, user and app. */
function viewPayloadBase(app: AppIdentity, user: LocalSlackUser) {
  return {
    team: { id: app.team.id, domain: app.team.domain },
    user: payloadUser(user, app.team),
    api_app_id: app.bot.appId,
    token: app.verificationToken,
    enterprise: null,
    is_enterprise_install: false,
  } as const;
}

export function viewSubmissionPayload(input: ViewSubmissionInput): ViewSubmissionPayload {
  return {
    type: 'view_submission',
    ...viewPayloadBase(input.app, input.user),
    trigger_id: input.triggerId,
    view: { ...input.view, state: { values: input.values } },
    response_urls: [],
  };
}

/** Sent when the user closes a modal that asked for it (`notify_on_close`). */
export function viewClosedPayload(input: {
  readonly app: AppIdentity;
  readonly user: LocalSlackUser;
  readonly view: SlackView;
}): ViewClosedPayload {
  return {
    type: 'view_closed',
    ...viewPayloadBase(input.app, input.user),
    view: input.view,
    is_cleared: false,
  };
}

export interface SlashCommandInput {
  readonly app: AppIdentity;
  readonly user: LocalSlackUser;
  readonly channel: LocalSlackChannel;
  readonly command: string;
  readonly text: string;
  readonly responseUrl: string;
  readonly triggerId: string;
}

export function slashCommandFields(input: SlashCommandInput): SlashCommandFields {
  const { app } = input;
  return {
    token: app.verificationToken,
    team_id: app.team.id,
    team_domain: app.team.domain,
    channel_id: input.channel.id,
    channel_name: input.channel.name,
    user_id: input.user.id,
    user_name: input.user.name,
    command: input.command,
    text: input.text,
    api_app_id: app.bot.appId,
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId,
  };
}

function optionsOf(element: JsonObject): JsonObject[] {
  const direct = Array.isArray(element.options) ? element.options : [];
  const grouped = Array.isArray(element.option_groups)
    ? element.option_groups.flatMap((group) => {
        const options = asObject(group)?.options;
        return Array.isArray(options) ? options : [];
      })
    : [];
  return objectsIn([...direct, ...grouped]);
}

function selectOption(element: JsonObject, value: string, where: string): JsonObject {
  const option = optionsOf(element).find((o) => o.value === value);
  if (option === undefined) {
    throw new LocalSlackUsageError(`${where}: "${value}" is not one of the element's options`);
  }
  return option;
}

const TEXT_INPUTS = new Set([
  'plain_text_input',
  'email_text_input',
  'url_text_input',
  'number_input',
]);
const SINGLE_SELECTS = new Set(['static_select', 'radio_buttons', 'external_select']);
const MULTI_SELECTS = new Set(['multi_static_select', 'checkboxes', 'multi_external_select']);
const PICKERS: Readonly<Record<string, string>> = {
  users_select: 'selected_user',
  multi_users_select: 'selected_users',
  conversations_select: 'selected_conversation',
  multi_conversations_select: 'selected_conversations',
  channels_select: 'selected_channel',
  multi_channels_select: 'selected_channels',
  datepicker: 'selected_date',
  timepicker: 'selected_time',
};

/** A state value in Slack's shape for an element, from what the user entered (or nothing). */
function stateValue(
  element: JsonObject,
  entered: string | readonly string[] | JsonObject | undefined,
  where: string,
): JsonObject {
  const type = asString(element.type) ?? '';
  if (isEnteredObject(entered)) return { type, ...entered };
  const values: readonly string[] =
    entered === undefined ? [] : typeof entered === 'string' ? [entered] : entered;
  if (TEXT_INPUTS.has(type)) return { type, value: values[0] ?? null };
  if (SINGLE_SELECTS.has(type)) {
    const first = values[0];
    return {
      type,
      selected_option: first === undefined ? null : selectOption(element, first, where),
    };
  }
  if (MULTI_SELECTS.has(type)) {
    return { type, selected_options: values.map((v) => selectOption(element, v, where)) };
  }
  const field = PICKERS[type];
  if (field !== undefined) {
    return { type, [field]: type.startsWith('multi_') ? [...values] : (values[0] ?? null) };
  }
  return { type, value: values[0] ?? null };
}

function isEnteredObject(
  entered: string | readonly string[] | JsonObject | undefined,
): entered is JsonObject {
  return typeof entered === 'object' && !Array.isArray(entered);
}

function isEmpty(value: string | readonly string[] | JsonObject | undefined): boolean {
  return value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * The `view.state.values` Slack would send for a modal: every input block, with what the user
 * entered. Like Slack's client, refuses to submit a required input left empty, and refuses
 * values for blocks or actions the modal does not have (a typo in a test).
 */
export function viewStateValues(view: SlackView, entered: ViewValuesInput): JsonObject {
  const values: JsonObject = {};
  const known = new Set<string>();
  for (const [index, block] of view.blocks.entries()) {
    const element = asObject(block.element);
    if (block.type !== 'input' || element === undefined) continue;
    const blockId = blockIdOf(block, index);
    const actionId = asString(element.action_id) ?? `action-${index}`;
    known.add(`${blockId}/${actionId}`);
    const value = entered[blockId]?.[actionId];
    if (isEmpty(value) && block.optional !== true) {
      throw new LocalSlackUsageError(
        `view ${view.id}: input ${blockId}/${actionId} is required and was left empty`,
      );
    }
    values[blockId] = { [actionId]: stateValue(element, value, `${blockId}/${actionId}`) };
  }
  for (const [blockId, actions] of Object.entries(entered)) {
    for (const actionId of Object.keys(actions)) {
      if (!known.has(`${blockId}/${actionId}`)) {
        throw new LocalSlackUsageError(
          `view ${view.id} has no input ${blockId}/${actionId} (inputs: ${[...known].join(', ') || 'none'})`,
        );
      }
    }
  }
  return values;
}
