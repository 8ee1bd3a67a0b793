import type { RemediationStateRepository } from '../../actions/ports/repositories';
import { initialState } from '../../actions/remediationState';
import type { MessageDecorator } from '../findingPublisher';
import { remediationButtons } from './buttons';
import { statusLines } from './statusLines';

/**
 * Buttons and status lines of a finding's message, from its remediation state. A message posted
 * for the first time is drawn from the initial state without a read: a finding acted on through
 * `/guardduty` before its first post gets buttons of version 0, and the first click on one is
 * refused as stale and redraws the message from the real state.
 */
export function createRemediationDecorator(
  state: Pick<RemediationStateRepository, 'get'>,
): MessageDecorator {
  return async (finding, _record, options) => {
    const current =
      options?.fresh === true ? initialState(finding.id) : await state.get(finding.id);
    return { buttons: remediationButtons(finding, current), status: statusLines(current) };
  };
}
