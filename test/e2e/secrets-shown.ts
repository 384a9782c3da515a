import { expect } from 'vitest';
import type { OperatorFixture, OperatorInstance } from '../harness/operator-fixture.js';

/** What anyone with read access sees of the operator's work: objects (status included), the namespace's events, the operator logs. */
export interface Traces {
  objects: string;
  events: string;
  logs: string;
}

export async function readTraces(fx: OperatorFixture, objects: readonly (readonly [kind: string, name: string])[], operators: readonly OperatorInstance[]): Promise<Traces> {
  const read = await Promise.all(objects.map(([kind, name]) => fx.get(kind, name)));
  return { objects: JSON.stringify(read), events: JSON.stringify(await fx.events()), logs: operators.flatMap((o) => o.logs).join('\n') };
}

/** Asserts that none of `secrets` appears anywhere in `traces`. */
export function expectNoSecretShown(traces: Traces, secrets: Iterable<string>): void {
  for (const secret of secrets) {
    for (const [where, text] of Object.entries(traces)) expect(text, `${where} show a secret value`).not.toContain(secret);
  }
}
