import { errorMessage } from '../../shared/errors';
import type { App, BlockButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Actor, ActionRequest, RequestOutcome } from '../../actions/contract';
import type { FindingSource } from '../../actions/postedFindings';
import type { DefaultRemediationService } from '../../actions/service';
import type { SubjectStateRepository } from '../../actions/ports/repositories';
import { familySubject } from '../../actions/targets';
import { defaultCriteria } from '../../actions/targets';
import type { Log } from '../../shared/log';
import type { FindingPublisher } from '../findingPublisher';
import { prose } from '../render/text';
import {
  ACTION_ID_PATTERN,
  parseButton,
  SUPPRESS_VIEW_ID,
  TRUST_VIEW_ID,
  type ButtonIntent,
} from './ids';
import { findingListEntries } from '../../actions/lists/subjects';
import { parseTrustMetadata, parseTrustSubmission, TRUST_FIELDS, trustModal } from './trustModal';
import { outcomeReply } from './replies';
import type { ResponderList } from './words';
import type { HandOffSuppressCount } from './suppressCount';
import { parseMetadata, parseSuppressSubmission, suppressModal } from './suppressModal';

export interface InteractionDeps {
  readonly service: Pick<DefaultRemediationService, 'request' | 'preflight'>;
  readonly findings: FindingSource;
  readonly subjects: Pick<SubjectStateRepository, 'get'>;
  readonly publisher: Pick<FindingPublisher, 'refresh'>;
  /** Who may remediate, named in a refusal so the asker knows whom to ask. */
  readonly responders: ResponderList;
  readonly clock: () => Date;
  readonly log: Log;
  /** Fills in the suppress modal's count of open findings of the type, once it is open. */
  readonly suppressCount?: HandOffSuppressCount;
}

/** What opening the suppress modal came to: opened, or why not (already audited if refused). */
export type SuppressModalOutcome = { readonly kind: 'opened' } | RequestOutcome;

export type OpenSuppressModal = (
  triggerId: string,
  findingId: string,
  actor: Actor,
  options?: { readonly channel?: string; readonly version?: number },
) => Promise<SuppressModalOutcome>;

/**
 * Opens the suppress modal for a finding, after the same checks as any request (a refused user
 * sees no modal). Used by the button and by `/guardduty suppress`.
 */
export function suppressModalOpener(deps: InteractionDeps, client: WebClient): OpenSuppressModal {
  return async (triggerId, findingId, actor, options = {}) => {
    const check = await deps.service.preflight({
      findingId,
      kind: 'suppress',
      actor,
      source: options.version === undefined ? 'command' : 'button',
      ...(options.version === undefined ? {} : { version: options.version }),
    });
    if (check !== undefined) return check;
    const finding = await deps.findings.get(findingId);
    if (finding === undefined)
      return { kind: 'invalid', reason: `finding ${findingId} is not known here` };
    const subject = familySubject(finding, 'suppress');
    const version =
      options.version ??
      (subject === undefined
        ? 0
        : (await deps.subjects.get({ family: 'suppress', subject })).version);
    const metadata = {
      findingId,
      version,
      ...(options.channel === undefined ? {} : { channel: options.channel }),
    };
    const opened = await client.views.open({
      trigger_id: triggerId,
      view: suppressModal(
        finding,
        defaultCriteria(finding),
        metadata,
        deps.suppressCount === undefined ? undefined : { kind: 'counting' },
      ),
    });
    const viewId = opened.view?.id;
    if (deps.suppressCount !== undefined && viewId !== undefined) {
      await deps
        .suppressCount({
          viewId,
          ...(opened.view?.hash === undefined ? {} : { hash: opened.view.hash }),
          ...metadata,
        })
        .catch((error: unknown) => {
          deps.log.warn('could not count the findings of a type', { error: errorMessage(error) });
        });
    }
    return { kind: 'opened' };
  };
}

