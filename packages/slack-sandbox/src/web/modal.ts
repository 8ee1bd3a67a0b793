import type { JsonObject, LocalSlackUser, OpenView, ViewValuesInput } from '../types';
import { renderBlock, renderText, type BlockContext } from './blocks';
import { el } from './dom';
import { asObject, asObjects, asString, textOf } from './json';
import { plainText } from './mrkdwn';

/** What a modal needs from the page. */
export interface ModalContext extends BlockContext {
  readonly users: readonly LocalSlackUser[];
  /** Sends the values; resolves with an error to show, or undefined. */
  submit(values: ViewValuesInput): Promise<string | undefined>;
  cancel(): Promise<void>;
}

/** One input of the modal: reads what the user entered and shows a field error. */
interface InputField {
  readonly blockId: string;
  readonly actionId: string;
  readonly optional: boolean;
  readonly read: () => string | string[] | undefined;
  readonly showError: (message: string | undefined) => void;
}

interface Control {
  readonly node: HTMLElement;
  readonly read: () => string | string[] | undefined;
}

function optionsOf(element: JsonObject): JsonObject[] {
  const grouped = asObjects(element.option_groups).flatMap((g) => asObjects(g.options));
  return [...asObjects(element.options), ...grouped];
}

function optionLabel(option: JsonObject): string {
  return plainText(textOf(option.text), true);
}

function selectControl(element: JsonObject, multiple: boolean, label: string): Control {
  const initial = new Set(
    [asObject(element.initial_option), ...asObjects(element.initial_options)].flatMap((o) =>
      o === undefined ? [] : [asString(o.value) ?? ''],
    ),
  );
  const select = el('select', { attrs: { 'aria-label': label } });
  select.multiple = multiple;
  if (!multiple) {
    select.append(
      el(
        'option',
        { attrs: { value: '' } },
        plainText(textOf(element.placeholder) || 'Choose…', true),
      ),
    );
  }
  for (const option of optionsOf(element)) {
    const value = asString(option.value) ?? '';
    const node = el('option', { attrs: { value } }, optionLabel(option));
    node.selected = initial.has(value);
    select.append(node);
  }
  return {
    node: select,
    read: () => {
      const values = [...select.selectedOptions].map((o) => o.value).filter((v) => v !== '');
      return multiple ? values : values[0];
    },
  };
}

function choiceControl(
  element: JsonObject,
  kind: 'checkbox' | 'radio',
  name: string,
  ctx: ModalContext,
): Control {
  const initial = new Set(
    [asObject(element.initial_option), ...asObjects(element.initial_options)].flatMap((o) =>
      o === undefined ? [] : [asString(o.value) ?? ''],
    ),
  );
  const inputs: HTMLInputElement[] = [];
  const node = el(
    'div',
    { className: 'choices' },
    ...optionsOf(element).map((option) => {
      const value = asString(option.value) ?? '';
      const input = el('input', { attrs: { type: kind, name, value } });
      input.checked = initial.has(value);
      inputs.push(input);
      const description = asObject(option.description);
      return el(
        'label',
        { className: 'choice' },
        input,
        el('span', {}, ...renderText(option.text, ctx.names)),
        description === undefined
          ? null
          : el('span', { className: 'choice-description' }, ...renderText(description, ctx.names)),
      );
    }),
  );
  return {
    node,
    read: () => {
      const values = inputs.filter((i) => i.checked).map((i) => i.value);
      return kind === 'checkbox' ? values : values[0];
    },
  };
}

function textControl(element: JsonObject, label: string): Control {
  const type =
    element.type === 'number_input'
      ? 'number'
      : element.type === 'email_text_input'
        ? 'email'
        : element.type === 'url_text_input'
          ? 'url'
          : 'text';
  const attrs: Record<string, string> = { 'aria-label': label };
  const placeholder = textOf(element.placeholder);
  if (placeholder !== '') attrs.placeholder = plainText(placeholder, true);
  const input =
    element.multiline === true
      ? el('textarea', { attrs })
      : el('input', { attrs: { ...attrs, type } });
  input.value = asString(element.initial_value) ?? '';
  return { node: input, read: () => (input.value === '' ? undefined : input.value) };
}

function pickerControl(type: 'date' | 'time', initial: string | undefined, label: string): Control {
  const input = el('input', { attrs: { type, 'aria-label': label } });
  input.value = initial ?? '';
  return { node: input, read: () => (input.value === '' ? undefined : input.value) };
}

function usersControl(ctx: ModalContext, label: string, initial: string | undefined): Control {
  const select = el('select', { attrs: { 'aria-label': label } });
  select.append(el('option', { attrs: { value: '' } }, 'Choose a person…'));
  for (const user of ctx.users) {
    const option = el('option', { attrs: { value: user.id } }, user.real_name ?? user.name);
    option.selected = user.id === initial;
    select.append(option);
  }
  return { node: select, read: () => (select.value === '' ? undefined : select.value) };
}

