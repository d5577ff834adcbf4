// Live SVG pose figure for anywidget (plain ES module, no build step, no network).
//
// The Python side sends a fixed `scene` once (size, metres-to-pixels mapping, the look of
// every layer, mark kind and text tone) and a small `frame` per change (coordinates in
// metres, words and state names only). Elements are created once per name and then only
// their attributes change, so a frame costs a few attribute writes.
//
// frame = {paths: {layer: [x, y, x, y, null, ...]}, strokes: {layer: colour},
//          marks: [[name, kind, x, y, size], ...], texts: [[name, x, y, text, tone, pos]],
//          title, desc, say, controls: {slider: value}, context}
//
// A figure that follows sliders (`controls`: name -> {id, label}) listens to them here in
// the browser. The kernel sends frames ahead for the values a slider can take (custom
// message {kind: "ahead", slider, context, others, frames: {value: frame}}); when a slider
// moves to a value with a frame ahead, it is drawn at once, without waiting for the kernel.

const SVG = "http://www.w3.org/2000/svg";
const ICON_NAMES = [["fa-play", "Play"], ["fa-pause", "Pause"], ["fa-stop", "Stop"],
  ["fa-retweet", "Repeat"], ["fa-repeat", "Repeat"]];
let counter = 0;

function make(tag, attrs, parent) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) node.setAttribute(key, String(value));
  }
  if (parent) parent.appendChild(node);
  return node;
}

function fmt(v) {
  return Math.round(v * 100) / 100;
}

function fit(base, width, maxHeight) {
  // The scene drawn `width` px wide (no taller than `maxHeight`), equal metres on both
  // axes: fonts grow with the width but never below `min_font` px, margins grow with the
  // fonts, and lines and marks with the width. Without a width, the design width.
  const [x0, x1] = base.x_range;
  const [y0, y1] = base.y_range;
  const minFont = base.min_font || 0;
  const size = (w) => {
    const zoom = w / base.width;
    const font = Math.max(minFont, base.font_size * zoom);
    const grow = font / base.font_size;
    const [left, right, top, bottom] = (base.margin || [0, 0, 0, 0]).map((m) => m * grow);
    const k = (w - left - right) / (x1 - x0);
    return {w, zoom, font, grow, left, right, top, bottom, k,
            h: Math.ceil(k * (y1 - y0) + top + bottom)};
  };
  let s = size(width > 0 ? width : base.width);
  for (let i = 0; i < 4 && maxHeight > 0 && s.h > maxHeight + 0.5; i++) {
    // too tall for the space: narrow it until the height fits
    const k = Math.max(1, (maxHeight - s.top - s.bottom) / (y1 - y0));
    s = size(Math.max(160, Math.floor(k * (x1 - x0) + s.left + s.right)));
  }
  const label = Math.max(minFont, (base.label_size || base.font_size) * s.zoom);
  return {...base, width: Math.round(s.w), height: s.h, zoom: s.zoom,
          font_size: Math.round(s.font * 10) / 10, label_size: Math.round(label * 10) / 10,
          origin: [s.left - s.k * x0, s.top + s.k * y1], scale: s.k};
}

