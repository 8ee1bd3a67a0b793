import type { WebClient } from '@slack/web-api';
import type { HealthNotifier, TokenProbe, TokenVerdict } from '../../health/ports';
import type { Notice, RegionState } from '../../health/regionState';
import { canaryNoticeMessage } from './canaryMessages';

/** Slack's answer for a token it no longer accepts (`token_revoked`, `invalid_auth`…). */
function platformError(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** `auth.test` with the bot token: Slack's own word on whether the token still works. */
export class SlackTokenProbe implements TokenProbe {
  constructor(private readonly client: WebClient) {}

  async check(): Promise<TokenVerdict> {
    try {
      const answer = await this.client.auth.test();
      return answer.ok ? { ok: true } : { ok: false, error: answer.error ?? 'not ok' };
    } catch (error) {
      const code = platformError(error);
      if (code === undefined) throw error;
      return { ok: false, error: code };
    }
  }
}

/** Posts the canary's state changes to the security channel, as the bot. */
export class SlackHealthNotifier implements HealthNotifier {
  constructor(
    private readonly client: WebClient,
    private readonly channel: string,
  ) {}

  async post(region: string, notice: Notice, state: RegionState, now: Date): Promise<void> {
    const message = canaryNoticeMessage(region, notice, state, now);
    await this.client.chat.postMessage({
      channel: this.channel,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
      unfurl_media: false,
      link_names: false,
      parse: 'none',
    });
  }
}
