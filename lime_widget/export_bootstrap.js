// Runs the widget's render() in a standalone HTML page, with no kernel and no network.
// A small model object stands in for anywidget's: it answers get/set/on/off/save_changes
// and plays the kernel's part from precomputed state (one set of fits per num_features).
// The page defines `__lwWidget` (the bundle's default export) and decodeBuffers (export_decode.js)
// before this code runs.

function makeOfflineModel(state) {
  const values = decodeBuffers({ ...state.traits });
  const original = { ...values };
  const listeners = new Map();
  let dirty = new Set();

  function emit(event, value) {
    for (const cb of [...(listeners.get(event) || [])]) {
      try {
        cb(model, value);
      } catch (err) {
        console.error(err);
      }
    }
  }
  function assign(name, value) {
    if (values[name] === value) return;
    values[name] = value;
    emit(`change:${name}`, value);
    emit("change", value);
  }
  const offline = values.explanation.offline || {};
  function fitsFor(n) {
    const fits = {};
    for (const label of Object.keys(offline)) {
      if (offline[label][String(n)]) fits[label] = offline[label][String(n)];
    }
    return fits;
  }
  function explanationFor(n) {
    const exp = values.explanation;
    return { ...exp, fits: fitsFor(n), settings: { ...exp.settings, num_features: n } };
  }
  function fail(message) {
    assign("error", message);
    assign("status", "error");
  }
  function clearError() {
    assign("error", "");
    assign("status", "idle");
  }
  // what the Python observers would do, from the precomputed state
  const kernel = {
    num_features() {
      const max = values.num_features_max;
      let n = Math.round(Number(values.num_features));
      if (!Number.isFinite(n) || n < 1) {
        fail(`num_features must be an integer >= 1, got ${values.num_features}.`);
        return;
      }
      if (n > max) {
        n = max;
        assign("num_features", n);
      }
      assign("explanation", explanationFor(n));
      clearError();
    },
    label() {
      if (!(String(values.label) in offline)) {
        fail(`Class ${values.label} was not explained in this exported file.`);
        return;
      }
      clearError();
    },
    kernel_width() {
      needsKernel("kernel_width");
    },
    feature_selection() {
      needsKernel("feature_selection");
    },
    num_samples() {
      needsKernel("num_samples");
    },
  };
  function needsKernel(name) {
    assign(name, original[name]);
    fail(`Changing ${name} needs a running Python kernel; this is an exported file.`);
  }

  const model = {
    get(name) {
      return values[name];
    },
    set(name, value) {
      if (values[name] === value) return;
      dirty.add(name);
      assign(name, value);
    },
    on(event, cb) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(cb);
    },
    off(event, cb) {
      if (!event) listeners.clear();
      else if (!cb) listeners.delete(event);
      else listeners.get(event)?.delete(cb);
    },
    save_changes() {
      const names = [...dirty];
      dirty = new Set();
      for (const name of names) kernel[name]?.();
    },
    send() {},
    widget_manager: {
      get_model() {
        return Promise.reject(new Error("no widget manager in an exported file"));
      },
    },
  };
  return model;
}

async function main() {
  const el = document.getElementById("lw-root");
  try {
    const state = JSON.parse(document.getElementById("lw-state").textContent);
    let widget = __lwWidget;
    if (typeof widget === "function") widget = await widget();
    const model = makeOfflineModel(state);
    if (typeof widget.initialize === "function") await widget.initialize({ model });
    await widget.render({ model, el });
    document.body.setAttribute("data-lw-ready", "true");
  } catch (err) {
    const pre = document.createElement("pre");
    pre.textContent = `lime-widget: could not render this explanation: ${err && err.stack ? err.stack : err}`;
    el.appendChild(pre);
    document.body.setAttribute("data-lw-ready", "error");
    throw err;
  }
}

main();
