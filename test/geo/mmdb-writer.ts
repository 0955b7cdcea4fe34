import { isIP } from 'node:net';

/**
 * A small writer of MaxMind DB files, enough to build city-database fixtures in tests (the
 * real databases are tens of megabytes and licensed separately). It follows the published
 * MaxMind DB format 2.0:
 *
 * - a binary search tree over address bits, `node_count` nodes of two 24-bit records each; a
 *   record is another node's number, `node_count` for "no data", or `node_count + 16 + offset`
 *   pointing into the data section;
 * - 16 zero bytes, then the data section: values in the format's own encoding (a control
 *   byte with a 3-bit type and a 5-bit size, extended types and sizes in following bytes);
 * - the marker `\xAB\xCD\xEFMaxMind.com`, then the metadata map.
 *
 * The tree is an IPv6 tree; IPv4 networks live at `::a.b.c.d` (the first 96 bits zero), where
 * readers look for them.
 */

/** A value with an explicit MMDB type, for the fields whose type the format fixes (metadata). */
export class Typed {
  constructor(
    readonly type: 'uint16' | 'uint32' | 'uint64' | 'double',
    readonly value: number | bigint,
  ) {}
}

export type MmdbValue = string | number | boolean | Typed | readonly MmdbValue[] | { readonly [key: string]: MmdbValue };

const TYPE = { utf8: 2, double: 3, uint16: 5, uint32: 6, map: 7, uint64: 9, array: 11, boolean: 14 } as const;

