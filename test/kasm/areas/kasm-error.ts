import { expect } from 'vitest';
import type { KasmError } from '../../../src/kasm/errors.js';

/** Awaits a call that must fail with a KasmError of `type`, and returns it for further checks. */
export async function expectKasmError<E extends KasmError>(
  call: Promise<unknown>,
  type: new (...args: never[]) => E,
): Promise<E> {
  const outcome = await call.then(
    (value: unknown) => ({ failed: false as const, value }),
    (error: unknown) => ({ failed: true as const, error }),
  );
  if (!outcome.failed) {
    expect.fail(`expected ${type.name}, but the call succeeded with ${JSON.stringify(outcome.value)}`);
  }
  expect(outcome.error).toBeInstanceOf(type);
  return outcome.error as E;
}
