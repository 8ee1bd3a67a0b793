/**
 * Who may read findings, the audit log and the bot's health through `/guardduty`: anyone in the
 * security channel (they see the findings there anyway), and elsewhere the responders and the
 * configured viewers. A finding GuardDuty has that was never posted is shown to responders only.
 */
export interface ReadAccess {
  /** In the security channel, or a responder or viewer. */
  mayRead(userId: string, channelId: string): Promise<boolean>;
  /** A responder: may also see findings never posted (fetched from GuardDuty). */
  isResponder(userId: string): Promise<boolean>;
}

interface MemberCheck {
  isResponder(userId: string): Promise<boolean>;
}

export function readAccess(
  securityChannel: string,
  responders: MemberCheck,
  viewers: MemberCheck,
): ReadAccess {
  return {
    async mayRead(userId, channelId) {
      if (channelId === securityChannel) return true;
      return (await responders.isResponder(userId)) || (await viewers.isResponder(userId));
    },
    isResponder: (userId) => responders.isResponder(userId),
  };
}
