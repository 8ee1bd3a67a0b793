import type { GuardDutyReader } from '../actions/ports/guardDutyReader';
import { SdkGuardDutyReader } from '../aws/guardDutyFindings';
import type { Config } from '../config';
import type { Log } from '../shared/log';
import { createAwsGateway } from './awsGateway';
import { openStore } from './embeddedStore';
import { findingRecords } from './findingRecordWriter';
import { createRuntime, type Runtime } from './runtime';
import { loadRoutingTable } from './routes';
import { scorerFromConfig } from './scorer';
import { inProcessPaging } from './pageDelivery';

export interface ProcessRuntimeOptions {
  readonly log: Log;
  /** Remediation calls AWS with this machine's credentials; otherwise only dry runs can run. */
  readonly live: boolean;
}

/**
 * The whole bot in one process (`serve`, `post`): the store `STORE` names, the configured
 * scorer, and, when live, the AWS gateway over the SDK's default credentials.
 */
export async function openProcessRuntime(
  config: Config,
  options: ProcessRuntimeOptions,
): Promise<Runtime> {
  const routes = await loadRoutingTable(config);
  const store = await openStore(config);
  try {
    const guardduty = { reader: sdkGuardDutyReader() };
    return createRuntime(config, {
      paging: inProcessPaging(config, options.log),
      log: options.log,
      store,
      findings: findingRecords(store),
      routes,
      scorer: await scorerFromConfig(config),
      remediation: options.live ? { aws: createAwsGateway(), guardduty } : { guardduty },
    });
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** GuardDuty's read API over the SDK (region and credentials from the environment). */
export function sdkGuardDutyReader(): GuardDutyReader {
  return new SdkGuardDutyReader();
}
