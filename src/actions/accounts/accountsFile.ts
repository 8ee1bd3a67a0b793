import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { CodedError, ErrorCode } from '../../shared/errors';
import type { AccountsPolicy } from './policy';

/** An accounts file that cannot be used: one line naming the account and the field. */
export class AccountsInvalidError extends CodedError {
  override readonly name = 'AccountsInvalidError';
  readonly code = ErrorCode.AccountsInvalid;
}

// YAML reads an unquoted account id as a number: 12 digits are taken back as they are; an id
// with a leading zero lost it, and must be quoted.
const ACCOUNT_ID = z
  .union([z.string(), z.number().int().nonnegative()], 'must be a 12-digit AWS account id')
  .transform(String)
  .pipe(z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id (quote it in YAML)'));

const OU_ID = z
  .string('must be an organizational unit id')
  .regex(
    /^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$/,
    'must be an OU id (ou-…) or a root id (r-…)',
  );

const PRINCIPAL = z
  .string('must be a principal name, id or ARN')
  .trim()
  .min(1, 'must not be empty')
  .max(2048, 'must be at most 2048 characters');

const SettingsSchema = z.strictObject({
  name: z
    .string('must be a name')
    .trim()
    .min(1, 'must not be empty')
    .max(50, 'must be at most 50 characters (an AWS account name)')
    .optional(),
  dryRun: z.boolean('must be true or false').optional(),
  protectedPrincipals: z.array(PRINCIPAL, 'must be a list of principals').default([]),
});

const FileSchema = z.strictObject({
  version: z.literal(1, 'must be 1').optional(),
  organizations: z.boolean('must be true or false').default(false),
  allow: z
    .strictObject({
      accounts: z.array(ACCOUNT_ID, 'must be a list of account ids').default([]),
      ous: z.array(OU_ID, 'must be a list of OU ids').default([]),
    })
    .refine((allow) => allow.accounts.length + allow.ous.length > 0, {
      error: 'must list accounts or OUs (leave "allow" out to allow every account)',
    })
    .optional(),
  accounts: z.record(z.string(), SettingsSchema, 'must map account ids to settings').default({}),
});

function where(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'the file' : path.map(String).join('.');
}

/**
 * Reads the accounts file (YAML or JSON), checked with zod: a mistake is one line naming the
 * field, e.g. `accounts (accounts.yml): accounts.4444.name: must be at most 50 characters`.
 */
export function parseAccounts(text: string, source: string): AccountsPolicy {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new AccountsInvalidError(`accounts (${source}): not YAML or JSON: ${message ?? ''}`);
  }
  const parsed = FileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AccountsInvalidError(
      `accounts (${source}): ${where(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const accounts: Record<string, AccountsPolicy['accounts'][string]> = {};
  for (const [id, settings] of Object.entries(parsed.data.accounts)) {
    const checked = ACCOUNT_ID.safeParse(id);
    if (!checked.success) {
      throw new AccountsInvalidError(
        `accounts (${source}): accounts.${id}: must be a 12-digit AWS account id (quote it in YAML)`,
      );
    }
    accounts[checked.data] = {
      ...(settings.name === undefined ? {} : { name: settings.name }),
      ...(settings.dryRun === undefined ? {} : { dryRun: settings.dryRun }),
      protectedPrincipals: settings.protectedPrincipals,
    };
  }
  const { allow } = parsed.data;
  return {
    organizations: parsed.data.organizations,
    ...(allow === undefined ? {} : { allow: { accounts: allow.accounts, ous: allow.ous } }),
    accounts,
  };
}
