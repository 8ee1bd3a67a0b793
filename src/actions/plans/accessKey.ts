import { AlreadyInStateError, TargetNotFoundError } from '../errors';
import { settleAllOrNothing, type Planner } from './types';

interface KeyFacts {
  readonly userName: string;
  readonly accessKeyId: string;
  /** As IAM reports it live; what the action expects in a dry run. */
  readonly status: 'Active' | 'Inactive';
}

function names(context: Parameters<Planner<KeyFacts>['assume']>[0]) {
  const key = context.finding.resource?.accessKeyDetails;
  return { userName: key?.userName ?? '', accessKeyId: context.intent.target };
}

interface KeyMetadata {
  readonly AccessKeyId?: string;
  readonly Status?: string;
}

/**
 * Disable access key / Re-enable key: IAM UpdateAccessKey on exactly that key id, always with
 * the user name (without it IAM would look for the key among the caller's own keys).
 */
export const accessKeyPlanner: Planner<KeyFacts> = {
  assume(context) {
    const disable = context.intent.kind === 'disable-key';
    return { ...names(context), status: disable ? 'Active' : 'Inactive' };
  },

  async observe(context, read) {
    const { userName, accessKeyId } = names(context);
    const { output } = await read({
      service: 'iam',
      command: 'ListAccessKeys',
      input: { UserName: userName },
    });
    const keys = (output.AccessKeyMetadata ?? []) as readonly KeyMetadata[];
    const key = keys.find((k) => k.AccessKeyId === accessKeyId);
    if (key === undefined) {
      throw new TargetNotFoundError(
        `access key ${accessKeyId} is not one of IAM user ${userName}'s keys (deleted?)`,
      );
    }
    const status = key.Status === 'Inactive' ? 'Inactive' : 'Active';
    const wanted = context.intent.kind === 'disable-key' ? 'Inactive' : 'Active';
    if (status === wanted) {
      throw new AlreadyInStateError(
        `access key ${accessKeyId} of IAM user ${userName} is already ${wanted.toLowerCase()}`,
      );
    }
    return { userName, accessKeyId, status };
  },

  plan(context, facts) {
    const disable = context.intent.kind === 'disable-key';
    const status = disable ? 'Inactive' : 'Active';
    return {
      calls: [
        {
          service: 'iam',
          command: 'UpdateAccessKey',
          input: { UserName: facts.userName, AccessKeyId: facts.accessKeyId, Status: status },
        },
      ],
      before: { accessKeyId: facts.accessKeyId, status: facts.status },
      settle: settleAllOrNothing(
        context,
        { accessKeyId: facts.accessKeyId, status },
        disable ? { userName: facts.userName, accessKeyId: facts.accessKeyId } : undefined,
      ),
    };
  },
};
