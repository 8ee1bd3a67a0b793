import { code, prose } from '../render/text';
import type { AccountArg } from './parse';
import { suggest } from './parse';

/** An account as `list` and `stats` name it. */
export interface NamedAccount {
  readonly accountId: string;
  readonly name?: string;
}

export type AccountLookup =
  | { readonly kind: 'found'; readonly account: NamedAccount }
  /** One safe line: no account by that name (with the closest one), or several. */
  | { readonly kind: 'unknown'; readonly text: string };

/**
 * The account `--account` means: an id as it is (with its name when known), or the one account
 * whose name matches ignoring case. Names come from the accounts file and Organizations.
 */
export function lookUpAccount(arg: AccountArg, names: ReadonlyMap<string, string>): AccountLookup {
  if (arg.kind === 'id') {
    const name = names.get(arg.accountId);
    return {
      kind: 'found',
      account: name === undefined ? { accountId: arg.accountId } : { ...arg, name },
    };
  }
  const wanted = arg.name.toLowerCase();
  const matches = [...names].filter(([, name]) => name.toLowerCase() === wanted);
  const [only] = matches;
  if (only !== undefined && matches.length === 1) {
    return { kind: 'found', account: { accountId: only[0], name: only[1] } };
  }
  if (matches.length > 1) {
    const ids = matches.map(([id]) => code(id, 20)).join(', ');
    return {
      kind: 'unknown',
      text: `${matches.length} accounts are named ${code(arg.name, 60)} (${ids}): give the id with \`--account\`.`,
    };
  }
  if (names.size === 0) {
    return {
      kind: 'unknown',
      text: `No account names are known here (neither the accounts file nor AWS Organizations gives any): give the 12-digit id with \`--account\`.`,
    };
  }
  const closest = suggest(
    wanted,
    [...names.values()].map((name) => name.toLowerCase()),
  );
  const hint =
    closest === undefined
      ? ''
      : ` Did you mean ${code([...names.values()].find((n) => n.toLowerCase() === closest) ?? closest, 60)}?`;
  return {
    kind: 'unknown',
    text: `No account is named ${code(arg.name, 60)}.${hint} Give its name as the accounts file or AWS Organizations has it, or its 12-digit id.`,
  };
}

/** `prod-payments (111122223333)`, or the id alone when no name is known. Safe mrkdwn. */
export function accountLabel(accountId: string, names: ReadonlyMap<string, string>): string {
  const name = names.get(accountId);
  const id = code(accountId, 20);
  return name === undefined ? id : `${prose(name, 60)} (${id})`;
}
