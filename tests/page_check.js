// Run inside a page at 1280 px: lists what a reader would see as broken. The result is written into the
// page (`data-problems` on <body>) for `chromium --dump-dom` to hand back.
(function () {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const name = (el) => `<${el.tagName.toLowerCase()}> "${el.textContent.trim().slice(0, 30)}"`;
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${width} px window`);
  }
  for (const el of document.querySelectorAll("h1, h2, p, table, th, td, figure")) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1) problems.push(`${name(el)} reaches ${Math.round(box.right)} px`);
    if (el.tagName !== "TABLE" && el.scrollWidth > el.clientWidth + 1) problems.push(`${name(el)}: text outside its box`);
  }
  for (const th of document.querySelectorAll("th")) {  // a header may wrap between words, never inside one
    const range = document.createRange();
    range.selectNodeContents(th);
    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    const words = th.textContent.trim().split(/\s+/).length;
    if (lines > words) problems.push(`header ${name(th)} breaks inside a word (${lines} lines)`);
  }
  for (const svg of document.querySelectorAll("svg")) {
    const view = svg.viewBox.baseVal;
    const texts = [...svg.querySelectorAll("text")].map((t) => [t, t.getBBox()]);
    const lines = [...svg.querySelectorAll("line[stroke-dasharray]")].map((l) => [l, l.getBBox()]);
    const overlap = (a, b) => a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 &&
                              a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;
    for (const [t, b] of texts) {
      if (b.x < -0.5 || b.y < -0.5 || b.x + b.width > view.width + 0.5 || b.y + b.height > view.height + 0.5) {
        problems.push(`chart text ${name(t)} outside its chart`);
      }
    }
    texts.forEach(([t, b], i) => {
      for (const [u, c] of texts.slice(i + 1)) if (overlap(b, c)) problems.push(`chart texts ${name(t)} and ${name(u)} collide`);
      for (const [, c] of lines) if (overlap(b, {x: c.x - 1, y: c.y, width: c.width + 2, height: c.height})) {
        problems.push(`chart text ${name(t)} is crossed by a marker line`);
      }
    });
  }
  document.body.setAttribute("data-problems", JSON.stringify(problems));
})();
