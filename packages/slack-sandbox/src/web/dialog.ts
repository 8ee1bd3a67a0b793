import type { JsonObject } from '../types';
import { el, renderMrkdwnNodes, type Names } from './dom';
import { asObject, asString, textOf } from './json';
import { parseMrkdwn, plainText } from './mrkdwn';

/** A button's confirm dialog, as Slack shows it before sending the click. True = confirmed. */
export function confirmDialog(confirm: JsonObject, names: Names): Promise<boolean> {
  const textObject = asObject(confirm.text);
  const body =
    textObject?.type === 'mrkdwn'
      ? renderMrkdwnNodes(parseMrkdwn(asString(textObject.text) ?? ''), names)
      : [document.createTextNode(plainText(textOf(textObject), true))];
  const style = asString(confirm.style) ?? 'primary';
  const deny = el(
    'button',
    { className: 'bk-button', attrs: { type: 'button', 'data-choice': 'deny' } },
    plainText(textOf(confirm.deny) || 'Cancel', true),
  );
  const accept = el(
    'button',
    { className: `bk-button ${style}`, attrs: { type: 'button', 'data-choice': 'confirm' } },
    plainText(textOf(confirm.confirm) || 'Yes', true),
  );
  const dialog = el(
    'dialog',
    {
      className: 'confirm-dialog',
      attrs: { 'aria-label': plainText(textOf(confirm.title), true) },
    },
    el('h2', {}, plainText(textOf(confirm.title), true)),
    el('div', { className: 'confirm-text' }, ...body),
    el('div', { className: 'dialog-buttons' }, deny, accept),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    const finish = (confirmed: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(confirmed);
    };
    deny.addEventListener('click', () => finish(false));
    accept.addEventListener('click', () => finish(true));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(false);
    });
    dialog.showModal();
    accept.focus();
  });
}
