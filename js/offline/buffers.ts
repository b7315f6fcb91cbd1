// Binary traits in an offline page: the page carries them as base64 text,
// {data_b64, dtype, shape} (lime_widget/widget/serialization.py base64_buffer); the views
// take what the live widget receives from ipywidgets, {data: DataView, dtype, shape}.

import type { BinaryArray } from "../types";

/** A binary array as an HTML page carries it. */
export interface Base64Array {
  data_b64: string;
  dtype: string;
  shape: number[];
}

export function isBase64Array(v: unknown): v is Base64Array {
  return !!v && typeof v === "object" && typeof (v as Base64Array).data_b64 === "string";
}

/** The bytes of base64 text, in a buffer of their own. */
export function bytesFromBase64(text: string): Uint8Array {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** `traits` with every base64 array turned into the live widget's {data: DataView, dtype, shape}. */
export function decodeBuffers(traits: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...traits };
  for (const [name, value] of Object.entries(traits)) {
    if (!isBase64Array(value)) continue;
    const decoded: BinaryArray = { data: new DataView(bytesFromBase64(value.data_b64).buffer), dtype: value.dtype, shape: value.shape };
    out[name] = decoded;
  }
  return out;
}
