import type { RemediationStateStore } from '../../actions/state';
import type { MessageDecorator } from '../findingPublisher';
import { remediationButtons } from './buttons';
import { statusLines } from './status';

/** Buttons and status lines of a finding's message, from its remediation state. */
export function createRemediationDecorator(
  state: Pick<RemediationStateStore, 'get'>,
): MessageDecorator {
  return async (finding) => {
    const current = await state.get(finding.id);
    return { buttons: remediationButtons(finding, current), status: statusLines(current) };
  };
}
