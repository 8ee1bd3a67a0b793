import { createHash } from 'node:crypto';
import type { Finding } from '../../findings';
import type { JsonObject } from '../audit/record';
import type { ListRequest } from '../contract';
import { RemediationRefusedError, TargetNotFoundError } from '../errors';
import type { IntentRequest } from '../intents';
import { KINDS } from '../kinds';
import type { ListName } from '../lists/entries';
import { LIST_QUOTAS } from '../lists/listFile';
import { listOfFamily } from '../lists/subjects';
import { ref, type AwsCall } from '../ports/awsGateway';
import type { AppliedAction } from '../remediationState';
import { appliedBy, stringField, type AwsReader, type Execution, type Planner } from './types';

/** What a list planner works from: the checked request; the finding when it came from one. */
export interface ListPlanContext {
  readonly intent: IntentRequest;
  readonly list: ListRequest;
  readonly finding?: Finding;
  readonly applied?: AppliedAction;
  readonly now: Date;
  /** The lists bucket's owner, checked by GuardDuty before it loads the file (when known). */
  readonly bucketOwner?: string;
}

/** The sets this stack creates and keeps, one per list in each Region's detector. */
export const SET_NAMES: Readonly<Record<ListName, string>> = {
  threat: 'guardduty-chatops-threat-list',
  trusted: 'guardduty-chatops-trusted-ips',
};

interface ListFacts {
  readonly detectorId: string;
  /** This stack's set in the detector, if it exists yet. */
  readonly setId: string | null;
  /** Every set of the kind in the detector (GuardDuty's quota counts them all). */
  readonly sets: number;
  readonly entries: number;
}

/** The GuardDuty API names of one list's set: ThreatIntelSet or IPSet. */
const API: Readonly<
  Record<
    ListName,
    {
      readonly list: string;
      readonly ids: string;
      readonly get: string;
      readonly create: string;
      readonly update: string;
      readonly idField: string;
      readonly what: string;
    }
  >
> = {
  threat: {
    list: 'ListThreatIntelSets',
    ids: 'ThreatIntelSetIds',
    get: 'GetThreatIntelSet',
    create: 'CreateThreatIntelSet',
    update: 'UpdateThreatIntelSet',
    idField: 'ThreatIntelSetId',
    what: 'threat lists',
  },
  trusted: {
    list: 'ListIPSets',
    ids: 'IpSetIds',
    get: 'GetIPSet',
    create: 'CreateIPSet',
    update: 'UpdateIPSet',
    idField: 'IpSetId',
    what: 'trusted IP lists',
  },
};

function listName(context: ListPlanContext): ListName {
  return listOfFamily(KINDS[context.intent.kind].family);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The Region's detector (the stack's own account: in an organization the stack runs in the
 * GuardDuty administrator, whose detector holds the lists members inherit), this stack's set in
 * it, how many sets of the kind it has, and how long the list already is.
 */
async function observeList(context: ListPlanContext, read: AwsReader): Promise<ListFacts> {
  const name = listName(context);
  const api = API[name];
  const region = context.list.region;
  const detectors = await read({
    service: 'guardduty',
    command: 'ListDetectors',
    region,
    input: {},
  });
  const detectorId = strings(detectors.output.DetectorIds)[0];
  if (detectorId === undefined) {
    throw new TargetNotFoundError(`GuardDuty has no detector in ${region} in this account`);
  }
  const listed = await read({
    service: 'guardduty',
    command: api.list,
    region,
    input: { DetectorId: detectorId, MaxResults: 50 },
  });
  const ids = strings(listed.output[api.ids]);
  let setId: string | null = null;
  for (const id of ids) {
    const set = await read({
      service: 'guardduty',
      command: api.get,
      region,
      input: { DetectorId: detectorId, [api.idField]: id },
    });
    if (set.output.Name === SET_NAMES[name]) setId = id;
  }
  const file = await read({
    service: 'lists',
    command: 'ReadList',
    region,
    input: { List: name, Region: region },
  });
  const entries = Number(file.output.Entries ?? 0);
  return { detectorId, setId, sets: ids.length, entries };
}

function quotaRefusal(context: ListPlanContext, facts: ListFacts): string | undefined {
  const name = listName(context);
  const quota = LIST_QUOTAS[name];
  if (facts.setId === null && facts.sets >= quota.setsPerDetector) {
    return `GuardDuty takes at most ${quota.setsPerDetector} ${API[name].what} per account and Region, and the detector in ${context.list.region} has ${facts.sets} already (none of them this bot's); remove one in GuardDuty first`;
  }
  if (facts.entries >= quota.entries) {
    return `the list already has ${facts.entries} entries; GuardDuty takes at most ${quota.entries.toLocaleString('en-US')} — remove some first`;
  }
  return undefined;
}

function owner(context: ListPlanContext): { ExpectedBucketOwner?: string } {
  return context.bucketOwner === undefined ? {} : { ExpectedBucketOwner: context.bucketOwner };
}

