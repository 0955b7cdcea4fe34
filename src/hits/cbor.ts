import { Decoder, Encoder } from 'cbor-x';

/**
 * The CBOR settings of Cairn's own binary formats (hits, spooled sessions): plain CBOR with no
 * cbor-x extensions (records, bundled strings, structured clone), so the bytes depend only on
 * the value written and any CBOR reader can read them.
 */
export const plainCborEncoder = new Encoder({
  useRecords: false,
  tagUint8Array: false,
  pack: false,
  bundleStrings: false,
  structuredClone: false,
  variableMapSize: false,
  useFloat32: 0,
});

/**
 * Maps decode to `Map`, never to plain objects, so hostile keys in garbage input cannot touch
 * prototypes before a format's validation rejects the shape.
 */
export const safeCborDecoder = new Decoder({ useRecords: false, mapsAsObjects: false, structuredClone: false });
