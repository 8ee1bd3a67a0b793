import type { AnyMiddlewareArgs, Context, Middleware } from '@slack/bolt';
import type { AuditAppender } from '../actions/ports/repositories';
import type { RefusalLimiter } from '../actions/ports/refusalLimiter';
import {
  isOwnWorkspace,
  type WorkspaceDirectory,
  type WorkspaceIdentity,
} from '../actions/ports/workspace';
import { OTHER_WORKSPACE } from '../actions/service';
import type { Log } from '../shared/log';

export interface OwnWorkspaceDeps {
  readonly workspace: WorkspaceDirectory;
  readonly audit: AuditAppender;
  readonly refusals: RefusalLimiter;
  readonly clock: () => Date;
  readonly log: Log;
}

interface RequestParty {
  readonly userId: string;
  readonly teamId: string;
  readonly enterpriseId?: string;
  /** "command /guardduty list", "block_actions remediate:archive", for the audit record. */
  readonly what: string;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Who sent a request, as its signed body names them (commands and interactions differ). */
export function partyOf(body: unknown): RequestParty | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const user = (typeof b.user === 'object' && b.user !== null ? b.user : {}) as Record<
    string,
    unknown
  >;
  const team = (typeof b.team === 'object' && b.team !== null ? b.team : {}) as Record<
    string,
    unknown
  >;
  const enterprise = (
    typeof b.enterprise === 'object' && b.enterprise !== null ? b.enterprise : {}
  ) as Record<string, unknown>;
  const teamId = text(b.team_id) ?? text(team.id) ?? text(user.team_id);
  const userId = text(b.user_id) ?? text(user.id) ?? 'unknown';
  if (teamId === undefined) return undefined;
  const enterpriseId = text(b.enterprise_id) ?? text(enterprise.id);
  const actions = Array.isArray(b.actions) ? (b.actions as Record<string, unknown>[]) : [];
  const what =
    text(b.command) !== undefined
      ? `command ${text(b.command) ?? ''} ${text(b.text)?.split(' ')[0] ?? ''}`.trim()
      : `${text(b.type) ?? 'request'} ${text(actions[0]?.action_id) ?? text((b.view as Record<string, unknown> | undefined)?.callback_id) ?? ''}`.trim();
  return { userId, teamId, ...(enterpriseId === undefined ? {} : { enterpriseId }), what };
}

/** The bot's workspace as `authorize` put it in Bolt's context (from the same `auth.test`). */
function ownIdentity(context: Context): WorkspaceIdentity | undefined {
  const teamId = text(context.teamId);
  if (teamId === undefined) return undefined;
  const enterpriseId = text(context.enterpriseId);
  return { teamId, ...(enterpriseId === undefined ? {} : { enterpriseId }) };
}

/**
 * A request signed with the app's secret but from another workspace or enterprise than the
 * bot's own (`auth.test`) — the app installed elsewhere, or a forged body — is refused before any
 * listener runs, told so, and audited (a few per user and minute).
 */
export function ownWorkspaceOnly(deps: OwnWorkspaceDeps): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const party = partyOf(args.body);
    const own = ownIdentity(args.context) ?? (await deps.workspace.workspace());
    if (party === undefined || isOwnWorkspace(own, party)) {
      await args.next();
      return;
    }
    deps.log.warn('refused a request from another workspace', {
      team: party.teamId,
      enterprise: party.enterpriseId,
      user: party.userId,
      what: party.what,
    });
    if ((await deps.refusals.take(party.userId)) !== 'count-only') {
      await deps.audit.append({
        at: deps.clock().toISOString(),
        type: 'refusal',
        actor: { userId: party.userId, teamId: party.teamId },
        action: 'slack-request',
        findingId: '',
        target: party.what.slice(0, 200),
        dryRun: true,
        result: OTHER_WORKSPACE,
      });
    }
    if ('ack' in args && typeof args.ack === 'function') {
      const ack = args.ack as (response?: unknown) => Promise<void>;
      await ack(
        party.what.startsWith('command ')
          ? { response_type: 'ephemeral', text: `:no_entry: ${OTHER_WORKSPACE}.` }
          : undefined,
      );
    }
  };
}
