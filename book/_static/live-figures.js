/*
 * The course's interactive figures (book/figures_live.py writes their data).
 *
 * A page's code cell shows a static figure and, after it, a hidden
 * <div class="live-figure" data-live="KIND"> holding the figure's numbers as JSON. This
 * script draws each such container, shows it and hides the static image of the same cell.
 * Without scripts, or if drawing fails, the static figure stays.
 *
 * Every number drawn is in the JSON, computed with solutions/ while the book was built:
 * this script looks values up and draws them, it never computes attention itself.
 *
 * The words it writes itself (labels, titles, readouts) are in the page's language: the
 * English text passes through t(), which gives its entry in ZH on a page whose <html lang>
 * is Chinese (Sphinx writes lang="zh-CN" in the Chinese edition) and the English otherwise.
 * Words that come with the data (the inputs, the models' names) are translated by the page.
 */
(() => {
  "use strict";

  const SVG_NS = "http://www.w3.org/2000/svg";
  const BAR_PX = 64;          // height of a weight of 1 in the attention figure
  let lastId = 0;

  // ------------------------------------------------------------------ the page's language

  /**
   * Chinese for every text this script shows, keyed by the English text; `{name}` is filled
   * in by t(). Terms as in zh/book/glossary.md. tests/book/test_live_figure_words.py fails if a
   * text given to t() has no entry here, or if a string of this file shows English outside t().
   */
  const ZH = {
    // who attends to whom
    "Sentence": "句子",
    "Head": "头",
    "head {n}": "第 {n} 个头",
    "Model": "模型",
    "show the weights as numbers": "用数字显示权重",
    "The inputs: point at one, or tab to it, to see where its query attends":
      "各个输入：用鼠标指向其中一个，或按 Tab 键移到它上面，看它的查询关注哪里",
    "tagged right": "标签正确",
    "tagged wrong (right: {tag})": "标签错误（应为 {tag}）",
    "\u201c{word}\u201d (position {n})": "“{word}”（位置 {n}）",
    "{who} attends to: {weights}.": "{who}的注意力权重：{weights}。",
    ", ": "，",
    "{who}: this model has no attention, so no word attends to another.":
      "{who}：这个模型没有注意力，任何词都不关注其他词。",
    "It is tagged {tag}.": "它的标签是 {tag}。",
    "It is tagged {tag}, right.": "它的标签是 {tag}，正确。",
    "It is tagged {tag}, wrong: {right} is right.": "它的标签是 {tag}，标错了，应为 {right}。",
    // scaling and saturation
    "spread of the inputs: \u00d7": "输入的幅度：\u00d7",
    "no scaling": "不缩放",
    "divided by \u221ad\u2096": "除以 \u221ad\u2096",
    "one column of A\u2032 (query 1)": "A\u2032 的一列（查询 1）",
    "the weights of query 1 on the keys": "查询 1 在各个键上的注意力权重",
    "largest weight in a column (mean)": "一列中的最大权重（平均值）",
    "the largest weight of a column against d\u2096": "一列中的最大权重随 d\u2096 的变化",
    "uniform 1/N": "均匀分布 1/N",
    "d\u2096 = {d_k}, inputs \u00d7{spread}: the largest weight of query 1 is {plain} without scaling and {scaled} divided by \u221ad\u2096;":
      "d\u2096 = {d_k}，输入 \u00d7{spread}：查询 1 的最大权重不缩放时是 {plain}，除以 \u221ad\u2096 后是 {scaled}；",
    "over {cases} random inputs, the largest weight of a column is {plain} and {scaled} on average.":
      "在 {cases} 组随机输入上，一列中的最大权重平均分别是 {plain} 和 {scaled}。",
    // positions
    "offset \u0394 =": "偏移量 \u0394 =",
    "across i": "随 i 的变化",
    "the product of the position vectors of i and i + \u0394, across i":
      "位置 i 与位置 i + \u0394 的位置向量点积随 i 的变化",
    "position i": "位置 i",
    "the same product against \u0394": "同一点积随 \u0394 的变化",
    "the product against the offset \u0394": "这个点积随偏移量 \u0394 的变化",
    "offset \u0394": "偏移量 \u0394",
    "\u0394 = {delta}: over the positions i = 1 to {n}, the dot product of the position vectors of i and i + \u0394 lies between {low} and {high}.":
      "\u0394 = {delta}：在位置 i = 1 到 {n} 上，i 与 i + \u0394 的位置向量的点积介于 {low} 和 {high} 之间。",
  };

  /** The page's language: "zh" for any Chinese <html lang> (zh, zh-CN, zh-Hans ...), else "en". */
  const LANGUAGE = /^zh([-_]|$)/i.test(document.documentElement.lang) ? "zh" : "en";
  /** Between two sentences: a space in English, nothing after a Chinese full stop. */
  const GAP = LANGUAGE === "zh" ? "" : " ";

  /** `english` in the page's language, with each {name} replaced by values[name]. */
  function t(english, values = {}) {
    let text = english;
    if (LANGUAGE === "zh") {
      if (Object.prototype.hasOwnProperty.call(ZH, english)) {
        text = ZH[english];
      } else {
        console.error(`live figure: no Chinese for "${english}"`);
      }
    }
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  }

  // ------------------------------------------------------------------ small builders

  function make(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    element.append(...children);
    return element;
  }

  function draw(tag, attributes = {}, text = null) {
    const element = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    if (text !== null) element.textContent = text;
    return element;
  }

  function newId(prefix) {
    lastId += 1;
    return `live-${prefix}-${lastId}`;
  }

  const fixed = (x, digits = 2) => Number(x).toFixed(digits);

  /** A <select> with its <label>, `start` chosen; onChange gets the chosen index. */
  function choice(text, options, onChange, start = 0) {
    const id = newId("select");
    const select = make("select", {id: id});
    const wrap = make("div", {class: "live-control"}, make("label", {for: id}, text), select);
    const fill = names => {
      select.replaceChildren(...names.map((name, i) => make("option", {value: String(i)}, name)));
    };
    fill(options);
    select.value = String(start);
    select.addEventListener("change", () => onChange(Number(select.value)));
    return {wrap, fill};
  }

  /** An <input type=range> over the indices of `values`, with its <label> and an <output>. */
  function slider(text, values, format, start, onInput) {
    const id = newId("range");
    const input = make("input", {type: "range", id: id, min: "0", max: String(values.length - 1), step: "1",
                                 value: String(start)});
    const output = make("output", {for: id});
    const show = () => {
      const shown = format(values[Number(input.value)]);
      output.textContent = shown;
      input.setAttribute("aria-valuetext", shown);
    };
    show();
    input.addEventListener("input", () => { show(); onInput(Number(input.value)); });
    const label = make("label", {for: id}, text + " ");
    label.append(output);
    return {wrap: make("div", {class: "live-control live-slider"}, label, input)};
  }

  /** SVG text from parts: a string is set on the line, a one-string array as a superscript. */
  function richText(attributes, parts) {
    const text = draw("text", attributes);
    for (const part of [].concat(parts)) {
      if (Array.isArray(part)) {
        text.append(draw("tspan", {"baseline-shift": "super", "font-size": "75%"}, part[0]));
      } else {
        text.append(document.createTextNode(part));
      }
    }
    return text;
  }

  /**
   * A chart: an SVG with a plot area and a y scale; `y(value)` gives the vertical pixel.
   * `title` is a string or richText parts; `name` is its plain-text name for screen readers.
   */
  function chart(title, name, yMin, yMax, yTicks, {width = 320, height = 200} = {}) {
    const box = {left: 44, right: width - 10, top: 28, bottom: height - 34};
    const svg = draw("svg", {viewBox: `0 0 ${width} ${height}`, class: "live-chart", role: "img",
                             "aria-label": name, "data-y-min": yMin, "data-y-max": yMax,
                             "data-top": box.top, "data-bottom": box.bottom});
    const y = value => box.bottom - (value - yMin) / (yMax - yMin) * (box.bottom - box.top);
    svg.append(richText({x: width / 2, y: 16, class: "live-title", "text-anchor": "middle"}, title));
    for (const tick of yTicks) {
      svg.append(draw("line", {x1: box.left, x2: box.right, y1: y(tick), y2: y(tick), class: "live-grid"}));
      svg.append(draw("text", {x: box.left - 6, y: y(tick) + 4, "text-anchor": "end"}, String(tick)));
    }
    svg.append(draw("line", {x1: box.left, x2: box.left, y1: box.top, y2: box.bottom, class: "live-axis"}));
    svg.append(draw("line", {x1: box.left, x2: box.right, y1: box.bottom, y2: box.bottom, class: "live-axis"}));
    return {svg, box, y, width, height};
  }

  function legend(entries) {
    return make("p", {class: "live-legend"}, ...entries.map(([cls, text]) =>
      make("span", {class: "live-key"}, make("span", {class: `live-swatch ${cls}`, "aria-hidden": "true"}), text)));
  }

  // ------------------------------------------------------------------ who attends to whom

  function drawAttention(figure, data) {
    const state = {sentence: 0, model: data.model || 0, head: 0, query: data.query || 0, numbers: false};
    const model = () => data.models[state.model];
    const maps = () => model().maps && model().maps[state.sentence][state.head];
    const tokens = () => data.sentences[state.sentence];
    let columns = [];

    const controls = make("div", {class: "live-controls"});
    if (data.sentences.length > 1) {
      controls.append(choice(t("Sentence"), data.sentences.map(s => s.join(" ")), i => {
        state.sentence = i;
        state.query = Math.min(state.query, tokens().length - 1);
        layOut();
      }).wrap);
    }
    const heads = choice(t("Head"), [], i => { state.head = i; update(); });
    const fillHeads = () => {
      const count = model().maps ? model().maps[0].length : 0;
      heads.fill(Array.from({length: count}, (_, i) => t("head {n}", {n: i + 1})));
      heads.wrap.hidden = count < 2;
    };
    if (data.models.length > 1) {
      controls.append(choice(t("Model"), data.models.map(m => m.name), i => {
        state.model = i;
        state.head = 0;
        fillHeads();
        update();
      }, state.model).wrap);
    }
    fillHeads();
    controls.append(heads.wrap);
    const numbersId = newId("numbers");
    const numbers = make("input", {type: "checkbox", id: numbersId});
    numbers.addEventListener("change", () => { state.numbers = numbers.checked; update(); });
    controls.append(make("div", {class: "live-control"}, numbers,
                         make("label", {for: numbersId}, " " + t("show the weights as numbers"))));

    const row = make("div", {class: "live-words", role: "group",
                             "aria-label": t("The inputs: point at one, or tab to it, to see where its query attends")});
    const note = make("p", {class: "live-note"});
    const readout = make("p", {class: "live-readout", "aria-live": "polite"});
    figure.append(controls, row, note, readout);

    /** One column per word of the sentence: its weight printed, its bar, its button, its tag. */
    function layOut() {
      columns = tokens().map((word, j) => {
        const number = make("span", {class: "live-number"});
        const bar = make("span", {class: "live-bar"});
        const button = make("button", {type: "button", class: "live-word-button"}, word);
        const tag = make("span", {class: "live-tag"});
        const column = make("div", {class: "live-word"}, number, make("span", {class: "live-track"}, bar), button, tag);
        const pick = () => { if (state.query !== j) { state.query = j; update(); } };
        column.addEventListener("mouseenter", pick);
        button.addEventListener("focus", pick);
        button.addEventListener("click", pick);
        return {column, number, bar, button, tag};
      });
      row.replaceChildren(...columns.map(c => c.column));
      update();
    }

    function update() {
      const A = maps();               // A[j][i]: how much query i attends to key j
      const words = tokens();         // the sentence's words (or the inputs' names)
      const right = data.tags && data.tags[state.sentence];
      const given = model().tags && model().tags[state.sentence];
      columns.forEach((c, j) => {
        const weight = A ? A[j][state.query] : null;
        c.bar.style.height = A ? `${weight * BAR_PX}px` : "0px";
        c.bar.dataset.weight = A ? String(weight) : "";
        c.number.textContent = A && state.numbers ? fixed(weight) : "";
        c.column.classList.toggle("is-query", j === state.query);
        c.button.setAttribute("aria-pressed", String(j === state.query));
        if (given) {
          const ok = !right || given[j] === right[j];
          c.tag.textContent = given[j] + (right ? (ok ? " \u2713" : " \u2717") : "");
          c.tag.title = right ? (ok ? t("tagged right") : t("tagged wrong (right: {tag})", {tag: right[j]})) : "";
          c.tag.classList.toggle("is-wrong", !ok);
        } else {
          c.tag.textContent = "";
        }
      });
      note.textContent = model().note || "";
      const q = state.query;
      const who = t("\u201c{word}\u201d (position {n})", {word: words[q], n: q + 1});
      let tagged = "";
      if (given) {
        const tags = {tag: given[q], right: right ? right[q] : ""};
        tagged = GAP + (!right ? t("It is tagged {tag}.", tags) : given[q] === right[q]
          ? t("It is tagged {tag}, right.", tags) : t("It is tagged {tag}, wrong: {right} is right.", tags));
      }
      readout.textContent = (A
        ? t("{who} attends to: {weights}.",
            {who, weights: words.map((w, j) => `${w} ${fixed(A[j][q])}`).join(t(", "))})
        : t("{who}: this model has no attention, so no word attends to another.", {who})) + tagged;
    }

    layOut();
  }

  // ------------------------------------------------------------------ scaling and saturation

  function drawSaturation(figure, data) {
    const ones = data.spreads.indexOf(1);
    const state = {dk: data.d_ks.length - 1, spread: ones >= 0 ? ones : 0};
    const dkSlider = slider("d\u2096 =", data.d_ks, String, state.dk, i => { state.dk = i; update(); });
    const spreadSlider = slider(t("spread of the inputs: \u00d7"), data.spreads, v => fixed(v), state.spread,
                                i => { state.spread = i; update(); });
    const N = data.N;
    const kinds = [["plain", t("no scaling")], ["scaled", t("divided by \u221ad\u2096")]];

    const bars = chart(t("one column of A\u2032 (query 1)"), t("the weights of query 1 on the keys"), 0, 1, [0, 0.5, 1]);
    const slot = (bars.box.right - bars.box.left) / N;
    const rects = {};
    for (const [k, [kind]] of kinds.entries()) {
      rects[kind] = Array.from({length: N}, (_, j) => {
        const rect = draw("rect", {x: bars.box.left + slot * j + slot * (0.12 + 0.38 * k), width: slot * 0.38,
                                   class: `live-${kind}`});
        bars.svg.append(rect);
        return rect;
      });
    }
    for (let j = 0; j < N; j++) {
      bars.svg.append(draw("text", {x: bars.box.left + slot * (j + 0.5), y: bars.box.bottom + 16,
                                    "text-anchor": "middle"}, `k${j + 1}`));
    }

    const curves = chart(t("largest weight in a column (mean)"), t("the largest weight of a column against d\u2096"),
                         0, 1, [0, 0.5, 1]);
    const step = (curves.box.right - curves.box.left - 16) / (data.d_ks.length - 1);
    const x = a => curves.box.left + 8 + step * a;
    data.d_ks.forEach((d_k, a) => {
      if (a % 2 === 0) {
        curves.svg.append(draw("text", {x: x(a), y: curves.box.bottom + 16, "text-anchor": "middle"}, String(d_k)));
      }
    });
    curves.svg.append(draw("text", {x: (curves.box.left + curves.box.right) / 2, y: curves.height - 2,
                                    "text-anchor": "middle"}, "d\u2096"));
    const uniform = curves.y(1 / N);
    curves.svg.append(draw("line", {x1: curves.box.left, x2: curves.box.right, y1: uniform, y2: uniform,
                                    class: "live-uniform"}));
    curves.svg.append(draw("text", {x: curves.box.right, y: uniform - 4, "text-anchor": "end"}, t("uniform 1/N")));
    const lines = {}, markers = {};
    for (const [kind] of kinds) {
      lines[kind] = draw("polyline", {class: `live-line live-${kind}`, fill: "none"});
      markers[kind] = draw("circle", {r: 5, class: `live-${kind}`});
      curves.svg.append(lines[kind], markers[kind]);
    }

    const readout = make("p", {class: "live-readout", "aria-live": "polite"});
    figure.append(make("div", {class: "live-controls"}, dkSlider.wrap, spreadSlider.wrap),
                  legend(kinds.map(([kind, text]) => [`live-${kind}`, text])),
                  make("div", {class: "live-charts"}, bars.svg, curves.svg), readout);

    function update() {
      const {dk: a, spread: b} = state;
      for (const [kind] of kinds) {
        data.column[kind][a][b].forEach((weight, j) => {
          const rect = rects[kind][j];
          rect.setAttribute("y", bars.y(weight));
          rect.setAttribute("height", bars.y(0) - bars.y(weight));
          rect.dataset.value = String(weight);
        });
        const curve = data.largest[kind].map(row => row[b]);
        lines[kind].setAttribute("points", curve.map((v, i) => `${x(i)},${curves.y(v)}`).join(" "));
        markers[kind].setAttribute("cx", x(a));
        markers[kind].setAttribute("cy", curves.y(curve[a]));
        markers[kind].dataset.value = String(curve[a]);
      }
      const column = kind => Math.max(...data.column[kind][a][b]);
      readout.textContent = t(
        "d\u2096 = {d_k}, inputs \u00d7{spread}: the largest weight of query 1 is {plain} without scaling and {scaled} divided by \u221ad\u2096;",
        {d_k: data.d_ks[a], spread: fixed(data.spreads[b]), plain: fixed(column("plain")),
         scaled: fixed(column("scaled"))}) + GAP + t(
        "over {cases} random inputs, the largest weight of a column is {plain} and {scaled} on average.",
        {cases: data.cases, plain: fixed(data.largest.plain[a][b]), scaled: fixed(data.largest.scaled[a][b])});
    }

    update();
  }

  // ------------------------------------------------------------------ positions

  function drawOffsets(figure, data) {
    const half = data.d / 2;
    const ticks = [-half, 0, half];
    let index = data.initial !== undefined ? data.deltas.indexOf(data.initial) : 1;
    const deltaSlider = slider(t("offset \u0394 ="), data.deltas, String, index, i => { index = i; update(); });

    const across = chart(["e", ["i"], " \u00b7 e", ["i+\u0394"], " " + t("across i")],
                         t("the product of the position vectors of i and i + \u0394, across i"), -half, half, ticks);
    // Positions i = 1 ... N; products[k][n] is the product for position i = n + 1.
    const xp = n => across.box.left + n / (data.N - 1) * (across.box.right - across.box.left);
    [1, Math.round(data.N / 2), data.N].forEach(i => across.svg.append(
      draw("text", {x: xp(i - 1), y: across.box.bottom + 16, "text-anchor": "middle"}, String(i))));
    across.svg.append(draw("text", {x: (across.box.left + across.box.right) / 2, y: across.height - 2,
                                    "text-anchor": "middle"}, t("position i")));
    const line = draw("polyline", {class: "live-line live-scaled", fill: "none"});
    across.svg.append(line);

    const profile = chart(t("the same product against \u0394"), t("the product against the offset \u0394"),
                          -half, half, ticks);
    const xd = i => profile.box.left + i / (data.deltas.length - 1) * (profile.box.right - profile.box.left);
    [0, Math.floor((data.deltas.length - 1) / 2), data.deltas.length - 1].forEach(i => profile.svg.append(
      draw("text", {x: xd(i), y: profile.box.bottom + 16, "text-anchor": "middle"}, String(data.deltas[i]))));
    profile.svg.append(draw("text", {x: (profile.box.left + profile.box.right) / 2, y: profile.height - 2,
                                     "text-anchor": "middle"}, t("offset \u0394")));
    const first = data.products.map(row => row[0]);
    profile.svg.append(draw("polyline", {class: "live-line live-plain", fill: "none",
                                         points: first.map((v, i) => `${xd(i)},${profile.y(v)}`).join(" ")}));
    const marker = draw("circle", {r: 5, class: "live-plain"});
    profile.svg.append(marker);

    const readout = make("p", {class: "live-readout", "aria-live": "polite"});
    figure.append(make("div", {class: "live-controls"}, deltaSlider.wrap),
                  make("div", {class: "live-charts"}, across.svg, profile.svg), readout);

    function update() {
      const values = data.products[index];
      line.setAttribute("points", values.map((v, n) => `${xp(n)},${across.y(v)}`).join(" "));
      marker.setAttribute("cx", xd(index));
      marker.setAttribute("cy", profile.y(values[0]));
      marker.dataset.value = String(values[0]);
      const low = Math.min(...values), high = Math.max(...values);
      readout.textContent = t(
        "\u0394 = {delta}: over the positions i = 1 to {n}, the dot product of the position vectors of i and i + \u0394 lies between {low} and {high}.",
        {delta: data.deltas[index], n: values.length, low: fixed(low), high: fixed(high)});
    }

    update();
  }

  // ------------------------------------------------------------------ start

  const DRAWINGS = {attention: drawAttention, saturation: drawSaturation, offsets: drawOffsets};

  function start() {
    for (const figure of document.querySelectorAll(".live-figure[data-live]")) {
      const drawing = DRAWINGS[figure.dataset.live];
      const source = figure.querySelector("script.live-data");
      if (!drawing || !source) {
        console.error(`live figure: nothing draws "${figure.dataset.live}", or it has no data`);
        continue;
      }
      try {
        drawing(figure, JSON.parse(source.textContent));
      } catch (error) {
        console.error("live figure: could not draw", figure.dataset.live, error);
        figure.replaceChildren(source);
        continue;
      }
      figure.lang = document.documentElement.lang;    // the language of the words t() chose
      figure.hidden = false;
      const cell = figure.closest(".cell");
      if (cell) {
        for (const image of cell.querySelectorAll(".cell_output img")) image.classList.add("live-replaced");
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
