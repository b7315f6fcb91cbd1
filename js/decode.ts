// Decoding of binary arrays synced as {data, dtype, shape}. The data arrives as a
// DataView (anywidget / ipywidgets) that may start at a non-zero byteOffset inside a
// larger buffer; it may also be an ArrayBuffer or any typed array (exports, tests).

import type { BinaryArray } from "./types";

export type NumericArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

interface DtypeInfo {
  name: string;
  bytes: number;
  make: (buffer: ArrayBuffer, byteOffset: number, length: number) => NumericArray;
  alloc: (length: number) => NumericArray;
  read: (view: DataView, byteOffset: number, littleEndian: boolean) => number;
}

const INFO: Record<string, DtypeInfo> = {
  uint8: { name: "uint8", bytes: 1, make: (b, o, n) => new Uint8Array(b, o, n), alloc: (n) => new Uint8Array(n), read: (v, o) => v.getUint8(o) },
  int8: { name: "int8", bytes: 1, make: (b, o, n) => new Int8Array(b, o, n), alloc: (n) => new Int8Array(n), read: (v, o) => v.getInt8(o) },
  uint16: { name: "uint16", bytes: 2, make: (b, o, n) => new Uint16Array(b, o, n), alloc: (n) => new Uint16Array(n), read: (v, o, le) => v.getUint16(o, le) },
  int16: { name: "int16", bytes: 2, make: (b, o, n) => new Int16Array(b, o, n), alloc: (n) => new Int16Array(n), read: (v, o, le) => v.getInt16(o, le) },
  uint32: { name: "uint32", bytes: 4, make: (b, o, n) => new Uint32Array(b, o, n), alloc: (n) => new Uint32Array(n), read: (v, o, le) => v.getUint32(o, le) },
  int32: { name: "int32", bytes: 4, make: (b, o, n) => new Int32Array(b, o, n), alloc: (n) => new Int32Array(n), read: (v, o, le) => v.getInt32(o, le) },
  float32: { name: "float32", bytes: 4, make: (b, o, n) => new Float32Array(b, o, n), alloc: (n) => new Float32Array(n), read: (v, o, le) => v.getFloat32(o, le) },
  float64: { name: "float64", bytes: 8, make: (b, o, n) => new Float64Array(b, o, n), alloc: (n) => new Float64Array(n), read: (v, o, le) => v.getFloat64(o, le) },
  // 64-bit integers decode to float64 and fail loudly outside the safe-integer range.
  int64: {
    name: "int64", bytes: 8, make: () => { throw new Error("int64 needs a copy"); }, alloc: (n) => new Float64Array(n),
    read: (v, o, le) => checkedSafe(v.getBigInt64(o, le)),
  },
  uint64: {
    name: "uint64", bytes: 8, make: () => { throw new Error("uint64 needs a copy"); }, alloc: (n) => new Float64Array(n),
    read: (v, o, le) => checkedSafe(v.getBigUint64(o, le)),
  },
};

const ALIASES: Record<string, string> = {
  u1: "uint8", i1: "int8", u2: "uint16", i2: "int16", u4: "uint32", i4: "int32",
  f4: "float32", f8: "float64", i8: "int64", u8: "uint64",
};

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function checkedSafe(v: bigint): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`64-bit value ${v} does not fit a JavaScript number`);
  return n;
}

/** Normalise a numpy dtype string ("int32", "<i4", "|u1", ">f8") to {name, littleEndian}. */
export function parseDtype(dtype: string): { info: DtypeInfo; littleEndian: boolean } {
  let s = String(dtype).trim().toLowerCase();
  let littleEndian = true;
  if (s.startsWith(">") || s.startsWith("!")) {
    littleEndian = false;
    s = s.slice(1);
  } else if (s.startsWith("<") || s.startsWith("|") || s.startsWith("=")) {
    s = s.slice(1);
  }
  const name = ALIASES[s] ?? s;
  const info = INFO[name];
  if (!info) throw new Error(`unsupported dtype ${JSON.stringify(dtype)}`);
  return { info, littleEndian };
}

/** The bytes of a synced buffer as {buffer, byteOffset, byteLength}. */
export function bytesOf(data: unknown): { buffer: ArrayBuffer; byteOffset: number; byteLength: number } {
  if (data instanceof ArrayBuffer) return { buffer: data, byteOffset: 0, byteLength: data.byteLength };
  if (ArrayBuffer.isView(data)) {
    return { buffer: data.buffer as ArrayBuffer, byteOffset: data.byteOffset, byteLength: data.byteLength };
  }
  // Cross-realm views (e.g. from another iframe / jsdom) fail instanceof: duck-type them.
  const d = data as { buffer?: unknown; byteOffset?: unknown; byteLength?: unknown } | null;
  if (d && typeof d === "object" && d.buffer && typeof d.byteOffset === "number" && typeof d.byteLength === "number") {
    return { buffer: d.buffer as ArrayBuffer, byteOffset: d.byteOffset, byteLength: d.byteLength };
  }
  if (d && typeof d === "object" && typeof d.byteLength === "number" && typeof (d as ArrayBuffer).slice === "function") {
    return { buffer: d as unknown as ArrayBuffer, byteOffset: 0, byteLength: d.byteLength };
  }
  throw new Error("binary data missing (expected a DataView, ArrayBuffer or typed array)");
}

/** A binary array rather than the `{}` a traitlets Dict holds until Python fills it. */
export function isBinary(v: unknown): v is BinaryArray {
  return !!v && typeof v === "object" && "data" in v && Array.isArray((v as BinaryArray).shape);
}

export interface Decoded {
  values: NumericArray;
  shape: number[];
}

/**
 * Decode {data, dtype, shape} into a typed array of prod(shape) elements. Aligned
 * little-endian data is viewed without copying; unaligned or big-endian data is copied
 * through a DataView. Throws a readable error on a size mismatch or unknown dtype.
 */
export function decodeArray(arr: BinaryArray | null | undefined): Decoded {
  if (!arr || typeof arr !== "object") throw new Error("binary array missing");
  const shape = Array.from(arr.shape ?? [], (v) => Number(v));
  if (shape.some((v) => !Number.isInteger(v) || v < 0)) throw new Error(`bad shape ${JSON.stringify(arr.shape)}`);
  const n = shape.reduce((a, b) => a * b, 1);
  const { info, littleEndian } = parseDtype(arr.dtype);
  const { buffer, byteOffset, byteLength } = bytesOf(arr.data);
  if (byteLength !== n * info.bytes) {
    throw new Error(`binary array of shape [${shape.join(", ")}] and dtype ${info.name} needs ${n * info.bytes} bytes, got ${byteLength}`);
  }
  const native = littleEndian === HOST_LITTLE_ENDIAN || info.bytes === 1;
  if (native && byteOffset % info.bytes === 0 && info.name !== "int64" && info.name !== "uint64") {
    return { values: info.make(buffer, byteOffset, n), shape };
  }
  const view = new DataView(buffer, byteOffset, byteLength);
  const out = info.alloc(n);
  for (let i = 0; i < n; i++) out[i] = info.read(view, i * info.bytes, littleEndian);
  return { values: out, shape };
}
