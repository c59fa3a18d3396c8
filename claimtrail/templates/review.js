"use strict";
// A claim's row scrolls the text to its quote and makes it flash (click or Enter, or an
// address ending in #claim-ID, as the report links to it).
function showQuote(row) {
  var spans = document.querySelectorAll(".c" + row.dataset.claim);
  if (!spans.length) { return; }
  spans[0].scrollIntoView({block: "center"});
  document.querySelectorAll(".flash").forEach(function (s) { s.classList.remove("flash"); });
  spans.forEach(function (s) { void s.offsetWidth; s.classList.add("flash"); });
}
document.querySelectorAll("tr[data-claim]").forEach(function (row) {
  function show(event) {
    if (!event.target.closest("a")) { showQuote(row); }
  }
  row.addEventListener("click", show);
  row.addEventListener("keydown", function (event) { if (event.key === "Enter") { show(event); } });
});
var linked = /^#claim-\d+$/.test(location.hash) && document.getElementById(location.hash.slice(1));
if (linked) { showQuote(linked); }
