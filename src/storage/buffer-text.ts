/**
 * Buffer's own text readers and writer, called directly: `write()` and `toString()` check and
 * reorder their arguments on every call, which the hot paths (hit encoding and decoding, CSV
 * bytes) pay for millions of times. Each falls back to the public method where Node lacks it.
 * Lone surrogates become U+FFFD in `utf8Write`, as in cbor-x, which calls the same writer.
 */
type Slice = (this: Buffer, from: number, to: number) => string;
type Write = (this: Buffer, value: string, offset: number, length: number) => number;

const methods = Buffer.prototype as unknown as { utf8Write?: Write; utf8Slice?: Slice; latin1Slice?: Slice };

export const utf8Write: Write =
  methods.utf8Write ??
  function (this: Buffer, value: string, offset: number, length: number): number {
    return this.write(value, offset, length, 'utf8');
  };

export const utf8Slice: Slice =
  methods.utf8Slice ??
  function (this: Buffer, from: number, to: number): string {
    return this.toString('utf8', from, to);
  };

/** For bytes known to be ASCII, which read the same as Latin-1 without the UTF-8 checks. */
export const latin1Slice: Slice =
  methods.latin1Slice ??
  function (this: Buffer, from: number, to: number): string {
    return this.toString('latin1', from, to);
  };