class LiveFigure {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    // unique on the page even when each widget loads its own copy of this module
    this.id = `hinge-live-${++counter}-${Math.random().toString(36).slice(2, 10)}`;
    this.sayTimer = null;
    this.build(model.get("scene"), 0, 0);
    this.draw(model.get("frame"));
  }

  room() {
    // [width, most height] the page gives this figure, in CSS px (0: not known yet)
    const style = getComputedStyle(this.el);
    const px = (name) => parseFloat(style[name]) || 0;
    const width = this.el.clientWidth - px("paddingLeft") - px("paddingRight");
    let most = parseFloat(style.maxHeight);
    if (style.boxSizing === "border-box") {
      most -= px("paddingTop") + px("paddingBottom") + px("borderTopWidth")
        + px("borderBottomWidth");
    }
    return [width, Number.isFinite(most) ? Math.floor(most) : 0];
  }

  refit() {
    // drawn again for the room it has now: the same frame, at the new size
    const [width, maxHeight] = this.room();
    if (!(width > 0)) return false;
    const want = fit(this.base, width, maxHeight);
    if (want.width === this.scene.width && want.height === this.scene.height) return false;
    const frame = this.lastFrame;
    const say = this.live ? this.live.textContent : "";
    this.build(this.base, width, maxHeight);
    if (frame) this.draw({...frame, say: undefined});
    this.live.textContent = say;
    return true;
  }

  build(base, width, maxHeight) {
    // `base` is the scene at its design width; it is drawn at the width the page gives
    // (fit), so `this.scene` holds the sizes actually drawn.
    this.base = base;
    const scene = fit(base, width, maxHeight);
    this.scene = scene;
    this.paths = new Map();
    this.marks = new Map();
    this.texts = new Map();
    const [ox, oy] = scene.origin;
    this.ox = ox;
    this.oy = oy;
    this.k = scene.scale;
    this.el.textContent = "";
    this.el.classList.add("hinge-live-figure");
    const svg = make("svg", {
      width: scene.width, height: scene.height, viewBox: `0 0 ${scene.width} ${scene.height}`,
      role: "img", "aria-labelledby": `${this.id}-title`, "aria-describedby": `${this.id}-desc`,
      class: "hinge-live-svg", "font-size": scene.font_size,
      "data-x-range": scene.x_range.join(","), "data-y-range": scene.y_range.join(","),
    });
    this.svg = svg;
    this.titleNode = make("title", {id: `${this.id}-title`}, svg);
    this.descNode = make("desc", {id: `${this.id}-desc`}, svg);
    this.axes(scene);
    this.layerGroup = make("g", {class: "hinge-layers"}, svg);
    for (const layer of scene.layers) {
      const path = make("path", {
        class: "hinge-layer", "data-name": layer.name, fill: layer.fill || "none",
        stroke: layer.stroke, "stroke-width": fmt((layer.width || 2) * scene.zoom),
        "stroke-dasharray": layer.dash || null, opacity: layer.opacity ?? null,
        "stroke-linejoin": "round", "stroke-linecap": "round", d: "",
      }, this.layerGroup);
      make("title", {}, path).textContent = layer.label || layer.name;
      this.paths.set(layer.name, path);
    }
    this.markGroup = make("g", {class: "hinge-marks"}, svg);
    this.textGroup = make("g", {class: "hinge-texts", "font-size": scene.label_size}, svg);
    if (this.framesAhead) svg.dataset.framesAhead = this.framesAhead;
    this.el.appendChild(svg);
    // spoken summary: a polite live region, written once the figure has settled
    this.live = document.createElement("div");
    this.live.className = "hinge-sr-only hinge-live-say";
    this.live.setAttribute("aria-live", "polite");
    this.live.setAttribute("aria-atomic", "true");
    this.el.appendChild(this.live);
  }

  px(x) { return this.ox + this.k * x; }
  py(y) { return this.oy - this.k * y; }

  axes(scene) {
    const g = make("g", {class: "hinge-axes", "aria-hidden": "true"}, this.svg);
    const [x0, x1] = scene.x_range;
    const [y0, y1] = scene.y_range;
    const left = this.px(x0), right = this.px(x1), top = this.py(y1), bottom = this.py(y0);
    make("rect", {x: left, y: top, width: right - left, height: bottom - top,
                  fill: "white", stroke: "#CCCCCC", class: "hinge-plot-area"}, g);
    const gap = scene.font_size * 1.15;  // tick labels under the x axis
    for (const t of scene.x_ticks) {
      make("line", {x1: this.px(t), x2: this.px(t), y1: top, y2: bottom, stroke: "#EEEEEE"}, g);
      make("text", {x: this.px(t), y: bottom + gap, "text-anchor": "middle",
                    class: "hinge-tick"}, g).textContent = `${t}`;
    }
    for (const t of scene.y_ticks) {
      make("line", {x1: left, x2: right, y1: this.py(t), y2: this.py(t), stroke: "#EEEEEE"}, g);
      make("text", {x: left - scene.font_size * 0.3, y: this.py(t), "text-anchor": "end",
                    "dominant-baseline": "middle", class: "hinge-tick"}, g).textContent = `${t}`;
    }
    make("line", {x1: left, x2: right, y1: this.py(0), y2: this.py(0),
                  stroke: scene.floor, "stroke-width": 2, class: "hinge-floor"}, g);
    make("text", {x: (left + right) / 2, y: scene.height - scene.font_size * 0.4,
                  "text-anchor": "middle",
                  class: "hinge-axis-title"}, g).textContent = scene.x_title;
    const mid = (top + bottom) / 2;
    const base = scene.font_size + 2;  // rotated text: the glyphs sit left of the baseline
    make("text", {x: base, y: mid, "text-anchor": "middle",
                  transform: `rotate(-90 ${base} ${mid})`,
                  class: "hinge-axis-title"}, g).textContent = scene.y_title;
    if (scene.title) {
      make("text", {x: scene.width / 2, y: scene.font_size * 1.5, "text-anchor": "middle",
                    class: "hinge-title", "font-size": scene.font_size + 3}, g)
        .textContent = scene.title;
    }
  }

  pathD(flat) {
    let d = "";
    let move = true;
    for (let i = 0; i < flat.length; i++) {
      const x = flat[i];
      if (x === null) { move = true; continue; }
      d += `${move ? "M" : "L"}${fmt(this.px(x))},${fmt(this.py(flat[i + 1]))}`;
      move = false;
      i++;
    }
    return d;
  }

  markShape(node, kind, size) {
    const style = this.scene.kinds[kind];
    const zoom = this.scene.zoom;
    const r = (size ?? style.size) * zoom / 2;
    node.textContent = "";
    const outline = this.scene.outline;
    if (style.shape === "square") {
      make("rect", {x: -r, y: -r, width: 2 * r, height: 2 * r, fill: style.color,
                    stroke: outline, "stroke-width": style.outline * zoom}, node);
    } else if (style.shape === "ring") {
      make("circle", {r: r, fill: "white", "fill-opacity": 0.6, stroke: style.color,
                      "stroke-width": style.outline * zoom}, node);
    } else {
      make("circle", {r: r, fill: style.color, stroke: outline,
                      "stroke-width": style.outline * zoom}, node);
      if (style.shape === "circle-x") {
        const q = r * 0.7071;
        make("path", {d: `M${-q},${-q}L${q},${q}M${-q},${q}L${q},${-q}`, stroke: outline,
                      "stroke-width": style.outline * zoom}, node);
      }
    }
    node.dataset.kind = kind;
    node.dataset.size = String(size);
  }

  draw(frame) {
    if (!frame || !frame.paths) return;
    this.lastFrame = frame;
    // only attributes that differ are written: an unchanged element costs nothing
    for (const [name, flat] of Object.entries(frame.paths)) {
      const path = this.paths.get(name);
      if (!path) continue;
      const d = this.pathD(flat);
      if (path.__d !== d) { path.setAttribute("d", d); path.__d = d; }
    }
    for (const [name, colour] of Object.entries(frame.strokes || {})) {
      const path = this.paths.get(name);
      if (path && path.getAttribute("stroke") !== colour) path.setAttribute("stroke", colour);
    }
    for (const [name, kind, x, y, size] of frame.marks || []) {
      let node = this.marks.get(name);
      if (!node) {
        node = make("g", {class: "hinge-mark", "data-name": name}, this.markGroup);
        this.marks.set(name, node);
      }
      if (node.dataset.kind !== kind || node.dataset.size !== String(size)) {
        this.markShape(node, kind, size);
      }
      if (x === null) {
        node.setAttribute("visibility", "hidden");
      } else {
        if (node.hasAttribute("visibility")) node.removeAttribute("visibility");
        const at = `translate(${fmt(this.px(x))},${fmt(this.py(y))})`;
        if (node.__at !== at) { node.setAttribute("transform", at); node.__at = at; }
      }
    }
    for (const [name, x, y, text, tone, position] of frame.texts || []) {
      let node = this.texts.get(name);
      if (!node) {
        node = make("text", {class: "hinge-text", "data-name": name}, this.textGroup);
        this.placeText(node, position);
        this.texts.set(name, node);
      }
      if (x === null || !text) {
        node.setAttribute("visibility", "hidden");
        continue;
      }
      if (node.hasAttribute("visibility")) node.removeAttribute("visibility");
      const at = `${fmt(this.px(x))},${fmt(this.py(y))},${tone}`;
      if (node.__at !== at) {
        node.setAttribute("x", fmt(this.px(x)));
        node.setAttribute("y", fmt(this.py(y)));
        node.setAttribute("fill", this.scene.tones[tone] || "#000000");
        node.__at = at;
      }
      if (node.textContent !== text) node.textContent = text;
    }
    if (frame.title !== undefined && this.titleNode.textContent !== frame.title) {
      this.titleNode.textContent = frame.title;
    }
    if (frame.desc !== undefined && this.descNode.textContent !== frame.desc) {
      this.descNode.textContent = frame.desc;
    }
    if (frame.say !== undefined) this.saySoon(frame.say);
  }

  placeText(node, position) {
    // plotly's text positions: "middle right" = to the right of the point, and so on
    const [vertical, horizontal] = (position || "middle center").split(" ");
    const anchor = {left: "end", right: "start", center: "middle"}[horizontal] || "middle";
    const gap = 8 * this.scene.zoom;
    node.setAttribute("text-anchor", anchor);
    node.setAttribute("dx", horizontal === "left" ? -gap : horizontal === "right" ? gap : 0);
    node.setAttribute("dy", vertical === "bottom" ? "1em" : vertical === "top" ? "-0.4em"
      : "0.35em");
  }

  saySoon(text) {
    // speak once the figure has settled, not on every step of a drag
    clearTimeout(this.sayTimer);
    this.sayTimer = setTimeout(() => {
      if (this.live.textContent !== text) this.live.textContent = text;
    }, this.scene.say_delay_ms ?? 800);
  }

  labelControls() {
    // The ipywidgets slider handle has no accessible name of its own: give it the
    // slider's label so a screen reader can say it. Returns true once all are named.
    const root = this.scene.controls_root && this.el.closest(this.scene.controls_root);
    if (!root) return false;
    let all = true;
    let seen = 0;
    for (const slider of root.querySelectorAll(".widget-slider")) {
      const handle = slider.querySelector(".noUi-handle");
      const label = slider.querySelector(".widget-label");
      if (!handle || !label || !label.textContent) { all = false; continue; }
      seen++;
      if (!handle.getAttribute("aria-label")) {
        handle.setAttribute("aria-label", label.textContent.trim());
      }
    }
    // icon-only buttons (the Play widget's) are named after their icon
    for (const button of root.querySelectorAll("button")) {
      if (button.getAttribute("aria-label") || button.textContent.trim()) continue;
      const icon = button.querySelector("i");
      const name = icon && ICON_NAMES.find(([cls]) => icon.classList.contains(cls));
      if (name) button.setAttribute("aria-label", name[1]);
    }
    return all && seen > 0;
  }

  revealed(tries = 0) {
    // The page shows a "loading" note beside the figure until this code runs (the CSS
    // hides it with :has(); this also marks the box for browsers without :has()). The
    // figure may be drawn before it is attached to the page: look again a little later.
    const box = this.el.closest(".hinge-live");
    if (box) {
      box.classList.add("hinge-live-ready");
    } else if (tries < 200) {
      setTimeout(() => this.revealed(tries + 1), 50);
    }
  }
}

