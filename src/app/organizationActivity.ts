import { DynamoOrganizationActivity } from '../store/dynamoOrganizationActivity';
import type { OpenedStore } from './store';

/**
 * Where findings came from and where AssumeRole failed (`/guardduty status`), in the idempotency
 * table. Its own module: the findings function records where findings come from and carries no
 * other remediation repository.
 */
export const organizationActivity = (store: OpenedStore) =>
  new DynamoOrganizationActivity(store.client, store.tables.idempotency);
