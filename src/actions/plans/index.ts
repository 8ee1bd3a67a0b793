import type { ActionKind, ListActionKind } from '../contract';
import { accessKeyPlanner } from './accessKey';
import { archivePlanner } from './archive';
import { addToListPlanner, removeFromListPlanner, type ListPlanContext } from './lists';
import { quarantinePlanner, releasePlanner } from './quarantine';
import { restoreSessionsPlanner, revokeSessionsPlanner } from './roleSessions';
import { deleteSuppressionPlanner, suppressPlanner } from './suppress';
import { erase, type AnyPlanner } from './types';

export const PLANNERS: Readonly<Record<Exclude<ActionKind, ListActionKind>, AnyPlanner>> = {
  archive: erase(archivePlanner),
  unarchive: erase(archivePlanner),
  suppress: erase(suppressPlanner),
  'delete-suppression': erase(deleteSuppressionPlanner),
  'disable-key': erase(accessKeyPlanner),
  'enable-key': erase(accessKeyPlanner),
  'revoke-sessions': erase(revokeSessionsPlanner),
  'restore-sessions': erase(restoreSessionsPlanner),
  quarantine: erase(quarantinePlanner),
  release: erase(releasePlanner),
};

/** The list actions plan from the checked list request, with or without a finding. */
export const LIST_PLANNERS: Readonly<Record<ListActionKind, AnyPlanner<ListPlanContext>>> = {
  'add-to-threat-list': erase(addToListPlanner),
  'remove-from-threat-list': erase(removeFromListPlanner),
  'trust-ip': erase(addToListPlanner),
  'untrust-ip': erase(removeFromListPlanner),
};

export type { Plan, PlanContext, ExecutedCall, Execution, AwsReader } from './types';
export type { ListPlanContext } from './lists';
