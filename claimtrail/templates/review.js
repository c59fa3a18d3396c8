"use strict";
// A claim's row scrolls the text to its quote and makes it flash (click or Enter).
document.querySelectorAll("tr[data-claim]").forEach(function (row) {
  function show(event) {
    if (event.target.closest("a")) { return; }
    var spans = document.querySelectorAll(".c" + row.dataset.claim);
    if (!spans.length) { return; }
    spans[0].scrollIntoView({block: "center"});
    document.querySelectorAll(".flash").forEach(function (s) { s.classList.remove("flash"); });
    spans.forEach(function (s) { void s.offsetWidth; s.classList.add("flash"); });
  }
  row.addEventListener("click", show);
  row.addEventListener("keydown", function (event) { if (event.key === "Enter") { show(event); } });
});
