import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { MemberRole } from '../actions/accounts/policy';
import { MemberRoleUnavailableError } from '../actions/errors';
import type { AccountSessions } from '../actions/ports/accountSessions';
import { isAwsError, type AwsGateway } from '../actions/ports/awsGateway';
import { errorMessage } from '../shared/errors';

/** Temporary credentials in the shape the SDK clients take them. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export interface StsAccountSessionsOptions {
  readonly sts?: STSClient;
  /** The gateway over clients holding these credentials (per region, created on first use). */
  readonly gatewayFor: (credentials: SessionCredentials) => AwsGateway;
  readonly clock?: () => Date;
  /** How long a session lasts; AssumeRole's minimum, since a run takes seconds. */
  readonly durationSeconds?: number;
  /** A session this close to expiry is renewed before use, so no call runs on dying credentials. */
  readonly renewBeforeMs?: number;
}

interface Session {
  readonly gateway: AwsGateway;
  readonly expiresAt: number;
}

/** STS says no: the role is missing, or its trust policy does not name this caller. */
const DENIED = new Set(['AccessDenied', 'AccessDeniedException']);

/**
 * Sessions in member accounts over STS AssumeRole: RoleSessionName and SourceIdentity are the
 * acting Slack user, so the member account's CloudTrail names the responder. Each session (role
 * and responder) and its clients are kept until its credentials are about to expire, then
 * assumed anew; concurrent callers share one AssumeRole. A denial is not retried (the SDK
 * retries only throttling and transient errors, 3 attempts).
 */
export class StsAccountSessions implements AccountSessions {
  private readonly sts: STSClient;
  private readonly clock: () => Date;
  private readonly durationSeconds: number;
  private readonly renewBeforeMs: number;
  private readonly sessions = new Map<string, Promise<Session>>();

  constructor(private readonly options: StsAccountSessionsOptions) {
    this.sts = options.sts ?? new STSClient({ maxAttempts: 3 });
    this.clock = options.clock ?? (() => new Date());
    this.durationSeconds = options.durationSeconds ?? 900;
    this.renewBeforeMs = options.renewBeforeMs ?? 60_000;
  }

  async gateway(role: MemberRole): Promise<AwsGateway> {
    const key = `${role.roleArn}\u0000${role.sessionName}\u0000${role.externalId ?? ''}`;
    const cached = this.sessions.get(key);
    if (cached !== undefined) {
      const session = await cached.catch(() => undefined);
      if (
        session !== undefined &&
        session.expiresAt - this.renewBeforeMs > this.clock().getTime()
      ) {
        return session.gateway;
      }
      if (this.sessions.get(key) !== cached) return this.gateway(role);
    }
    const opening = this.open(role);
    this.sessions.set(key, opening);
    try {
      return (await opening).gateway;
    } catch (error) {
      // A failure is not kept: the next click asks STS again (and fails again, or works).
      if (this.sessions.get(key) === opening) this.sessions.delete(key);
      throw error;
    }
  }

  private async open(role: MemberRole): Promise<Session> {
    let answer;
    try {
      answer = await this.sts.send(
        new AssumeRoleCommand({
          RoleArn: role.roleArn,
          RoleSessionName: role.sessionName,
          SourceIdentity: role.sessionName,
          DurationSeconds: this.durationSeconds,
          ...(role.externalId === undefined ? {} : { ExternalId: role.externalId }),
        }),
      );
    } catch (error) {
      const name = isAwsError(error) ? error.name : 'Error';
      throw new MemberRoleUnavailableError(
        role,
        `${name}: ${errorMessage(error)}`,
        isAwsError(error) && DENIED.has(error.name),
      );
    }
    const c = answer.Credentials;
    if (
      c?.AccessKeyId === undefined ||
      c.SecretAccessKey === undefined ||
      c.SessionToken === undefined ||
      c.Expiration === undefined
    ) {
      throw new MemberRoleUnavailableError(role, 'STS returned no credentials', false);
    }
    const credentials: SessionCredentials = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
    return {
      gateway: this.options.gatewayFor(credentials),
      expiresAt: credentials.expiration.getTime(),
    };
  }
}
