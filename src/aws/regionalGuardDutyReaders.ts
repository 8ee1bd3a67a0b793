import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import type { GuardDutyReader } from '../actions/ports/guardDutyReader';
import { SdkGuardDutyReader } from './guardDutyFindings';

/** The stack's region, and a reader for any region (the `/guardduty` commands' `regions`). */
export interface RegionalGuardDutyReaders {
  readonly home: string;
  readerIn(region: string): GuardDutyReader;
}

/**
 * GuardDuty's read API in the stack's region and, for `--region`, in any other: one client per
 * region, made when first asked for and kept (the same credentials, that region's endpoint).
 * No region configured (a laptop without AWS_REGION or a profile's region): the home reader
 * only, which says so when it is used, and no `--region`; the process still starts.
 */
export async function sdkRegionalReaders(
  home: GuardDutyClient = new GuardDutyClient({}),
  clientIn: (region: string) => GuardDutyClient = (region) => new GuardDutyClient({ region }),
): Promise<{ readonly guardduty: GuardDutyReader; readonly regions?: RegionalGuardDutyReaders }> {
  const guardduty = new SdkGuardDutyReader(home);
  let homeRegion: string;
  try {
    homeRegion = await home.config.region();
  } catch {
    return { guardduty };
  }
  const readers = new Map<string, GuardDutyReader>([[homeRegion, guardduty]]);
  return {
    guardduty,
    regions: {
      home: homeRegion,
      readerIn(region) {
        let reader = readers.get(region);
        if (reader === undefined) {
          reader = new SdkGuardDutyReader(clientIn(region));
          readers.set(region, reader);
        }
        return reader;
      },
    },
  };
}