function sameValues(a, b, skip) {
  for (const [name, value] of Object.entries(a)) {
    if (name !== skip && b[name] !== value) return false;
  }
  return true;
}

class FollowedSliders {
  // The sliders a figure follows and the frames the kernel has sent ahead for them.
  constructor(figure, model) {
    this.figure = figure;
    this.model = model;
    this.sliders = new Map();  // name -> slider model
    this.labels = new Map();  // slider label -> name
    this.ahead = new Map();  // name -> {context, others, frames: Map(value -> frame)}
    this.context = (model.get("frame") || {}).context;
    this.wanted = null;
    this.generation = 0;
  }

  async connect(controls) {
    this.disconnect();
    const generation = ++this.generation;
    const manager = this.model.widget_manager;
    if (!manager || !controls) return;
    for (const [name, info] of Object.entries(controls)) {
      const slider = await manager.get_model(info.id);
      if (generation !== this.generation) return;  // controls changed meanwhile
      this.sliders.set(name, slider);
      this.labels.set(info.label, name);
      slider.on("change:value", () => this.moved(), this);
    }
    this.model.send({kind: "wanted", slider: null});  // on a page now: work ahead if useful
  }

  disconnect() {
    for (const slider of this.sliders.values()) slider.off(null, null, this);
    this.sliders.clear();
    this.labels.clear();
  }

