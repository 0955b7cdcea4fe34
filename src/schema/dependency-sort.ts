import { allColumns, groupByScope, type Column, type ColumnSet } from './column.js';
import type { InterfaceId } from './interface.js';

/** A column set whose dependencies cannot be ordered; the message names the ids at fault. */
export class ColumnDependencyError extends Error {
  override readonly name = 'ColumnDependencyError';
}

/** Byte order of the UTF-8 encodings, which is code-point order (not UTF-16 unit order). */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

function sortIds(ids: InterfaceId[]): InterfaceId[] {
  return ids.sort(compareIds);
}

function indexColumns(columns: readonly Column[]): Map<InterfaceId, Column> {
  const byId = new Map<InterfaceId, Column>();
  const counts = new Map<InterfaceId, number>();
  for (const c of columns) {
    const id = c.implements.id;
    counts.set(id, (counts.get(id) ?? 0) + 1);
    if (!byId.has(id)) byId.set(id, c);
  }
  for (const [id, count] of counts) {
    if (count > 1) throw new ColumnDependencyError(`duplicate column id: ${id} appears ${count} times`);
  }
  return byId;
}

// Depth-first search over "depends on" edges among the columns the sort could not place,
// visiting nodes and neighbours in id order so the reported cycle is always the same one.
function findCycle(columns: readonly Column[], remaining: ReadonlySet<InterfaceId>): InterfaceId[] | null {
  const dependencies = new Map<InterfaceId, InterfaceId[]>();
  for (const c of columns) {
    const id = c.implements.id;
    if (!remaining.has(id)) continue;
    const deps = c.dependsOn.filter((d) => remaining.has(d));
    dependencies.set(id, sortIds([...deps]));
  }
  const visited = new Set<InterfaceId>();
  const onStack = new Set<InterfaceId>();
  const visit = (node: InterfaceId, path: InterfaceId[]): InterfaceId[] | null => {
    if (onStack.has(node)) return [...path.slice(path.indexOf(node)), node];
    if (visited.has(node)) return null;
    visited.add(node);
    onStack.add(node);
    const next = [...path, node];
    for (const dep of dependencies.get(node) ?? []) {
      const cycle = visit(dep, next);
      if (cycle !== null) return cycle;
    }
    onStack.delete(node);
    return null;
  };
  for (const node of sortIds([...remaining])) {
    if (visited.has(node)) continue;
    const cycle = visit(node, []);
    if (cycle !== null) return cycle;
  }
  return null;
}

/**
 * Orders columns so that each comes after everything it depends on (Kahn's algorithm). Ties
 * are broken by id: the columns free from the start are taken in id order, and the columns a
 * placed column frees are appended in id order. The result is the evaluation order; it is
 * reproduced exactly because columns sharing scratch metadata rely on it.
 */
export function sortByDependencies(columns: readonly Column[]): Column[] {
  if (columns.length === 0) return [];
  const byId = indexColumns(columns);
  const inDegree = new Map<InterfaceId, number>();
  const dependents = new Map<InterfaceId, InterfaceId[]>();
  for (const id of byId.keys()) {
    inDegree.set(id, 0);
    dependents.set(id, []);
  }
  for (const c of columns) {
    const id = c.implements.id;
    for (const dep of c.dependsOn) {
      if (dep === id) throw new ColumnDependencyError(`invalid dependency: ${id} depends on itself`);
      if (!byId.has(dep)) throw new ColumnDependencyError(`missing dependency: ${id} depends on ${dep} (not present)`);
      dependents.get(dep)!.push(id);
      inDegree.set(id, inDegree.get(id)! + 1);
    }
  }
  const queue = sortIds([...inDegree].filter(([, d]) => d === 0).map(([id]) => id));
  const sorted: Column[] = [];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head]!;
    sorted.push(byId.get(id)!);
    const freed: InterfaceId[] = [];
    for (const dependent of dependents.get(id)!) {
      const left = inDegree.get(dependent)! - 1;
      inDegree.set(dependent, left);
      if (left === 0) freed.push(dependent);
    }
    queue.push(...sortIds(freed));
  }
  if (sorted.length !== byId.size) {
    const remaining = new Set([...inDegree].filter(([, d]) => d > 0).map(([id]) => id));
    const cycle = findCycle(columns, remaining);
    if (cycle !== null) throw new ColumnDependencyError(`circular dependency detected: ${cycle.join(' -> ')}`);
    throw new ColumnDependencyError(`circular dependency detected among: [${sortIds([...remaining]).join(' ')}]`);
  }
  return sorted;
}

/**
 * Sorts every kind together (a session column may depend on an event column) and splits the
 * result back into kinds; each kind's order is its evaluation order.
 */
export function sortColumnSet(set: ColumnSet): ColumnSet {
  return groupByScope(sortByDependencies(allColumns(set)));
}
