/* Sortable tables: every <table class="sortable"> sorts by a column when the column's
   header is clicked (or focused and activated with Enter or Space: each header holds a
   button). A cell sorts by its data-v attribute when it has one, else by its text;
   numbers compare as numbers, other text alphabetically, and empty values go last in
   both directions. The first activation sorts ascending, the next one descending.
   The header row is the last row of the table's <thead>; every <tbody> is sorted on its
   own. No network, no globals; the page's Content-Security-Policy allows this script by
   its SHA-256 hash and no other. */
(function () {
  "use strict";

  function sortKey(row, column) {
    var cell = row.cells[column];
    if (!cell) {
      return null;
    }
    var text = cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : cell.textContent;
    text = text.trim();
    if (text === "") {
      return null;
    }
    var number = Number(text);
    return isNaN(number) ? { text: text } : { number: number };
  }

  function compare(a, b) {
    if ("number" in a && "number" in b) {
      return a.number === b.number ? 0 : a.number < b.number ? -1 : 1;
    }
    if ("number" in a) {
      return -1;
    }
    if ("number" in b) {
      return 1;
    }
    return a.text.localeCompare(b.text);
  }

  function sortTable(table, headers, column) {
    var ascending = headers[column].getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var rows = Array.prototype.map.call(body.rows, function (row, index) {
        return { row: row, key: sortKey(row, column), index: index };
      });
      rows.sort(function (x, y) {
        if (x.key === null || y.key === null) {
          return x.key === y.key ? x.index - y.index : x.key === null ? 1 : -1;
        }
        var order = compare(x.key, y.key);
        return (ascending ? order : -order) || x.index - y.index;
      });
      rows.forEach(function (item) {
        body.appendChild(item.row);
      });
    });
    headers.forEach(function (header, index) {
      var state = index !== column ? "none" : ascending ? "ascending" : "descending";
      header.setAttribute("aria-sort", state);
    });
  }

  function makeSortable(table) {
    if (!table.tHead || table.tHead.rows.length === 0) {
      return;
    }
    var headRow = table.tHead.rows[table.tHead.rows.length - 1];
    var headers = Array.prototype.slice.call(headRow.cells);
    headers.forEach(function (header, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (header.firstChild) {
        button.appendChild(header.firstChild);
      }
      header.appendChild(button);
      header.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        sortTable(table, headers, column);
      });
    });
    table.classList.add("sortable-ready");
  }

  function setUp() {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