  values() {
    const values = {};
    for (const [name, slider] of this.sliders) values[name] = slider.get("value");
    return values;
  }

  frameAhead(values) {
    // a frame sent ahead for exactly these slider values in the current context
    for (const [name, table] of this.ahead) {
      if (table.context !== this.context || !sameValues(table.others, values, name)) continue;
      const frame = table.frames.get(String(values[name]));
      if (frame) return frame;
    }
    return null;
  }

  moved() {
    // a followed slider moved (here, or from the kernel): draw at once if a frame is ready
    const frame = this.frameAhead(this.values());
    if (frame) this.figure.draw(frame);
  }

  fromKernel(frame) {
    // The kernel's frame is drawn unless the sliders have already moved on to values
    // drawn from frames ahead (a reply to an earlier value during a drag).
    if (frame && frame.context !== undefined && frame.context !== this.context) {
      this.context = frame.context;
      for (const [name, table] of this.ahead) {
        if (table.context !== this.context) this.ahead.delete(name);
      }
    }
    if (frame && frame.controls && this.sliders.size) {
      const values = this.values();
      if (!sameValues(frame.controls, values)) {
        const ahead = this.frameAhead(values);
        if (ahead) {
          this.figure.draw(ahead);
          return;
        }
      }
    }
    this.figure.draw(frame);
  }