function controlBytes(type: number, size: number): number[] {
  const extended = type > 7;
  let first = extended ? 0 : type << 5;
  const extra: number[] = [];
  if (size < 29) {
    first |= size;
  } else if (size < 29 + 256) {
    first |= 29;
    extra.push(size - 29);
  } else if (size < 285 + 65536) {
    first |= 30;
    const n = size - 285;
    extra.push(n >> 8, n & 0xff);
  } else {
    first |= 31;
    const n = size - 65821;
    extra.push((n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  }
  return extended ? [first, type - 7, ...extra] : [first, ...extra];
}

/** Big-endian bytes of an unsigned integer without leading zero bytes (the format allows that). */
function unsignedBytes(value: bigint): number[] {
  const bytes: number[] = [];
  let v = value;
  while (v > 0n) {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  return bytes;
}

export function encodeValue(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const text = Buffer.from(value, 'utf8');
    return Buffer.concat([Buffer.from(controlBytes(TYPE.utf8, text.length)), text]);
  }
  if (typeof value === 'boolean') return Buffer.from(controlBytes(TYPE.boolean, value ? 1 : 0));
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 && value < 2 ** 32 ? encodeValue(new Typed('uint32', value)) : encodeValue(new Typed('double', value));
  }
  if (value instanceof Typed) {
    if (value.type === 'double') {
      const body = Buffer.alloc(8);
      body.writeDoubleBE(Number(value.value));
      return Buffer.concat([Buffer.from(controlBytes(TYPE.double, 8)), body]);
    }
    const body = unsignedBytes(BigInt(value.value));
    return Buffer.from([...controlBytes(TYPE[value.type], body.length), ...body]);
  }
  if (Array.isArray(value)) {
    const items = value as readonly MmdbValue[];
    return Buffer.concat([Buffer.from(controlBytes(TYPE.array, items.length)), ...items.map(encodeValue)]);
  }
  const entries = Object.entries(value as { readonly [key: string]: MmdbValue });
  const parts = entries.flatMap(([k, v]) => [encodeValue(k), encodeValue(v)]);
  return Buffer.concat([Buffer.from(controlBytes(TYPE.map, entries.length)), ...parts]);
}

interface DataLeaf {
  data: number;
}

class TreeNode {
  children: [Child, Child] = [null, null];
}

type Child = TreeNode | DataLeaf | null;

/** The 128 address bits of an IPv6 tree for `address` (IPv4 in the `::a.b.c.d` block). */
function addressBits(address: string): number[] {
  const bytes = new Array<number>(16).fill(0);
  if (isIP(address) === 4) {
    address.split('.').forEach((part, i) => (bytes[12 + i] = Number(part)));
  } else if (isIP(address) === 6) {
    const [head = '', tail = ''] = address.split('::');
    const groups = (text: string): number[] => (text === '' ? [] : text.split(':').map((g) => parseInt(g, 16)));
    const front = groups(head);
    const back = groups(tail);
    const all = address.includes('::') ? [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back] : front;
    all.forEach((g, i) => {
      bytes[i * 2] = g >> 8;
      bytes[i * 2 + 1] = g & 0xff;
    });
  } else {
    throw new Error(`not an IP address: ${address}`);
  }
  return bytes.flatMap((byte) => [7, 6, 5, 4, 3, 2, 1, 0].map((shift) => (byte >> shift) & 1));
}

export interface MmdbNetwork {
  /** `address/prefix`; an IPv4 prefix counts IPv4 bits (`1.2.3.0/24`). */
  cidr: string;
  record: MmdbValue;
}

export interface MmdbOptions {
  databaseType?: string;
  buildEpochSeconds?: number;
}

/** Builds an MMDB file holding `networks` (non-overlapping, or more specific ones inserted last). */
export function buildMmdb(networks: readonly MmdbNetwork[], options: MmdbOptions = {}): Buffer {
  const root = new TreeNode();
  const records: MmdbValue[] = [];
  for (const network of networks) {
    const [address = '', prefixText = ''] = network.cidr.split('/');
    const v4 = isIP(address) === 4;
    const prefix = Number(prefixText) + (v4 ? 96 : 0);
    const bits = addressBits(address).slice(0, prefix);
    if (bits.length === 0) throw new Error(`empty prefix: ${network.cidr}`);
    const leaf: DataLeaf = { data: records.push(network.record) - 1 };
    let node = root;
    for (let i = 0; i < bits.length; i++) {
      const bit = bits[i] as 0 | 1;
      if (i === bits.length - 1) {
        node.children[bit] = leaf;
        break;
      }
      const child = node.children[bit];
      if (child instanceof TreeNode) {
        node = child;
      } else {
        // Split a wider network's leaf: both halves keep its data.
        const next = new TreeNode();
        if (child !== null) next.children = [child, child];
        node.children[bit] = next;
        node = next;
      }
    }
  }

  // Number the nodes breadth-first; the root must be node 0.
  const order: TreeNode[] = [root];
  for (let i = 0; i < order.length; i++) {
    for (const child of (order[i] as TreeNode).children) if (child instanceof TreeNode) order.push(child);
  }
  const numbers = new Map<TreeNode, number>(order.map((node, i) => [node, i]));
  const nodeCount = order.length;

  const encoded = records.map(encodeValue);
  const offsets: number[] = [];
  let offset = 0;
  for (const e of encoded) {
    offsets.push(offset);
    offset += e.length;
  }

  const recordValue = (child: Child): number => {
    if (child === null) return nodeCount;
    if (child instanceof TreeNode) return numbers.get(child) as number;
    return nodeCount + 16 + (offsets[child.data] as number);
  };
  const tree = Buffer.alloc(nodeCount * 6);
  order.forEach((node, i) => {
    tree.writeUIntBE(recordValue(node.children[0]), i * 6, 3);
    tree.writeUIntBE(recordValue(node.children[1]), i * 6 + 3, 3);
  });

  const metadata = encodeValue({
    binary_format_major_version: new Typed('uint16', 2),
    binary_format_minor_version: new Typed('uint16', 0),
    build_epoch: new Typed('uint64', BigInt(options.buildEpochSeconds ?? 1_735_689_600)),
    database_type: options.databaseType ?? 'Cairn-Test-City',
    description: { en: 'Test fixture for Cairn geolocation' },
    ip_version: new Typed('uint16', 6),
    languages: ['en'],
    node_count: new Typed('uint32', nodeCount),
    record_size: new Typed('uint16', 24),
  });
  const marker = Buffer.concat([Buffer.from([0xab, 0xcd, 0xef]), Buffer.from('MaxMind.com', 'ascii')]);
  return Buffer.concat([tree, Buffer.alloc(16), ...encoded, marker, metadata]);
}

/** A GeoIP2-City-shaped record with English names (the fields the geo columns read, plus a few they ignore). */
export function cityRecord(place: { city?: string; region?: string; country?: string; countryCode?: string; continent?: string }): MmdbValue {
  const record: Record<string, MmdbValue> = {};
  if (place.city !== undefined) record['city'] = { geoname_id: 1, names: { en: place.city, de: `${place.city} (de)` } };
  if (place.continent !== undefined) record['continent'] = { code: 'XX', geoname_id: 2, names: { en: place.continent } };
  if (place.country !== undefined) {
    record['country'] = { geoname_id: 3, iso_code: place.countryCode ?? 'XX', is_in_european_union: true, names: { en: place.country } };
  }
  if (place.region !== undefined) record['subdivisions'] = [{ geoname_id: 4, iso_code: 'R', names: { en: place.region } }];
  record['location'] = { latitude: 48.85, longitude: 2.35, accuracy_radius: new Typed('uint16', 50) };
  return record;
}
