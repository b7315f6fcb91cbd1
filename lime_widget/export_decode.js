// Shared by every offline page's bootstrap (see standalone_page in export.py): binary
// traits travel in the page as {data_b64, dtype, shape}; the views take what the live
// widget receives from ipywidgets, {data: DataView, dtype, shape}.

function decodeBuffers(traits) {
  for (const [name, value] of Object.entries(traits)) {
    if (value && typeof value.data_b64 === "string") {
      const raw = atob(value.data_b64);
      const bytes = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
      traits[name] = { data: new DataView(bytes.buffer), dtype: value.dtype, shape: value.shape };
    }
  }
  return traits;
}
