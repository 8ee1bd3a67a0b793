import type { ActionKind } from '../contract';
import { accessKeyPlanner } from './accessKey';
import { archivePlanner } from './archive';
import { quarantinePlanner, releasePlanner } from './quarantine';
import { restoreSessionsPlanner, revokeSessionsPlanner } from './roleSessions';
import { deleteSuppressionPlanner, suppressPlanner } from './suppress';
import { erase, type AnyPlanner } from './types';

export const PLANNERS: Readonly<Record<ActionKind, AnyPlanner>> = {
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

export type { Plan, PlanContext, ExecutedCall, Execution, AwsReader } from './types';
