import type { Finding } from './schema';

const CONSOLE_HOSTS: Readonly<Record<string, string>> = {
  aws: 'console.aws.amazon.com',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
  'aws-cn': 'console.amazonaws.cn',
};

/** The GuardDuty console page of one finding. Id and region are schema-checked, so safe in a URL. */
export function findingConsoleUrl(finding: Pick<Finding, 'id' | 'region' | 'partition'>): string {
  const host = CONSOLE_HOSTS[finding.partition ?? 'aws'] ?? CONSOLE_HOSTS.aws;
  const region = encodeURIComponent(finding.region);
  return `https://${host}/guardduty/home?region=${region}#/findings?macros=current&fId=${encodeURIComponent(finding.id)}`;
}
