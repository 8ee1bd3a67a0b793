import type { GuardDutyReader } from '../actions/ports/guardDutyReader';
import { SdkGuardDutyReader } from '../aws/guardDutyFindings';
import { sdkRegionalReaders } from '../aws/regionalGuardDutyReaders';
import type { Config } from '../config';
import type { Log } from '../shared/log';
import { createAwsGateway } from './awsGateway';
import { accountGate, loadAccountsPolicy } from './accounts';
import { memberSessions } from './memberSessions';
import { organizationActivity } from './organizationActivity';
import { listGateway, s3ListStore } from './ipLists';
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
  const accounts = accountGate(config, await loadAccountsPolicy(config), options.log);
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
      accounts,
      remediation: {
        guardduty,
        activity: organizationActivity(store),
        ...(options.live
          ? { aws: createAwsGateway(listGateway(s3ListStore(config))), sessions: memberSessions() }
          : {}),
      },
    });
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** GuardDuty's read API over the SDK (region and credentials from the environment). */
/** GuardDuty for the `/guardduty` commands: the configured region's, and any other for `--region`. */
export function regionalGuardDuty(): ReturnType<typeof sdkRegionalReaders> {
  return sdkRegionalReaders();
}

export function sdkGuardDutyReader(): GuardDutyReader {
  return new SdkGuardDutyReader();
}
