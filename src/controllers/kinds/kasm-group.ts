import { DEFAULT_GROUP_PRIORITY, kasmGroupSpec, type KasmGroupSpec } from '../../api/kasm-group.js';
import type { KasmGroup, KasmGroupSetting } from '../../kasm/areas/groups.js';
import type { AdapterContext, FieldDiff, ManagedKindAdapter, Observation } from '../managed-kind.js';
import { PerObjectReads } from '../per-object-reads.js';
import { InvalidSpecError } from '../reconcile-errors.js';
import { GROUPS_INVENTORY, findGroup, forgetIn, groupsInventory, rememberIn } from './kasm-inventories.js';

/** Group settings have no list endpoint across groups: they are read per group, at this multiple of the poll interval. */
const SETTINGS_POLL_FACTOR = 5;

interface GroupObserved {
  group: KasmGroup;
  /** Present when the spec manages settings. */
  settings?: KasmGroupSetting[];
}

const settingsReads = new PerObjectReads<KasmGroupSetting[]>(
  (kasm, groupId, signal) => kasm.groups.getSettings(groupId, { priority: 'background', signal }),
  SETTINGS_POLL_FACTOR,
);

function settingByName(settings: readonly KasmGroupSetting[], name: string): KasmGroupSetting {
  const found = settings.find((s) => s.name === name);
  if (!found) {
    const known = settings.map((s) => s.name).sort().join(', ');
    throw new InvalidSpecError(`spec.settings: Kasm has no group setting "${name}"; known settings: ${known}`);
  }
  return found;
}

async function observeGroup(ctx: AdapterContext, spec: KasmGroupSpec, group: KasmGroup, forceSettings = false): Promise<Observation<GroupObserved>> {
  ctx.deps.dependOnKasm(GROUPS_INVENTORY, group.groupId);
  const observed: GroupObserved = { group };
  if (spec.settings?.length) {
    const all = await settingsReads.get(ctx, group.groupId, forceSettings);
    // Only the managed settings are compared and reported; an unknown name is a spec error.
    observed.settings = spec.settings.map((s) => settingByName(all, s.name));
  }
  return { observed, externalId: group.groupId };
}

async function applySettings(ctx: AdapterContext, spec: KasmGroupSpec, groupId: string, current: KasmGroupSetting[] | undefined): Promise<boolean> {
  if (!spec.settings?.length) return false;
  const settings = current ?? (await settingsReads.get(ctx, groupId, true));
  let changed = false;
  for (const wanted of spec.settings) {
    const have = settingByName(settings, wanted.name);
    if (have.value === wanted.value) continue;
    await ctx.kasm.groups.updateSetting(groupId, have.groupSettingId, wanted.value, { signal: ctx.signal });
    changed = true;
  }
  return changed;
}

export const kasmGroupAdapter: ManagedKindAdapter<KasmGroupSpec, KasmGroupSpec, GroupObserved> = {
  kind: 'KasmGroup',
  specSchema: kasmGroupSpec,

  resolve: async (spec) => spec,
  naturalKey: (spec) => spec.name,

  async observe(ctx, { externalId, naturalKey, byNaturalKey, resolved, refresh }) {
    ctx.deps.dependOnKasm(GROUPS_INVENTORY, naturalKey);
    const by = externalId !== undefined ? { groupId: externalId } : byNaturalKey ? { name: naturalKey } : undefined;
    const group = by && (await findGroup(ctx, by, refresh));
    return group ? observeGroup(ctx, resolved, group) : undefined;
  },

  async create(ctx, spec) {
    const group = await ctx.kasm.groups.create(
      { name: spec.name, description: spec.description ?? null, priority: spec.priority ?? DEFAULT_GROUP_PRIORITY },
      { signal: ctx.signal },
    );
    await rememberIn(ctx, groupsInventory, group);
    await applySettings(ctx, spec, group.groupId, undefined);
    return observeGroup(ctx, spec, group, true);
  },

  async update(ctx, current, spec, diff) {
    let group = current.observed.group;
    const fields = new Set(diff.map((d) => d.field));
    if (fields.has('name') || fields.has('description') || fields.has('priority')) {
      group = await ctx.kasm.groups.update(
        group.groupId,
        {
          ...(fields.has('name') ? { name: spec.name } : {}),
          ...(fields.has('description') ? { description: spec.description ?? null } : {}),
          ...(fields.has('priority') && spec.priority !== undefined ? { priority: spec.priority } : {}),
        },
        { signal: ctx.signal },
      );
      await rememberIn(ctx, groupsInventory, group);
    }
    const settingsChanged = await applySettings(ctx, spec, group.groupId, current.observed.settings);
    return observeGroup(ctx, spec, group, settingsChanged);
  },

  async delete(ctx, current) {
    await ctx.kasm.groups.delete(current.externalId, { signal: ctx.signal });
    await forgetIn(ctx, groupsInventory, current.externalId);
  },

  diff(spec, { group, settings }) {
    const diff: FieldDiff[] = [];
    if (group.name !== spec.name) diff.push({ field: 'name', desired: spec.name, observed: group.name });
    if (spec.description !== undefined && (group.description ?? '') !== spec.description) {
      diff.push({ field: 'description', desired: spec.description, observed: group.description ?? '' });
    }
    if (spec.priority !== undefined && group.priority !== spec.priority) {
      diff.push({ field: 'priority', desired: String(spec.priority), observed: String(group.priority ?? '') });
    }
    for (const wanted of spec.settings ?? []) {
      const have = settingByName(settings ?? [], wanted.name);
      if (have.value !== wanted.value) diff.push({ field: `settings[${wanted.name}]`, desired: wanted.value, observed: have.value ?? '' });
    }
    return diff;
  },

  atProvider({ group, settings }) {
    return {
      groupId: group.groupId,
      name: group.name,
      description: group.description,
      ...(group.priority !== null ? { priority: group.priority } : {}),
      ...(group.isSystem !== null ? { isSystem: group.isSystem } : {}),
      ...(settings ? { settings: settings.map((s) => ({ name: s.name, value: s.value ?? '' })) } : {}),
    };
  },
};
