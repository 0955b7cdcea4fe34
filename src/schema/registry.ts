import { concatColumnSets, EMPTY_COLUMN_SET, type ColumnSet } from './column.js';
import { sortColumnSet } from './dependency-sort.js';

/** The columns of a property's table, in evaluation order per kind. */
export interface ColumnsRegistry {
  get(propertyId: string): ColumnSet;
}

/** Fixed column sets: one per listed property, `fallback` for every other property. */
export class StaticColumnsRegistry implements ColumnsRegistry {
  constructor(
    private readonly fallback: ColumnSet = EMPTY_COLUMN_SET,
    private readonly perProperty: ReadonlyMap<string, ColumnSet> = new Map(),
  ) {}

  get(propertyId: string): ColumnSet {
    return this.perProperty.get(propertyId) ?? this.fallback;
  }
}

/**
 * Concatenates what several registries give for a property (core, protocol, device and geo,
 * custom columns…) and sorts all kinds together by dependencies. The merged set of each
 * property is computed once and kept: column sets do not change while Cairn runs.
 */
export class ColumnsMerger implements ColumnsRegistry {
  private readonly merged = new Map<string, ColumnSet>();

  constructor(private readonly registries: readonly ColumnsRegistry[]) {}

  /** Throws `ColumnDependencyError` when the merged set has duplicates, gaps or cycles. */
  get(propertyId: string): ColumnSet {
    let set = this.merged.get(propertyId);
    if (set === undefined) {
      set = sortColumnSet(concatColumnSets(this.registries.map((r) => r.get(propertyId))));
      this.merged.set(propertyId, set);
    }
    return set;
  }
}
