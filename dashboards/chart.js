// A plotly.js chart redrawn in place (Plotly.react) whenever Python sends a new figure.
// plotly.js is loaded once per page from the local asset cache and shared by every chart.
// Updates that arrive while a draw is running collapse into one redraw with the newest figure, so a
// fast-playing model never builds a backlog in the browser.

function loadPlotly(url) {
  window.__trucePlotly ??= fetch(url)
    .then((response) => {
      if (!response.ok) throw new Error(`plotly.js: HTTP ${response.status} for ${url}`);
      return response.text();
    })
    .then((source) => {
      const module = { exports: {} };
      new Function("module", "exports", source)(module, module.exports);
      return module.exports;
    });
  return window.__trucePlotly;
}

// Benchmarks and tests read when each chart last painted which revision of its figure.
function recordPaint(name, rev) {
  requestAnimationFrame(() => {
    window.__truceDrawn ??= {};
    window.__truceDrawn[name] = { rev, t: performance.now() };
  });
}

export default {
  async render({ model, el }) {
    const div = document.createElement("div");
    div.className = "truce-chart";
    div.dataset.chart = model.get("name");
    div.style.width = "100%";
    div.style.height = `${model.get("height")}px`;
    el.appendChild(div);
    const Plotly = await loadPlotly(model.get("plotly_url"));
    const config = { displayModeBar: false, responsive: true };
    let busy = false;
    let dirty = true;
    async function draw() {
      if (busy) return;
      busy = true;
      while (dirty) {
        await new Promise((resolve) => requestAnimationFrame(resolve)); // one redraw per frame at most
        dirty = false;
        const figure = model.get("figure");
        try {
          await Plotly.react(div, figure.data ?? [], figure.layout ?? {}, config);
          div.dataset.rev = figure.rev ?? "";
          recordPaint(model.get("name"), figure.rev);
        } catch (error) {
          // Keep drawing later figures, but let the failure surface as a page error.
          setTimeout(() => {
            throw error;
          });
        }
      }
      busy = false;
    }
    model.on("change:figure", () => {
      dirty = true;
      draw();
    });
    await draw();
    return () => Plotly.purge(div);
  },
};
