"""WCAG contrast of every piece of text a widget shows, measured on the rendered page.

For each visible element that holds text of its own (or an input/select showing a value),
the text colour (with its alpha and the element's opacity) is composited over the
background actually behind it: the element's and its ancestors' background colours,
composited from the first opaque one (or the page's canvas) upwards.
"""

from __future__ import annotations

MEASURE_JS = r"""
(root) => {
  const parse = (css) => {
    // color-mix() computes to "color(srgb r g b / a)" with channels in 0..1
    const srgb = /^color\(srgb ([^)]*)\)$/.exec(css || "");
    if (srgb) {
      const t = srgb[1].split(/[\s/]+/).filter(Boolean).map(parseFloat);
      return [t[0] * 255, t[1] * 255, t[2] * 255, t.length > 3 ? t[3] : 1];
    }
    const m = /rgba?\(([^)]*)\)/.exec(css || "");
    if (!m) return [0, 0, 0, 0];
    const t = m[1].split(/[\s,/]+/).filter(Boolean);
    const v = (x, s) => x.endsWith("%") ? parseFloat(x) / 100 * s : parseFloat(x);
    return [v(t[0], 255), v(t[1], 255), v(t[2], 255), t.length > 3 ? v(t[3], 1) : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3]));
  const lum = (c) => {
    const f = (x) => { x /= 255; return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const canvas = () => {
    for (const el of [document.body, document.documentElement]) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c[3] >= 1) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const background = (el) => {
    const layers = [];
    for (let n = el; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c[3] <= 0) continue;
      layers.push(c);
      if (c[3] >= 1) break;
    }
    let out = layers.length && layers[layers.length - 1][3] >= 1 ? [0, 0, 0] : canvas();
    for (let i = layers.length - 1; i >= 0; i--) out = over(layers[i], out);
    return out;
  };
  const opacity = (el) => {
    let o = 1;
    for (let n = el; n; n = n.parentElement) o *= parseFloat(getComputedStyle(n).opacity);
    return o;
  };
  const out = [];
  for (const el of [root, ...root.querySelectorAll("*")]) {
    if (el.closest("canvas, option, style, script")) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility !== "visible" || el.getClientRects().length === 0) continue;
    let text = "";
    if (el.matches("input[type=number], input[type=text], textarea")) text = el.value;
    else if (el.matches("select")) text = el.selectedOptions[0] ? el.selectedOptions[0].textContent : "";
    else for (const n of el.childNodes) if (n.nodeType === 3) text += n.textContent;
    text = text.trim();
    if (!text) continue;
    const fg = parse(cs.color);
    const bg = background(el);
    const colour = over([fg[0], fg[1], fg[2], fg[3] * opacity(el)], bg);
    out.push({
      text: text.slice(0, 40), ratio: Math.round(ratio(colour, bg) * 100) / 100,
      what: (el.dataset.testid || el.className || el.tagName.toLowerCase()).toString().slice(0, 40),
      color: colour.map(Math.round).join(","), background: bg.map(Math.round).join(","),
    });
  }
  return out;
}
"""


def measure(root) -> list[dict]:
    """Every text of the widget under the Playwright locator ``root``, with its contrast ratio."""
    return root.evaluate(MEASURE_JS)


def minimum(root, min_items: int = 10) -> tuple[float, list[dict]]:
    """The lowest ratio and the five lowest entries; at least ``min_items`` texts must be found."""
    items = measure(root)
    assert len(items) >= min_items, items
    items.sort(key=lambda e: e["ratio"])
    return items[0]["ratio"], items[:5]
