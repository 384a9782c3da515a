/**
 * Keys waiting for a due time, earliest first. One entry per key (scheduling a key again keeps the
 * earlier due time), so the work queue needs a single timer for the head however many keys wait.
 * An indexed binary heap: schedule, pop and remove are O(log n).
 */
interface Entry {
  key: string;
  due: number;
}

export class DelayHeap {
  private readonly entries: Entry[] = [];
  private readonly positions = new Map<string, number>();

  get size(): number {
    return this.entries.length;
  }

  has(key: string): boolean {
    return this.positions.has(key);
  }

  dueOf(key: string): number | undefined {
    const position = this.positions.get(key);
    return position === undefined ? undefined : this.entries[position]?.due;
  }

  /** Schedule `key` at `due`, or move it earlier if it already waits for a later time. Returns true if the earliest due time changed. */
  schedule(key: string, due: number): boolean {
    const headDueBefore = this.peekDue();
    const position = this.positions.get(key);
    if (position === undefined) {
      this.entries.push({ key, due });
      this.positions.set(key, this.entries.length - 1);
      this.siftUp(this.entries.length - 1);
    } else {
      const entry = this.entries[position];
      if (entry === undefined || entry.due <= due) return false;
      entry.due = due;
      this.siftUp(position);
    }
    return this.peekDue() !== headDueBefore;
  }

  /** The earliest due time, if any key waits. */
  peekDue(): number | undefined {
    return this.entries[0]?.due;
  }

  /** Remove and return every key due at or before `now`, earliest first. */
  popDue(now: number): string[] {
    const keys: string[] = [];
    for (let head = this.entries[0]; head !== undefined && head.due <= now; head = this.entries[0]) {
      keys.push(head.key);
      this.removeAt(0);
    }
    return keys;
  }

  remove(key: string): boolean {
    const position = this.positions.get(key);
    if (position === undefined) return false;
    this.removeAt(position);
    return true;
  }

  clear(): void {
    this.entries.length = 0;
    this.positions.clear();
  }

  private removeAt(position: number): void {
    const removed = this.entries[position];
    const last = this.entries.pop();
    if (removed === undefined || last === undefined) return;
    this.positions.delete(removed.key);
    if (position === this.entries.length) return;
    this.entries[position] = last;
    this.positions.set(last.key, position);
    this.siftDown(position);
    this.siftUp(position);
  }

  private siftUp(start: number): void {
    let child = start;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.less(child, parent)) break;
      this.swap(child, parent);
      child = parent;
    }
  }

  private siftDown(start: number): void {
    let parent = start;
    for (;;) {
      const left = parent * 2 + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < this.entries.length && this.less(left, smallest)) smallest = left;
      if (right < this.entries.length && this.less(right, smallest)) smallest = right;
      if (smallest === parent) return;
      this.swap(parent, smallest);
      parent = smallest;
    }
  }

  private less(a: number, b: number): boolean {
    const ea = this.entries[a];
    const eb = this.entries[b];
    return ea !== undefined && eb !== undefined && ea.due < eb.due;
  }

  private swap(a: number, b: number): void {
    const ea = this.entries[a];
    const eb = this.entries[b];
    if (ea === undefined || eb === undefined) return;
    this.entries[a] = eb;
    this.entries[b] = ea;
    this.positions.set(eb.key, a);
    this.positions.set(ea.key, b);
  }
}
