/**
 * Maps an AWS principal to the IP Insights entity. CloudTrail's `userIdentity.principalId` and a
 * GuardDuty finding's `accessKeyDetails.principalId` use the same forms, so both sides of the model
 * go through this one function, shared by the reader that trains it (`ipinsights/cloudTrail.ts`)
 * and the tuple extraction that scores findings (`findings/tuples.ts`):
 * - IAM user `AIDA…` and root (the account id) stay as they are;
 * - assumed-role sessions `AROA…:session` become the role `AROA…`, because session names are
 *   per-login (an instance id, an email) and would scatter one role over many untrained entities.
 */
export function entityForPrincipal(principalId: string): string {
  const trimmed = principalId.trim();
  const colon = trimmed.indexOf(':');
  if (colon > 0 && trimmed.startsWith('AROA')) return trimmed.slice(0, colon);
  return trimmed;
}
