import type { KasmGroup } from '../../kasm/areas/groups.js';
import type { KasmUser } from '../../kasm/areas/users.js';
import { Inventory } from '../inventory.js';
import type { AdapterContext } from '../managed-kind.js';

/**
 * The bulk inventories the user and group kinds share per connection: one get_users and one
 * get_groups call per poll interval serve every KasmUser, KasmGroup and KasmGroupMembership.
 */
export const USERS_INVENTORY = 'users';
export const GROUPS_INVENTORY = 'groups';

export async function usersInventory(ctx: AdapterContext, refresh = false): Promise<Inventory<KasmUser>> {
  const inv = ctx.inventories.get(USERS_INVENTORY, () =>
    new Inventory<KasmUser>(
      {
        list: () => ctx.kasm.users.list({ priority: 'background' }),
        id: (u) => u.userId,
        naturalKeys: (u) => [u.username.toLowerCase()],
        // last_session moves whenever the user works; it is not something the operator compares.
        fingerprint: (u) => JSON.stringify({ ...u, lastSession: undefined, kasms: undefined }),
      },
      { maxAgeMs: ctx.pollIntervalMs },
    ),
  );
  if (refresh) await inv.refresh();
  else await inv.ensureFresh(ctx.pollIntervalMs);
  return inv;
}

export async function groupsInventory(ctx: AdapterContext, refresh = false): Promise<Inventory<KasmGroup>> {
  const inv = ctx.inventories.get(GROUPS_INVENTORY, () =>
    new Inventory<KasmGroup>(
      {
        list: () => ctx.kasm.groups.list({ priority: 'background' }),
        id: (g) => g.groupId,
        naturalKeys: (g) => [g.name],
      },
      { maxAgeMs: ctx.pollIntervalMs },
    ),
  );
  if (refresh) await inv.refresh();
  else await inv.ensureFresh(ctx.pollIntervalMs);
  return inv;
}
