import type { IdSequence } from './changes';
import { SlackApiError } from './errors';
import type { Clock } from './types';

/** Slack's limits on the short-lived handles it gives an app with each interaction. */
export const GRANT_LIMITS = {
  triggerTtlMs: 3000,
  responseUrlTtlMs: 30 * 60 * 1000,
  responseUrlMaxUses: 5,
} as const;

/** What a response_url answers for: a slash command, or a click on a message or ephemeral. */
export type ResponseTarget =
  | { readonly kind: 'command'; readonly user: string; readonly channel: string }
  | {
      readonly kind: 'message';
      readonly user: string;
      readonly channel: string;
      readonly messageTs: string;
    }
  | {
      readonly kind: 'ephemeral';
      readonly user: string;
      readonly channel: string;
      readonly messageTs: string;
    };

/** A response_url that can no longer be used; `status` is the HTTP status Slack answers with. */
export class ResponseUrlError extends Error {
  override readonly name = 'ResponseUrlError';
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

interface TriggerGrant {
  readonly user: string;
  readonly issuedAt: number;
  exchanged: boolean;
}

interface ResponseGrant {
  readonly target: ResponseTarget;
  readonly issuedAt: number;
  uses: number;
}

export interface GrantOptions {
  readonly clock: Clock;
  readonly ids: IdSequence;
  readonly triggerTtlMs?: number;
}

/** trigger_ids (one views.open/push each, within 3 s) and response_urls (5 uses in 30 min). */
export class Grants {
  private readonly triggers = new Map<string, TriggerGrant>();
  private readonly responseUrls = new Map<string, ResponseGrant>();
  private readonly triggerTtlMs: number;

  constructor(private readonly options: GrantOptions) {
    this.triggerTtlMs = options.triggerTtlMs ?? GRANT_LIMITS.triggerTtlMs;
  }

  issueTrigger(user: string): string {
    const issuedAt = this.options.clock.now();
    const id = `${this.options.ids.next('', 10)}.${Math.floor(issuedAt / 1000)}.${user.toLowerCase()}`;
    this.triggers.set(id, { user, issuedAt, exchanged: false });
    return id;
  }

  /** Spends a trigger_id and returns the user it was issued to. */
  exchangeTrigger(triggerId: string): string {
    const grant = this.triggers.get(triggerId);
    if (grant === undefined) throw new SlackApiError('invalid_trigger_id');
    if (this.options.clock.now() - grant.issuedAt > this.triggerTtlMs) {
      throw new SlackApiError('expired_trigger_id');
    }
    if (grant.exchanged) throw new SlackApiError('exchanged_trigger_id');
    grant.exchanged = true;
    return grant.user;
  }

  /** Returns the id to put at the end of `/respond/<id>`. */
  issueResponseUrl(target: ResponseTarget): string {
    const id = this.options.ids.next('R', 10);
    this.responseUrls.set(id, { target, issuedAt: this.options.clock.now(), uses: 0 });
    return id;
  }

  useResponseUrl(id: string): ResponseTarget {
    const grant = this.responseUrls.get(id);
    if (grant === undefined) throw new ResponseUrlError(404, 'no_such_url');
    if (this.options.clock.now() - grant.issuedAt > GRANT_LIMITS.responseUrlTtlMs) {
      throw new ResponseUrlError(404, 'expired_url');
    }
    if (grant.uses >= GRANT_LIMITS.responseUrlMaxUses) throw new ResponseUrlError(404, 'used_url');
    grant.uses += 1;
    return grant.target;
  }
}
