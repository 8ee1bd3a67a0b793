import type { RemediationStateRepository } from '../../actions/ports/repositories';
import type { MessageDecorator } from '../findingPublisher';
import { remediationButtons } from './buttons';
import { statusLines } from './statusLines';

/** Buttons and status lines of a finding's message, from its remediation state. */
export function createRemediationDecorator(
  state: Pick<RemediationStateRepository, 'get'>,
): MessageDecorator {
  return async (finding) => {
    const current = await state.get(finding.id);
    return { buttons: remediationButtons(finding, current), status: statusLines(current) };
  };
}
