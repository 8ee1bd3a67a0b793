import type { GroupDirectory } from '../../src/actions/ports/groupDirectory';
import { Authorizer } from '../../src/actions/responders';
import { silentLog } from '../../src/shared/log';

function directory(members: Record<string, string[]>, failing = new Set<string>()) {
  const asked: string[] = [];
  const lookup: GroupDirectory = {
    members(groupId) {
      asked.push(groupId);
      if (failing.has(groupId)) return Promise.reject(new Error('ratelimited'));
      return Promise.resolve(members[groupId] ?? []);
    },
  };
  return { lookup, asked };
}

describe('Authorizer', () => {
  let now = 0;
  const clock = () => new Date(now);
  beforeEach(() => {
    now = 1_000_000;
  });

  it('admits listed users and members of listed groups, nobody else', async () => {
    const { lookup } = directory({ S0ONCALL: ['U0CAROL'] });
    const auth = new Authorizer({
      users: ['U0ALICE'],
      groups: ['S0ONCALL'],
      directory: lookup,
      clock,
      log: silentLog,
    });
    expect(await auth.isResponder('U0ALICE')).toBe(true);
    expect(await auth.isResponder('U0CAROL')).toBe(true);
    expect(await auth.isResponder('U0BOB')).toBe(false);
  });

  it('asks Slack once per group for a burst of clicks, again after the cache expires', async () => {
    const { lookup, asked } = directory({ S0ONCALL: ['U0CAROL'] });
    const auth = new Authorizer({
      users: [],
      groups: ['S0ONCALL'],
      directory: lookup,
      clock,
      log: silentLog,
      cacheMs: 60_000,
    });
    await Promise.all(Array.from({ length: 20 }, () => auth.isResponder('U0CAROL')));
    expect(asked).toEqual(['S0ONCALL']);
    now += 60_001;
    await auth.isResponder('U0CAROL');
    expect(asked).toEqual(['S0ONCALL', 'S0ONCALL']);
  });

  it('refuses when the group cannot be read, and asks again next time', async () => {
    const { lookup, asked } = directory({}, new Set(['S0ONCALL']));
    const auth = new Authorizer({
      users: [],
      groups: ['S0ONCALL'],
      directory: lookup,
      clock,
      log: silentLog,
    });
    expect(await auth.isResponder('U0CAROL')).toBe(false);
    expect(await auth.isResponder('U0CAROL')).toBe(false);
    expect(asked).toEqual(['S0ONCALL', 'S0ONCALL']);
  });
});
