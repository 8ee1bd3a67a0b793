import type { LocalSlackChannel, LocalSlackUser } from '@guardduty-chatops/slack-sandbox';

/** The fake workspace the demo runs in: one security channel, a responder and an onlooker. */
export const DEMO_CHANNEL: LocalSlackChannel = { id: 'C0SECURITY', name: 'security' };

const ALICE: LocalSlackUser = { id: 'U0ALICE', name: 'alice', real_name: 'Alice (on call)' };
const BOB: LocalSlackUser = { id: 'U0BOB', name: 'bob', real_name: 'Bob (read-only)' };

export const DEMO_USERS: readonly LocalSlackUser[] = [ALICE, BOB];

/** Alice may remediate; Bob may not, so a newcomer also sees a refusal. */
export const DEMO_RESPONDERS: readonly string[] = [ALICE.id];
