import type { z } from 'zod';

/**
 * Constraints stated once and enforced twice: as CEL rules in the CRD (kube-apiserver rejects the
 * object) and as zod refinements (the operator's parse rejects it with a field path, which covers
 * clusters and tools that skip CEL, and unit tests).
 */
export interface CelRule {
  rule: string;
  message: string;
  /** JSON path (relative to the node) the error is reported at. */
  fieldPath?: string;
}

type Meta = Record<string, unknown>;

/** Adds CEL rules to a schema's metadata, keeping the description and any earlier rules. */
export function withCelRules<T extends z.ZodType>(schema: T, rules: readonly CelRule[]): T {
  const meta: Meta = { ...(schema.meta() ?? {}) };
  const existing = Array.isArray(meta['x-kubernetes-validations']) ? (meta['x-kubernetes-validations'] as CelRule[]) : [];
  return schema.meta({ ...meta, 'x-kubernetes-validations': [...existing, ...rules] });
}

/**
 * A constraint both sides check with one message: `holds` in the operator's parse, `cel` in
 * kube-apiserver. Declared once so the two cannot drift apart.
 */
export interface SharedRule<T> {
  /** Whether the parsed value (code defaults applied) satisfies the constraint. */
  holds: (value: T) => boolean;
  /** The same constraint in CEL on the stored object, where defaults are not applied: test with has(). */
  cel: string;
  message: string;
  /** Field the error names, relative to the node: the zod issue path and the CEL fieldPath. */
  path?: readonly string[];
}

/** Adds each rule as a zod check and as a CEL rule, in order. */
export function withSharedRules<T extends z.ZodType>(schema: T, rules: readonly SharedRule<z.output<T>>[]): T {
  const checked = schema.superRefine((value, ctx) => {
    for (const { holds, message, path } of rules) {
      if (!holds(value)) ctx.addIssue({ code: 'custom', message, ...(path ? { path: [...path] } : {}) });
    }
  });
  return withCelRules(
    checked,
    rules.map(({ cel, message, path }) => ({ rule: cel, message, ...(path ? { fieldPath: path.map((p) => `.${p}`).join('') } : {}) })),
  );
}

/** Adds other CRD schema metadata (e.g. `x-kubernetes-list-type`), keeping what is there. */
export function withCrdMeta<T extends z.ZodType>(schema: T, extra: Meta): T {
  return schema.meta({ ...(schema.meta() ?? {}), ...extra });
}

/** The field cannot change once set (kube-apiserver compares with the stored object). */
export function immutable<T extends z.ZodType>(schema: T, message: string): T {
  return withCelRules(schema, [{ rule: 'self == oldSelf', message }]);
}

const joinFields = (fields: readonly string[]): string =>
  fields.length === 2 ? `${fields[0]} or ${fields[1]}` : `${fields.slice(0, -1).join(', ')} or ${fields.at(-1)}`;

/** CEL: exactly one of the optional fields is set. */
export function exactlyOneRule(fields: readonly string[], what?: string): CelRule {
  const rule =
    fields.length === 2
      ? `has(self.${fields[0]}) != has(self.${fields[1]})`
      : `${fields.map((f) => `(has(self.${f}) ? 1 : 0)`).join(' + ')} == 1`;
  return { rule, message: `set exactly one of ${joinFields(fields)}${what ? ` to name the ${what}` : ''}` };
}

/**
 * An object whose optional `fields` are alternatives: exactly one must be set. Adds the CEL rule and
 * the matching zod check (issue at the object's path).
 */
export function exactlyOneOf<T extends z.ZodObject>(schema: T, fields: readonly (keyof z.infer<T> & string)[], what?: string): T {
  const cel = exactlyOneRule(fields, what);
  const checked = schema.superRefine((value: Record<string, unknown>, ctx) => {
    const set = fields.filter((f) => value[f] !== undefined);
    if (set.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: set.length === 0 ? `${cel.message} (none is set)` : `${cel.message} (${set.join(' and ')} are set)`,
      });
    }
  });
  return withCelRules(checked, [cel]);
}

/**
 * An object whose two optional `fields` exclude each other: at most one may be set. Adds the CEL
 * rule and the matching zod check; `purpose` ends the message, e.g. "to pin the gateway".
 */
export function atMostOneOf<T extends z.ZodObject>(schema: T, fields: readonly [keyof z.infer<T> & string, keyof z.infer<T> & string], purpose?: string): T {
  const [a, b] = fields;
  const message = `set at most one of ${joinFields(fields)}${purpose ? ` ${purpose}` : ''}`;
  const checked = schema.superRefine((value: Record<string, unknown>, ctx) => {
    if (value[a] !== undefined && value[b] !== undefined) ctx.addIssue({ code: 'custom', message: `${message} (both are set)` });
  });
  return withCelRules(checked, [{ rule: `!(has(self.${a}) && has(self.${b}))`, message }]);
}

/**
 * CEL: once created, none of the optional `fields` may be added or removed, nor its value changed.
 * For alternatives, that fixes which one is used and its value (see exactlyOneFixedOf); for one
 * field, that it stays set or unset. No zod side: the operator's parse never sees the old object.
 */
export function immutableChoiceRule(fields: readonly string[], message: string): CelRule {
  const sameChoice = fields.map((f) => `has(self.${f}) == has(oldSelf.${f})`);
  const sameValue = fields.map((f) => `(!has(self.${f}) || self.${f} == oldSelf.${f})`);
  return { rule: [...sameChoice, ...sameValue].join(' && '), message };
}

/**
 * A reference that cannot change, e.g. the group of a grant: exactly one of the optional `fields`
 * names it (exactlyOneOf) and, once created, neither the field used nor its value may change
 * (`fixedMessage`, enforced by kube-apiserver only).
 */
export function exactlyOneFixedOf<T extends z.ZodObject>(schema: T, fields: readonly (keyof z.infer<T> & string)[], what: string, fixedMessage: string): T {
  return withCelRules(exactlyOneOf(schema, fields, what), [immutableChoiceRule(fields, fixedMessage)]);
}