  received(msg) {
    if (!msg || msg.kind !== "ahead") return;
    let table = this.ahead.get(msg.slider);
    if (!table || table.context !== msg.context || !sameValues(table.others, msg.others)) {
      table = {context: msg.context, others: msg.others, frames: new Map()};
      this.ahead.set(msg.slider, table);
    }
    for (const [value, frame] of Object.entries(msg.frames)) table.frames.set(value, frame);
    // how many frames are ready ahead, for tests and benchmarks to read
    this.figure.framesAhead = `${msg.slider}:${table.frames.size}`;
    this.figure.svg.dataset.framesAhead = this.figure.framesAhead;
  }

  want(target) {
    // a person took hold of a followed slider: ask the kernel to work ahead for it
    const box = target && target.closest && target.closest(".widget-slider");
    const label = box && box.querySelector(".widget-label");
    const name = label && this.labels.get(label.textContent.trim());
    if (name && name !== this.wanted) {
      this.wanted = name;
      this.model.send({kind: "wanted", slider: name});
    }
  }
}

function render({model, el}) {
  let figure;
  try {
    figure = new LiveFigure(model, el);
  } catch (error) {
    el.textContent = `The live figure could not be drawn in this browser (${error}). ` +
      "The readout still follows the controls.";
    el.classList.add("hinge-live-error");
    return undefined;
  }
  const followed = new FollowedSliders(figure, model);
  const onFrame = () => followed.fromKernel(model.get("frame"));
  const onScene = () => { figure.build(model.get("scene"), ...figure.room()); onFrame(); };
  const onControls = () => followed.connect(model.get("controls")).catch((error) => {
    console.warn("hinge live figure: cannot follow the sliders", error);
  });
  const onMessage = (msg) => followed.received(msg);
  const onWant = (event) => followed.want(event.target);
  model.on("change:frame", onFrame);
  model.on("change:scene", onScene);
  model.on("change:controls", onControls);
  model.on("msg:custom", onMessage);
  onControls();
  figure.revealed();
  // the figure follows the width its box is given (a phone turned, a window resized)
  let resizeFrame = 0;
  const sizer = typeof ResizeObserver === "function" ? new ResizeObserver(() => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(() => figure.refit());
  }) : null;
  if (sizer) sizer.observe(el);
  let observer = null;
  let timer = null;
  let root = null;
  let listening = false;
  if (figure.scene.controls_root) {
    // The controls may be drawn after the figure: look until they are all named, then
    // watch for controls drawn again (a MutationObserver on the explorer only).
    const watch = (tries) => {
      const done = figure.labelControls();
      root = el.closest(figure.scene.controls_root);
      if (root && !listening) {
        // taking hold of a slider (focus, pointer) asks the kernel to work ahead for it
        listening = true;
        root.addEventListener("focusin", onWant);
        root.addEventListener("pointerdown", onWant, true);
      }
      if (done && root) {
        observer = new MutationObserver((records) => {
          // controls drawn again, not this figure's own text changes
          if (records.some((r) => r.addedNodes.length && !el.contains(r.target))) {
            figure.labelControls();
          }
        });
        observer.observe(root, {childList: true, subtree: true});
      } else if (tries < 200) {
        timer = setTimeout(() => watch(tries + 1), 50);
      }
    };
    watch(0);
  }
  return () => {
    model.off("change:frame", onFrame);
    model.off("change:scene", onScene);
    model.off("change:controls", onControls);
    model.off("msg:custom", onMessage);
    followed.disconnect();
    followed.generation++;
    if (root && listening) {
      root.removeEventListener("focusin", onWant);
      root.removeEventListener("pointerdown", onWant, true);
    }
    clearTimeout(figure.sayTimer);
    clearTimeout(timer);
    cancelAnimationFrame(resizeFrame);
    if (sizer) sizer.disconnect();
    if (observer) observer.disconnect();
  };
}

export default {render};
