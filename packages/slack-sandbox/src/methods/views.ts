import * as z from 'zod';
import { validateView } from '../blockKit';
import { SlackApiError } from '../errors';
import { jsonField, nonEmpty, parseArgs } from '../webApiArgs';
import type { MethodHandler } from './context';

const viewArg = jsonField(z.unknown());

const openArgs = z.looseObject({ trigger_id: nonEmpty, view: viewArg });
const updateArgs = z.looseObject({
  view: viewArg,
  view_id: nonEmpty.optional(),
  external_id: nonEmpty.optional(),
  hash: z.string().optional(),
});

/** views.open: spends the trigger_id (3 s, once) and opens the modal for the user who clicked. */
const open: MethodHandler = (raw, { grants, views }) => {
  const args = parseArgs(openArgs, raw);
  const view = validateView(args.view);
  const user = grants.exchangeTrigger(args.trigger_id);
  return { view: views.open(user, view) };
};

const push: MethodHandler = (raw, { grants, views }) => {
  const args = parseArgs(openArgs, raw);
  const view = validateView(args.view);
  const user = grants.exchangeTrigger(args.trigger_id);
  return { view: views.push(user, view) };
};

const update: MethodHandler = (raw, { views }) => {
  const args = parseArgs(updateArgs, raw);
  const view = validateView(args.view);
  const ref =
    args.view_id !== undefined
      ? { viewId: args.view_id }
      : args.external_id !== undefined
        ? { externalId: args.external_id }
        : undefined;
  if (ref === undefined) {
    throw new SlackApiError('invalid_arguments', ['[ERROR] view_id or external_id is required']);
  }
  return { view: views.update(ref, view, args.hash) };
};

export const viewsMethods: Readonly<Record<string, MethodHandler>> = {
  'views.open': open,
  'views.push': push,
  'views.update': update,
};