function controlFor(
  element: JsonObject,
  name: string,
  label: string,
  ctx: ModalContext,
): Control | undefined {
  switch (element.type) {
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
      return textControl(element, label);
    case 'static_select':
      return selectControl(element, false, label);
    case 'multi_static_select':
      return selectControl(element, true, label);
    case 'checkboxes':
      return choiceControl(element, 'checkbox', name, ctx);
    case 'radio_buttons':
      return choiceControl(element, 'radio', name, ctx);
    case 'datepicker':
      return pickerControl('date', asString(element.initial_date), label);
    case 'timepicker':
      return pickerControl('time', asString(element.initial_time), label);
    case 'users_select':
      return usersControl(ctx, label, asString(element.initial_user));
    default:
      return undefined;
  }
}

/** An input block with its label, hint and error line; ids default as the server derives them. */
function renderInput(
  block: JsonObject,
  index: number,
  errors: Readonly<Record<string, string>>,
  ctx: ModalContext,
) {
  const element = asObject(block.element) ?? {};
  const blockId = asString(block.block_id) ?? `block-${index}`;
  const actionId = asString(element.action_id) ?? `action-${index}`;
  const optional = block.optional === true;
  const label = plainText(textOf(block.label), true);
  const control = controlFor(element, `${blockId}/${actionId}`, label, ctx);
  const error = el('div', { className: 'input-error', attrs: { role: 'alert' } });
  const setError = (message: string | undefined) => {
    error.textContent = message ?? '';
    error.hidden = message === undefined;
  };
  setError(errors[blockId]);
  const hint = textOf(block.hint);
  const node = el(
    'div',
    { className: 'bk-input', attrs: { 'data-block-id': blockId } },
    el(
      'label',
      { className: 'input-label' },
      label,
      optional ? el('span', { className: 'optional' }, ' (optional)') : null,
    ),
    control?.node ??
      el(
        'div',
        { className: 'bk-unsupported' },
        `[${asString(element.type) ?? 'input'} not available in the sandbox]`,
      ),
    hint === '' ? null : el('div', { className: 'input-hint' }, plainText(hint, true)),
    error,
  );
  const field: InputField | undefined =
    control === undefined
      ? undefined
      : { blockId, actionId, optional, read: control.read, showError: setError };
  return { node, field };
}

function isEmpty(value: string | string[] | undefined): boolean {
  return value === undefined || (Array.isArray(value) && value.length === 0);
}

export interface DrawnModal {
  readonly node: HTMLElement;
  /** Shows the bot's field errors (`response_action: errors`), keeping what the user entered. */
  showErrors(errors: Readonly<Record<string, string>>): void;
}

/** The modal on top of the user's stack, drawn over the page like Slack's. */
export function renderModal(open: OpenView, ctx: ModalContext): DrawnModal {
  const { view } = open;
  const fields: InputField[] = [];
  const body = el('div', { className: 'modal-body' });
  view.blocks.forEach((block, index) => {
    if (block.type === 'input') {
      const { node, field } = renderInput(block, index, open.errors ?? {}, ctx);
      if (field !== undefined) fields.push(field);
      body.append(node);
    } else {
      body.append(renderBlock(block, ctx));
    }
  });
  const status = el('div', { className: 'modal-status', attrs: { role: 'status' } });
  const cancel = el(
    'button',
    { className: 'bk-button', attrs: { type: 'button' } },
    plainText(textOf(view.close) || 'Cancel', true),
  );
  cancel.addEventListener('click', () => void ctx.cancel());
  const submitText = textOf(view.submit);
  const submit =
    submitText === ''
      ? null
      : el(
          'button',
          { className: 'bk-button primary', attrs: { type: 'submit' } },
          plainText(submitText, true),
        );
  const form = el(
    'form',
    {
      className: 'modal',
      attrs: { 'aria-label': plainText(textOf(view.title), true), 'data-view-id': view.id },
    },
    el('h2', { className: 'modal-title' }, plainText(textOf(view.title), true)),
    body,
    status,
    el('div', { className: 'dialog-buttons' }, cancel, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values: Record<string, Record<string, string | string[]>> = {};
    let missing = false;
    for (const field of fields) {
      const value = field.read();
      const empty = isEmpty(value);
      field.showError(
        empty && !field.optional ? 'Please complete this required field.' : undefined,
      );
      missing ||= empty && !field.optional;
      if (value !== undefined && !empty) {
        values[field.blockId] = { ...values[field.blockId], [field.actionId]: value };
      }
    }
    if (missing) return;
    if (submit !== null) submit.disabled = true;
    void ctx.submit(values).then((problem) => {
      if (submit !== null) submit.disabled = false;
      status.textContent = problem ?? '';
    });
  });
  return {
    node: el('div', { className: 'modal-backdrop' }, form),
    showErrors: (errors) => {
      for (const field of fields) field.showError(errors[field.blockId]);
    },
  };
}
