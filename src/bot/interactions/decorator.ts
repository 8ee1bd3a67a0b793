import { ACTION_FAMILIES, LIST_FAMILIES, type ActionFamily } from '../../actions/kinds';
import { containingRanges } from '../../actions/lists/entries';
import { findingListEntries, listSubject } from '../../actions/lists/subjects';
import type { SubjectKey, SubjectStateRepository } from '../../actions/ports/repositories';
import { findingView, type RemediationState } from '../../actions/remediationState';
import { familyFits, familySubject } from '../../actions/targets';
import type { AccountGate } from '../../actions/accounts/gate';
import type { Finding } from '../../findings';
import { prose } from '../render/text';
import type { MessageDecorator } from '../findingPublisher';
import { pageButtons, pageLine } from '../paging/pageMessage';
import { remediationButtons } from './buttons';
import { stateBadges, statusLines } from './statusLines';

/**
 * The families whose subject other findings share (an instance, a key, a role, a list entry: a
 * later finding from an IP on the threat list says so).
 */
const SHARED: ReadonlySet<ActionFamily> = new Set([
  'disable-key',
  'revoke-sessions',
  'quarantine',
  'threat-list',
  'trust-ip',
]);

/**
 * A finding's remediation state: the states of the subjects its families act on, in one read.
 * `fresh` (a message posted for the first time) reads only the subjects other findings share
 * (an instance, a key, a role), which may already be quarantined or disabled; archive and
 * suppress act on the finding itself, which nothing has touched yet (a finding acted on through
 * `/guardduty` before its first post gets buttons of version 0, and the first click on one is
 * refused as stale and redraws the message from the real state). A finding with no such subject
 * costs no read at all.
 */
export async function remediationStateOf(
  subjects: Pick<SubjectStateRepository, 'getMany'>,
  finding: Finding,
  options: { readonly fresh?: boolean } = {},
): Promise<RemediationState> {
  const keys: SubjectKey[] = ACTION_FAMILIES.flatMap((family) => {
    if (!familyFits(finding, family) || (options.fresh === true && !SHARED.has(family))) return [];
    const subject = familySubject(finding, family);
    return subject === undefined ? [] : [{ family, subject }];
  });
  const ranges = coveringKeys(finding);
  const all = [...keys, ...ranges.map((range) => range.key)];
  const states = all.length === 0 ? [] : await subjects.getMany(all);
  const view = findingView(finding.id, states.slice(0, keys.length));
  const covering: NonNullable<RemediationState['covering']> = {};
  states.slice(keys.length).forEach((state, index) => {
    const range = ranges[index];
    // Most specific first: the first listed range of a family is its mark.
    if (
      range === undefined ||
      state.applied === undefined ||
      view.applied[state.family] !== undefined
    )
      return;
    covering[state.family] ??= { address: range.address, applied: state.applied };
  });
  return Object.keys(covering).length === 0 ? view : { ...view, covering };
}

/**
 * The list subjects of the ranges the finding's remote IP falls in, read in the same batch as
 * its own subjects: a later finding from inside a listed range is marked too.
 */
function coveringKeys(finding: Finding): { key: SubjectKey; address: string }[] {
  const address = findingListEntries(finding)[0];
  if (address === undefined) return [];
  const ranges = containingRanges(address);
  return LIST_FAMILIES.flatMap((family) =>
    ranges.map((range) => ({
      key: { family, subject: listSubject(family, finding.region, range) },
      address,
    })),
  );
}

export interface DecoratorOptions {
  /** The on-call tool pages go to ("PagerDuty"); without one, no paging buttons or lines. */
  readonly pagingTool?: string;
  /** The organisation's accounts: names on messages, read-only where remediation may not act. */
  readonly accounts?: Pick<AccountGate, 'view'>;
}

/**
 * Buttons and status lines of a finding's message, from its subjects' remediation state and its
 * page (on the record, so no read of its own), and its account in words. A finding from an
 * account remediation may not act in is read-only: no remediation buttons, and a status line
 * that says why.
 */
export function createRemediationDecorator(
  subjects: Pick<SubjectStateRepository, 'getMany'>,
  decorator: DecoratorOptions = {},
): MessageDecorator {
  return async (finding, record, options) => {
    const [current, view] = await Promise.all([
      remediationStateOf(subjects, finding, options),
      decorator.accounts?.view(finding.accountId),
    ]);
    const tool = decorator.pagingTool;
    const page = tool === undefined ? undefined : pageLine(record?.page, tool);
    const account =
      view === undefined
        ? {}
        : {
            account: {
              ...(view.name === undefined ? {} : { name: view.name }),
              dryRunOnly: view.dryRunOnly,
            },
          };
    const readOnly = view?.notAllowed === undefined ? [] : [readOnlyLine(view.notAllowed)];
    return {
      buttons: [
        ...(readOnly.length > 0 ? [] : remediationButtons(finding, current)),
        ...(tool === undefined ? [] : pageButtons(finding.id, record?.page)),
      ],
      status: [...statusLines(current), ...(page === undefined ? [] : [page]), ...readOnly],
      ...account,
      badges: stateBadges(finding, current),
    };
  };
}

function readOnlyLine(reason: string): string {
  return `:lock: Read-only: ${prose(reason, 600)}`;
}