/** Trust IP's confirm step: the modal, after the same checks as any request (preflight). */
async function openTrustModal(
  deps: InteractionDeps,
  client: WebClient,
  triggerId: string,
  button: ButtonIntent,
  actor: Actor,
  channel: string | undefined,
): Promise<SuppressModalOutcome> {
  // The checks a click gets, with placeholder terms: a refusal (not a responder, a private or
  // egress address) answers now; the reason and expiry are the form's to ask for.
  const check = await deps.service.preflight({
    findingId: button.findingId,
    kind: 'trust-ip',
    actor,
    source: 'button',
    version: button.version,
    list: {
      reason: 'form',
      expiresAt: new Date(deps.clock().getTime() + 86_400_000).toISOString(),
    },
  });
  if (check !== undefined) return check;
  const finding = await deps.findings.get(button.findingId);
  const entry = finding === undefined ? undefined : findingListEntries(finding)[0];
  if (finding === undefined || entry === undefined) {
    return { kind: 'invalid', reason: `finding ${button.findingId} is not known here` };
  }
  await client.views.open({
    trigger_id: triggerId,
    view: trustModal(
      finding,
      entry,
      {
        findingId: button.findingId,
        version: button.version,
        ...(channel === undefined ? {} : { channel }),
      },
      deps.clock(),
    ),
  });
  return { kind: 'opened' };
}

async function tellUser(
  client: WebClient,
  channel: string | undefined,
  user: string,
  text: string,
  log: Log,
): Promise<void> {
  if (channel === undefined) return;
  try {
    await client.chat.postEphemeral({ channel, user, text, link_names: false, parse: 'none' });
  } catch (error) {
    log.warn('could not post an ephemeral answer', { user, error: errorMessage(error) });
  }
}

function actorOf(
  user: { id: string; username?: string; name?: string; team_id?: string },
  teamId?: string,
): Actor {
  const userName = user.username ?? user.name;
  return {
    userId: user.id,
    teamId: user.team_id ?? teamId ?? '',
    ...(userName === undefined ? {} : { userName }),
  };
}

/**
 * The remediation buttons and the suppress modal. A click is acknowledged before anything else:
 * Slack shows the user a failure when the ack takes 3 s, and a busy store must not decide that.
 * It is then authorised, recorded and handed to the worker; a refusal or a failure to start is
 * told to the clicking user (ephemeral), the outcome arrives in the message and its thread. On
 * Lambda the response waits for the whole listener either way. The suppress modal still answers
 * after recording, because its errors belong in the form.
 */
