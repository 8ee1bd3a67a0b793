import { chatMethods } from './chat';
import type { MethodHandler } from './context';
import { conversationsMethods } from './conversations';
import { directoryMethods } from './directory';
import { viewsMethods } from './views';

export type { MethodContext, MethodHandler, MethodResult } from './context';

/** Every Web API method the local server implements; anything else is `unknown_method`. */
export const slackMethods: Readonly<Record<string, MethodHandler>> = {
  ...directoryMethods,
  ...chatMethods,
  ...conversationsMethods,
  ...viewsMethods,
};
