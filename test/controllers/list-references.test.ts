import { describe, expect, it } from 'vitest';
import { InvalidSpecError, ListReferencesNotReadyError, ReferenceNotReadyError } from '../../src/controllers/reconcile-errors.js';
import { resolveEach } from '../../src/controllers/reference-resolver.js';

const users = Array.from({ length: 20 }, (_, i) => `u-${i}`);

/** Resolves the names in `ready`; every other one waits. */
const resolveWith = (ready: ReadonlySet<string>) => (name: string) => {
  if (!ready.has(name)) throw new ReferenceNotReadyError('KasmUser', name, 'is not Ready yet');
  return `id-${name}`;
};

async function waitFor(ready: ReadonlySet<string>): Promise<ListReferencesNotReadyError> {
  try {
    await resolveEach('spec.users', users, (n) => n, resolveWith(ready));
  } catch (err) {
    if (err instanceof ListReferencesNotReadyError) return err;
    throw err;
  }
  throw new Error('expected a wait');
}

describe('resolveEach', () => {
  it('resolves every entry in order when none waits', async () => {
    await expect(resolveEach('spec.users', ['a', 'b'], (n) => n, resolveWith(new Set(['a', 'b'])))).resolves.toEqual(['id-a', 'id-b']);
  });

  it('goes on past waiting entries, so each one is tried (and recorded as a dependency)', async () => {
    const tried: string[] = [];
    await expect(
      resolveEach('spec.users', users, (n) => n, (n) => {
        tried.push(n);
        return resolveWith(new Set())(n);
      }),
    ).rejects.toBeInstanceOf(ListReferencesNotReadyError);
    expect(tried).toEqual(users);
  });

  it('keeps the condition message the same while the waiting set shrinks; the detail names those still waiting', async () => {
    const all = await waitFor(new Set());
    const most = await waitFor(new Set(users.slice(0, 19)));
    expect(most.message).toBe(all.message);
    expect(all.message).toContain('spec.users (20 listed)');
    expect(all.reason).toBe('ReferenceNotReady');
    expect(all.retryable).toBe(true);
    expect(all.detail).toContain('20 of 20 entries waiting');
    expect(all.detail).toContain('and 15 more');
    expect(most.detail).toBe('spec.users: 1 of 20 entries waiting: KasmUser "u-19" is not Ready yet');
  });

  it('names a short list in the condition message', async () => {
    await expect(resolveEach('spec.users', ['dave'], (n) => n, resolveWith(new Set()))).rejects.toThrow('Waiting for spec.users (listed: "dave")');
  });

  it('lets other errors through at once', async () => {
    const failing = (): string => {
      throw new InvalidSpecError('spec.users[0]: bad');
    };
    await expect(resolveEach('spec.users', ['a'], (n) => n, failing)).rejects.toBeInstanceOf(InvalidSpecError);
  });
});
