/* Quick exit: leave the site at once, by the Exit button or by pressing Shift three times
   within five seconds (the GOV.UK "Exit this page" pattern). Stores nothing.

   - The page is blanked before anything else, so that a slow connection does not leave it on
     screen while the next page loads.
   - location.replace() puts the next page in place of this one in the tab's history, so Back
     does not return to it.
   - Jumps inside the page (footnotes, contents, permalinks, skip links) replace the history
     entry instead of adding one: otherwise Back after Exit would land on "#fn:3" of the page
     being read.
   - Where to: the publisher's neutral site (extra.quick_exit.url) only when it can be reached:
     over http(s), online, and not inside an offline edition (a ZIM file in Kiwix, whose reader
     would ask before opening an outside link while the page stays on screen). Otherwise, and by
     default, a neutral page shipped with the site itself (a multiplication table in the
     reader's language). When the web copy has lost its connection (a shutdown), that page
     cannot be fetched either: the same table is drawn in place of this page and the address
     and history entry become the neutral page's, so that no error page names anything.
   - Without JavaScript the button is an ordinary link to the same place. */
(function () {
  "use strict";
  var button = document.querySelector("[data-gp-exit]");
  if (!button) return;
  var local = button.getAttribute("data-gp-exit-local");
  var online = button.getAttribute("data-gp-exit-online");
  var status = document.querySelector("[data-gp-exit-status]");
  var WINDOW_MS = 5000;
  var presses = [];
  var resetTimer = null;

  var offlineEdition = document.documentElement.getAttribute("data-gp-edition") === "zim";
  var web = location.protocol === "http:" || location.protocol === "https:";

  function destination() {
    if (online && web && !offlineEdition && navigator.onLine !== false) return online;
    return local || online;
  }

  // The neutral page drawn in place: the same multiplication table as tables.html, in the
  // page's language and digits (Intl formats ۱۲ in Dari), with its title.
  function neutralHere() {
    var root = document.documentElement;
    var title = button.getAttribute("data-gp-exit-title") || "";
    var digits = new Intl.NumberFormat(root.lang || undefined);
    var table = document.createElement("table");
    for (var row = 0; row <= 10; row++) {
      var tr = table.insertRow();
      for (var col = 0; col <= 10; col++) {
        var cell = document.createElement(row === 0 || col === 0 ? "th" : "td");
        cell.textContent = row === 0 && col === 0 ? "×" : digits.format(row === 0 ? col : col === 0 ? row : row * col);
        tr.appendChild(cell);
      }
    }
    var heading = document.createElement("h1");
    heading.textContent = title;
    document.body.appendChild(heading);
    document.body.appendChild(table);
    document.title = title;
    root.classList.remove("gp-exiting");
    root.classList.add("gp-neutral");
    history.replaceState(null, "", local);
  }

  function leave(event) {
    if (event) event.preventDefault();
    var target = destination();
    var root = document.documentElement;
    root.classList.add("gp-exiting");
    document.title = "";
    if (document.body) {
      while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    }
    if (target === local && web && !offlineEdition && navigator.onLine === false) {
      try {
        neutralHere();
        return;
      } catch (error) { /* fall through to the address itself */ }
    }
    window.location.replace(target);
  }

  function show(count) {
    button.setAttribute("data-presses", String(count));
    if (!status) return;
    status.textContent = count === 1 ? status.getAttribute("data-one")
      : count === 2 ? status.getAttribute("data-two") : "";
  }

  button.addEventListener("click", leave);

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") {
      presses = [];
      show(0);
      return;
    }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < WINDOW_MS; });
    presses.push(now);
    if (presses.length >= 3) {
      leave();
      return;
    }
    show(presses.length);
    clearTimeout(resetTimer);
    resetTimer = setTimeout(function () { presses = []; show(0); }, WINDOW_MS);
  }, true);

  // In-page jumps replace the current history entry (a fragment navigation with "replace"
  // keeps :target, scrolling and focus as the browser does them).
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) return;
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link === button) return;
    var href = link.getAttribute("href");
    if (!href || href.charAt(0) !== "#" || href.length < 2) return;
    event.preventDefault();
    window.location.replace(href);
    var target = document.getElementById(decodeURIComponent(href.slice(1)));
    if (target && target !== document.activeElement) {
      if (!target.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus({ preventScroll: true });
    }
  }, true);

  // A page brought back from the back-forward cache after an exit stays blank.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.documentElement.classList.contains("gp-exiting")) {
      window.location.replace(destination());
    }
  });
})();
