"use strict";
// Sort a table by the clicked column: numbers or text, empty cells (no ground truth) always last.
function sortBy(th) {
  const table = th.closest("table"), body = table.tBodies[0], column = th.cellIndex;
  const numeric = th.dataset.type === "num";
  const current = th.getAttribute("aria-sort");
  const order = current === "descending" ? "ascending"
    : current === "ascending" ? "descending" : numeric ? "descending" : "ascending";
  for (const other of table.querySelectorAll("th[aria-sort]")) other.removeAttribute("aria-sort");
  th.setAttribute("aria-sort", order);
  const sign = order === "ascending" ? 1 : -1;
  const key = (row) => row.cells[column].dataset.v;
  const rows = Array.from(body.rows).sort((a, b) => {
    const x = key(a), y = key(b);
    if (x === "" || y === "") return (x === "") - (y === "");
    return sign * (numeric ? Number(x) - Number(y) : x.localeCompare(y));
  });
  body.append(...rows);
}
for (const th of document.querySelectorAll("table.sortable th[data-type]")) {
  th.addEventListener("click", () => sortBy(th));
}
