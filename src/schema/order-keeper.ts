import type { Column, ColumnSet } from './column.js';
import type { InterfaceId } from './interface.js';

/**
 * The physical column order of a table (DDL and `cairn columns`): interfaces in the order
 * their catalogues declare them — core first, then the protocol's — and columns whose
 * interface no catalogue declares (custom columns, renamed protocol columns) after them in
 * their evaluation order. Rows are keyed by name, so writing does not depend on this order.
 */
export class InterfaceOrderKeeper {
  private readonly positions = new Map<InterfaceId, number>();

  constructor(...declarations: ReadonlyArray<readonly InterfaceId[]>) {
    for (const ids of declarations) {
      for (const id of ids) {
        // The first declaration of an id decides its place.
        if (!this.positions.has(id)) this.positions.set(id, this.positions.size);
      }
    }
  }

  positionOf(id: InterfaceId): number {
    return this.positions.get(id) ?? Number.POSITIVE_INFINITY;
  }

  sort<T extends Column>(columns: readonly T[]): T[] {
    // Array.prototype.sort is stable, which keeps undeclared columns in their given order.
    return [...columns].sort((a, b) => {
      const pa = this.positionOf(a.implements.id);
      const pb = this.positionOf(b.implements.id);
      if (pa === pb) return 0;
      return pa < pb ? -1 : 1;
    });
  }

  sorted(set: ColumnSet): ColumnSet {
    return { event: this.sort(set.event), sessionScoped: this.sort(set.sessionScoped), session: this.sort(set.session) };
  }
}
