import { describe, expect, it } from 'vitest';
import { Inventory, type InventoryChange } from '../../src/controllers/inventory.js';

interface Item {
  id: string;
  name: string;
  value: number;
}

function source(items: Item[]) {
  let lists = 0;
  return {
    state: items,
    get lists() {
      return lists;
    },
    inventory(now: () => number = Date.now) {
      return new Inventory<Item>(
        {
          list: async () => {
            lists += 1;
            return this.state.map((i) => ({ ...i }));
          },
          id: (i) => i.id,
          naturalKeys: (i) => [i.name],
        },
        { maxAgeMs: 1000, now },
      );
    },
  };
}

describe('Inventory', () => {
  it('tells when the list behind the snapshot was asked for, not when it answered', async () => {
    let t = 100;
    let answer: (items: Item[]) => void = () => undefined;
    const inv = new Inventory<Item>(
      { list: () => new Promise<Item[]>((resolve) => (answer = resolve)), id: (i) => i.id, naturalKeys: (i) => [i.name] },
      { maxAgeMs: 1000, now: () => t },
    );
    expect(inv.listedAt).toBeUndefined();
    const refreshed = inv.refresh();
    t = 250;
    answer([{ id: 'a', name: 'alice', value: 1 }]);
    await refreshed;
    expect(inv.listedAt).toBe(100);
    // Freshness still counts from the answer.
    t = 1100;
    expect(inv.isFresh(900)).toBe(true);
    expect(inv.isFresh(850)).toBe(false);
  });

  it('serves reads from one list call until the snapshot is older than maxAge', async () => {
    let t = 0;
    const src = source([{ id: 'a', name: 'alice', value: 1 }]);
    const inv = src.inventory(() => t);
    await inv.ensureFresh();
    await inv.ensureFresh();
    expect(src.lists).toBe(1);
    expect(inv.findByNaturalKey('alice')?.id).toBe('a');
    t = 999;
    await inv.ensureFresh();
    expect(src.lists).toBe(1);
    t = 1000;
    await inv.ensureFresh();
    expect(src.lists).toBe(2);
  });

  it('shares one list call between concurrent refreshes', async () => {
    const src = source([{ id: 'a', name: 'alice', value: 1 }]);
    const inv = src.inventory();
    await Promise.all([inv.ensureFresh(), inv.ensureFresh(), inv.refresh()]);
    expect(src.lists).toBe(1);
  });

  it('reports only the records that changed, appeared or disappeared, by id and natural key', async () => {
    const src = source([
      { id: 'a', name: 'alice', value: 1 },
      { id: 'b', name: 'bob', value: 1 },
      { id: 'c', name: 'carol', value: 1 },
    ]);
    const inv = src.inventory();
    const changes: InventoryChange[] = [];
    inv.onChange((c) => changes.push(c));
    await inv.refresh();
    expect(changes).toHaveLength(0);
    src.state = [
      { id: 'a', name: 'alice', value: 2 },
      { id: 'b', name: 'bob', value: 1 },
      { id: 'd', name: 'dave', value: 1 },
    ];
    await inv.refresh();
    expect(changes).toHaveLength(1);
    expect([...(changes[0]?.ids ?? [])].sort()).toEqual(['a', 'c', 'd']);
    expect([...(changes[0]?.naturalKeys ?? [])].sort()).toEqual(['alice', 'carol', 'dave']);
    expect(inv.get('c')).toBeUndefined();
    expect(inv.findByNaturalKey('carol')).toBeUndefined();
    await inv.refresh();
    expect(changes).toHaveLength(1);
  });

  it('follows a renamed record under its new natural key only', async () => {
    const src = source([{ id: 'a', name: 'alice', value: 1 }]);
    const inv = src.inventory();
    await inv.refresh();
    inv.upsert({ id: 'a', name: 'alicia', value: 1 });
    expect(inv.findByNaturalKey('alice')).toBeUndefined();
    expect(inv.findByNaturalKey('alicia')?.id).toBe('a');
    inv.remove('a');
    expect(inv.size).toBe(0);
  });

  it('keeps what `keep` returns, for listed items and written replies alike', async () => {
    const kept = (i: Item): Item => ({ id: i.id, name: i.name, value: 0 });
    const inv = new Inventory<Item>(
      {
        list: () => Promise.resolve([{ id: '1', name: 'a', value: 5 }]),
        id: (i) => i.id,
        naturalKeys: (i) => [i.name],
        keep: kept,
        fingerprint: (i) => `${i.id}/${i.name}`,
      },
      { maxAgeMs: 1000 },
    );
    await inv.refresh();
    expect(inv.get('1')).toEqual({ id: '1', name: 'a', value: 0 });
    inv.upsert({ id: '2', name: 'b', value: 7 });
    expect(inv.findByNaturalKey('b')).toEqual({ id: '2', name: 'b', value: 0 });
    // The fingerprint reads kept fields only: a listed item that differs only in what is dropped is no change.
    const changes: InventoryChange[] = [];
    inv.onChange((c) => changes.push(c));
    await inv.refresh();
    expect(changes.map((c) => [...c.ids])).toEqual([['2']]);
  });

  it('keeps only listed items that changed, and refuses keep() without a fingerprint', async () => {
    let keeps = 0;
    const kept = (i: Item): Item => {
      keeps += 1;
      return { id: i.id, name: i.name, value: 0 };
    };
    let items = [{ id: '1', name: 'a', value: 5 }, { id: '2', name: 'b', value: 5 }];
    const inv = new Inventory<Item>(
      { list: () => Promise.resolve(items), id: (i) => i.id, naturalKeys: (i) => [i.name], keep: kept, fingerprint: (i) => `${i.id}/${i.name}` },
      { maxAgeMs: 1000 },
    );
    await inv.refresh();
    expect(keeps).toBe(2);
    items = [{ id: '1', name: 'a', value: 6 }, { id: '2', name: 'renamed', value: 5 }];
    await inv.refresh();
    expect(keeps).toBe(3);
    expect(() => new Inventory<Item>({ list: () => Promise.resolve([]), id: (i) => i.id, naturalKeys: () => [], keep: kept }, { maxAgeMs: 1000 })).toThrow(/fingerprint/);
  });
});

