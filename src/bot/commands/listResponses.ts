import type { ListActionKind, RequestOutcome } from '../../actions/contract';
import { KINDS } from '../../actions/kinds';
import type { ListName } from '../../actions/lists/entries';
import type { ListContents } from '../../actions/ports/ipLists';
import { LIMITS } from '../render/limits';
import { code, fitLines, ours } from '../render/text';
import { formatUtc } from '../render/time';
import { askAResponder, type ResponderList } from '../interactions/words';
import { oneLine, type CommandResponse } from './responses';

const TITLES: Readonly<Record<ListName, string>> = {
  threat: 'Threat list',
  trusted: 'Trusted IP list',
};
/** Entries shown in one answer; the file itself holds them all. */
const SHOWN = 100;

/** `threatlist list`, `trust list`: the file's entries and its version, each entry inert. */
export function renderIpList(
  list: ListName,
  region: string,
  contents: ListContents,
): CommandResponse {
  const header = `*${TITLES[list]}* in ${code(region, 30)}: ${contents.entries.length} ${contents.entries.length === 1 ? 'entry' : 'entries'}${contents.version?.versionId === undefined ? '' : ` · version ${code(contents.version.versionId, 80)}`}`;
  if (contents.entries.length === 0) {
    return oneLine(
      `${header}. Add one with \`/guardduty ${list === 'threat' ? 'threatlist' : 'trust'} add IP\`.`,
    );
  }
  const shown = contents.entries.slice(0, SHOWN).map((entry) => `• ${code(entry, 70)}`);
  const more =
    contents.entries.length > SHOWN ? [`…and ${contents.entries.length - SHOWN} more`] : [];
  return {
    response_type: 'ephemeral',
    text: `${TITLES[list]}: ${contents.entries.length} entries`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          verbatim: true,
          text: fitLines([header, ...shown, ...more], LIMITS.sectionText),
        },
      },
    ],
  };
}

/** The answer to `threatlist|trust add|remove IP`: accepted (the result follows), or why not. */
export function renderListOutcome(
  kind: ListActionKind,
  entry: string,
  outcome: RequestOutcome,
  responders: ResponderList,
): CommandResponse {
  const what = `${KINDS[kind].label} ${code(entry, 70)}`;
  switch (outcome.kind) {
    case 'accepted':
      return oneLine(
        `:hourglass_flowing_sand: ${what} requested${outcome.dryRun ? ' (dry run: planned and audited, AWS is not changed)' : ''}. The result follows here.`,
      );
    case 'refused':
      return oneLine(
        `:no_entry: ${what} refused: ${ours(outcome.reason, 500)}${outcome.askResponders === true ? `; ${askAResponder(responders)}` : ''}`,
      );
    case 'duplicate':
      return oneLine(
        `:information_source: ${what} was already requested by <@${outcome.by.userId}> at ${formatUtc(outcome.at)} (${ours(outcome.status, 20)}); nothing new was done.`,
      );
    case 'invalid':
      return oneLine(`:warning: ${what} is not possible: ${ours(outcome.reason, 500)}`);
  }
}