/** Reload (or create and activate) the set from the list file just written. */
function reloadCall(context: ListPlanContext, facts: ListFacts): AwsCall {
  const name = listName(context);
  const api = API[name];
  const region = context.list.region;
  if (facts.setId !== null) {
    return {
      service: 'guardduty',
      command: api.update,
      region,
      input: {
        DetectorId: facts.detectorId,
        [api.idField]: facts.setId,
        Location: ref('listLocation'),
        Activate: true,
        ...owner(context),
      },
    };
  }
  return {
    service: 'guardduty',
    command: api.create,
    region,
    input: {
      DetectorId: facts.detectorId,
      Name: SET_NAMES[name],
      Format: 'TXT',
      Location: ref('listLocation'),
      Activate: true,
      ...owner(context),
      // A retried create gets the same set, never a second one.
      ClientToken: createHash('sha256').update(context.intent.id).digest('hex').slice(0, 32),
    },
    captures: { setId: api.idField },
    note: 'the first time: GuardDuty has no set of this bot in the Region yet',
  };
}

function changeCall(context: ListPlanContext, command: 'AddEntry' | 'RemoveEntry'): AwsCall {
  return {
    service: 'lists',
    command,
    region: context.list.region,
    input: { List: listName(context), Region: context.list.region, Entry: context.list.entry },
    captures: {
      listLocation: 'Location',
      beforeVersionId: 'BeforeVersionId',
      beforeETag: 'BeforeETag',
      afterVersionId: 'AfterVersionId',
      afterETag: 'AfterETag',
      changed: 'Changed',
    },
  };
}

/** The list file's versions before and after the change, as S3 gave them (for the audit). */
function versions(execution: Execution): JsonObject {
  const change = execution.executed.find((e) => e.call.service === 'lists')?.result.output ?? {};
  const pick = (field: string) => stringField(change[field]);
  const version = (id: string | undefined, etag: string | undefined): JsonObject => ({
    ...(id === undefined ? {} : { versionId: id }),
    ...(etag === undefined ? {} : { etag }),
  });
  return {
    listBefore: version(pick('BeforeVersionId'), pick('BeforeETag')),
    listAfter: version(pick('AfterVersionId'), pick('AfterETag')),
    ...(pick('Changed') === undefined ? {} : { changed: pick('Changed') === 'true' }),
  };
}

function assumeList(context: ListPlanContext): ListFacts {
  // A dry run reads nothing: the plan is shown as it would run the first time.
  return {
    detectorId: context.finding?.service.detectorId ?? `(the detector in ${context.list.region})`,
    setId: null,
    sets: 0,
    entries: 0,
  };
}

/** Add IP to threat list / Trust IP: the entry into the list file, then the set reloaded. */
export const addToListPlanner: Planner<ListFacts, ListPlanContext> = {
  async observe(context, read) {
    const facts = await observeList(context, read);
    const refusal = quotaRefusal(context, facts);
    if (refusal !== undefined) throw new RemediationRefusedError(refusal);
    return facts;
  },
  assume: assumeList,
  plan(context, facts) {
    const { list } = context;
    const name = listName(context);
    return {
      calls: [changeCall(context, 'AddEntry'), reloadCall(context, facts)],
      before: { list: name, region: list.region, entry: list.entry, entries: facts.entries },
      settle(execution) {
        // A dry run changes nothing but is recorded as done (marked dry run), like every action.
        const listed =
          (execution.dryRun && execution.complete) ||
          execution.executed.some((e) => e.call.service === 'lists');
        if (!listed) return { after: {}, change: { keep: true } };
        const created = execution.executed.find((e) => e.call.command === API[name].create);
        const setId = facts.setId ?? stringField(created?.result.output[API[name].idField]);
        const undo: JsonObject = {
          list: name,
          region: list.region,
          entry: list.entry,
          detectorId: facts.detectorId,
          ...(setId === undefined ? {} : { setId }),
          ...(list.reason === undefined ? {} : { reason: list.reason }),
          ...(list.expiresAt === undefined ? {} : { expiresAt: list.expiresAt }),
          ...(list.wholeRange === true ? { wholeRange: true } : {}),
        };
        return {
          after: { list: name, region: list.region, entry: list.entry, ...versions(execution) },
          // Written but not reloaded: the entry is in the file, so its undo must stay possible.
          change: { set: appliedBy(context, undo, execution.dryRun, !execution.complete) },
        };
      },
    };
  },
};

/** Remove from threat list / Stop trusting: the entry out of the file, the set reloaded. */
export const removeFromListPlanner: Planner<ListFacts, ListPlanContext> = {
  observe: observeList,
  assume: assumeList,
  plan(context, facts) {
    const { list } = context;
    const name = listName(context);
    const setId = facts.setId ?? stringField(context.applied?.undo.setId) ?? null;
    const calls: AwsCall[] = [changeCall(context, 'RemoveEntry')];
    if (setId !== null) calls.push(reloadCall(context, { ...facts, setId }));
    return {
      calls,
      before: { list: name, region: list.region, entry: list.entry, entries: facts.entries },
      settle(execution) {
        if (!execution.complete) return { after: {}, change: { keep: true } };
        return {
          after: { list: name, region: list.region, entry: list.entry, ...versions(execution) },
          change: { remove: true },
        };
      },
    };
  },
};
