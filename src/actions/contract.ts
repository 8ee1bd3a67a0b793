import type { Finding } from '../findings';

/**
 * The remediation layer's public contract, used by the Slack listeners (buttons, modals) and by
 * the `/guardduty` commands alike: there is one path to AWS, and it goes through here.
 */

/** Every remediation and its undo. */
export type ActionKind =
  | 'archive'
  | 'unarchive'
  | 'suppress'
  | 'delete-suppression'
  | 'disable-key'
  | 'enable-key'
  | 'revoke-sessions'
  | 'restore-sessions'
  | 'quarantine'
  | 'release'
  | 'add-to-threat-list'
  | 'remove-from-threat-list'
  | 'trust-ip'
  | 'untrust-ip';

/** The actions on the account's GuardDuty IP lists (a ThreatIntelSet and an IPSet). */
export type ListActionKind =
  'add-to-threat-list' | 'remove-from-threat-list' | 'trust-ip' | 'untrust-ip';

/**
 * What a list action names: the address or range, and for Trust the reason, the expiry and
 * whether a range wider than a /24 is meant. From a finding's button the entry is the finding's
 * remote IP; from `/guardduty threatlist|trust` it is typed, and the Region given or the stack's.
 */
export interface ListRequest {
  readonly entry: string;
  readonly region: string;
  readonly reason?: string;
  /** Trust only: ISO time at which the schedule removes the entry again. */
  readonly expiresAt?: string;
  readonly wholeRange?: boolean;
}

/** Who asked, as Slack's signed request says. */
export interface Actor {
  readonly userId: string;
  readonly teamId: string;
  readonly userName?: string;
}

/** Criteria of a suppression rule (a GuardDuty filter with action ARCHIVE). */
export interface SuppressionCriteria {
  readonly findingType: string;
  readonly principalId?: string;
  readonly accessKeyId?: string;
  readonly instanceId?: string;
  readonly remoteIp?: string;
  /**
   * The responder ticked "every finding of this type": required when the rule names no principal,
   * key or instance, since it then archives the type on every resource.
   */
  readonly everyFindingOfType?: boolean;
  /** ISO date after which the rule should be removed; none = until deleted. */
  readonly expiresAt?: string;
  readonly description?: string;
}

export interface ActionRequest {
  readonly findingId: string;
  readonly kind: ActionKind;
  readonly actor: Actor;
  /** Where the request came from, for the audit log. */
  readonly source: 'button' | 'modal' | 'command';
  /** Suppress only: the criteria the responder confirmed in the modal. */
  readonly criteria?: SuppressionCriteria;
  /** Quarantine only: snapshot the instance's volumes first. */
  readonly snapshot?: boolean;
  /** List actions only: the entry and, for Trust, the reason and expiry confirmed in the modal. */
  readonly list?: Partial<ListRequest>;
  /** The state version the button was rendered with (optimistic concurrency); commands omit it. */
  readonly version?: number;
  /** Slack context for reporting back: the finding message, a response_url. */
  readonly responseUrl?: string;
  /**
   * The finding, when it was never posted (e.g. `/guardduty archive ID` on a finding fetched with
   * GetFindings); otherwise the stored one is used.
   */
  readonly finding?: Finding;
}

export type RequestOutcome =
  /** Recorded and handed to the worker; the result arrives in the message and its thread. */
  | { readonly kind: 'accepted'; readonly intentId: string; readonly dryRun: boolean }
  /**
   * Not allowed (not a responder, protected resource, root user, sample finding…); audited.
   * `askResponders`: the asker may not act, a responder may (the answer names them).
   */
  | { readonly kind: 'refused'; readonly reason: string; readonly askResponders?: true }
  /** Someone already did or is doing this; nothing new happens. */
  | {
      readonly kind: 'duplicate';
      readonly by: Actor;
      readonly at: string;
      readonly status: 'pending' | 'running' | 'succeeded' | 'failed';
    }
  /** The action does not fit this finding (e.g. no access key) or the finding is unknown. */
  | { readonly kind: 'invalid'; readonly reason: string };

export interface RemediationService {
  request(request: ActionRequest): Promise<RequestOutcome>;
}

/** What an audit record is about: a remediation, or a Slack request refused before any (another workspace). */
export type AuditAction = ActionKind | 'slack-request';

/** One audit record as listings show it; the stored record carries more (hashes, before/after). */
export interface AuditEntry {
  /** The record's hash chain (its finding) and its place in it. */
  readonly chain: string;
  readonly seq: number;
  readonly at: string;
  readonly type: 'request' | 'outcome' | 'refusal' | 'undo';
  readonly actor: Actor;
  readonly action: AuditAction;
  readonly findingId: string;
  readonly target: string;
  readonly dryRun: boolean;
  /** For outcomes: succeeded / failed; for refusals: the reason. */
  readonly result?: string;
  readonly error?: string;
}

export interface AuditReader {
  /** Newest first. */
  list(query: {
    readonly findingId?: string;
    readonly userId?: string;
    readonly limit: number;
  }): Promise<AuditEntry[]>;
}