export function registerRemediationListeners(deps: InteractionDeps): (app: App) => void {
  return (app) => {
    app.action<BlockButtonAction>(
      { type: 'block_actions', action_id: ACTION_ID_PATTERN },
      async ({ ack, body, action, client, context }) => {
        await ack();
        const actor = actorOf(body.user, body.team?.id);
        const channel = body.channel?.id;
        const parsed = parseButton(action.action_id, action.value);
        if (parsed === undefined) {
          await tellUser(
            client,
            channel,
            actor.userId,
            'That button is not one this bot drew; nothing was done.',
            deps.log,
          );
          return;
        }
        if (parsed.kind === 'trust-ip') {
          const outcome = await openTrustModal(
            deps,
            client,
            body.trigger_id,
            parsed,
            actor,
            channel,
          ).catch((error: unknown) => ({
            kind: 'invalid' as const,
            reason: `could not open the form: ${errorMessage(error)}`,
          }));
          if (outcome.kind !== 'opened') {
            const reply = outcomeReply('trust-ip', outcome, deps.responders);
            if (reply !== undefined) await tellUser(client, channel, actor.userId, reply, deps.log);
          }
          return;
        }
        if (parsed.kind === 'suppress') {
          const open = suppressModalOpener(deps, client);
          const outcome = await open(body.trigger_id, parsed.findingId, actor, {
            version: parsed.version,
            ...(channel === undefined ? {} : { channel }),
          }).catch((error: unknown) => ({
            kind: 'invalid' as const,
            reason: `could not open the form: ${errorMessage(error)}`,
          }));
          if (outcome.kind !== 'opened') {
            const reply = outcomeReply('suppress', outcome, deps.responders);
            if (reply !== undefined) await tellUser(client, channel, actor.userId, reply, deps.log);
          }
          return;
        }
        const request: ActionRequest = {
          findingId: parsed.findingId,
          kind: parsed.kind,
          actor,
          source: 'button',
          version: parsed.version,
          ...(parsed.kind === 'quarantine' ? { snapshot: parsed.snapshot } : {}),
          responseUrl: body.response_url,
        };
        let outcome: RequestOutcome;
        try {
          outcome = await deps.service.request(request);
        } catch (error) {
          deps.log.error('remediation request failed', {
            findingId: parsed.findingId,
            error: errorMessage(error),
          });
          await tellUser(
            client,
            channel,
            actor.userId,
            `:warning: Could not start: ${prose(errorMessage(error), 500)}`,
            deps.log,
          );
          return;
        }
        // Slack redelivers a click it got no timely answer for; the first delivery already spoke.
        if (outcome.kind === 'duplicate' && context.retryNum !== undefined) return;
        const reply = outcomeReply(parsed.kind, outcome, deps.responders);
        if (reply !== undefined) await tellUser(client, channel, actor.userId, reply, deps.log);
        if (outcome.kind === 'invalid' || outcome.kind === 'duplicate') {
          await deps.publisher.refresh(parsed.findingId).catch((error: unknown) => {
            deps.log.warn('could not refresh a message', { error: errorMessage(error) });
          });
        }
      },
    );

    app.view<ViewSubmitAction>(TRUST_VIEW_ID, async ({ ack, body, view, client }) => {
      const actor = actorOf(body.user, body.team?.id);
      const metadata = parseTrustMetadata(view.private_metadata);
      if (metadata === undefined) {
        await ack({
          response_action: 'errors',
          errors: {
            [TRUST_FIELDS.reason]: 'This form is damaged; open it again from the message.',
          },
        });
        return;
      }
      const submission = parseTrustSubmission(view.state.values, deps.clock());
      if (!submission.ok) {
        await ack({ response_action: 'errors', errors: { ...submission.errors } });
        return;
      }
      let outcome: RequestOutcome;
      try {
        outcome = await deps.service.request({
          findingId: metadata.findingId,
          kind: 'trust-ip',
          actor,
          source: 'modal',
          version: metadata.version,
          list: { reason: submission.reason, expiresAt: submission.expiresAt },
        });
      } catch (error) {
        await ack({
          response_action: 'errors',
          errors: {
            [TRUST_FIELDS.reason]: `Could not start: ${errorMessage(error)}`.slice(0, 150),
          },
        });
        return;
      }
      await ack();
      const reply = outcomeReply('trust-ip', outcome, deps.responders);
      if (reply !== undefined)
        await tellUser(client, metadata.channel, actor.userId, reply, deps.log);
    });

    app.view<ViewSubmitAction>(SUPPRESS_VIEW_ID, async ({ ack, body, view, client }) => {
      const actor = actorOf(body.user, body.team?.id);
      const metadata = parseMetadata(view.private_metadata);
      if (metadata === undefined) {
        await ack({
          response_action: 'errors',
          errors: { suppress_type: 'This form is damaged; open it again from the message.' },
        });
        return;
      }
      // The stored finding says which criteria GuardDuty can filter on; unknown, the worker refuses.
      const finding = await deps.findings.get(metadata.findingId).catch(() => undefined);
      const submission = parseSuppressSubmission(view.state.values, deps.clock(), finding);
      if (!submission.ok) {
        await ack({ response_action: 'errors', errors: { ...submission.errors } });
        return;
      }
      let outcome: RequestOutcome;
      try {
        outcome = await deps.service.request({
          findingId: metadata.findingId,
          kind: 'suppress',
          actor,
          source: 'modal',
          criteria: submission.criteria,
          ...(metadata.version === undefined ? {} : { version: metadata.version }),
        });
      } catch (error) {
        await ack({
          response_action: 'errors',
          errors: { suppress_type: `Could not start: ${errorMessage(error)}`.slice(0, 150) },
        });
        return;
      }
      await ack();
      const reply = outcomeReply('suppress', outcome, deps.responders);
      if (reply !== undefined)
        await tellUser(client, metadata.channel, actor.userId, reply, deps.log);
    });
  };
}
