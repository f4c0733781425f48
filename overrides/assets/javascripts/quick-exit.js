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
     reader's language), which needs no network.
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

  function destination() {
    var offlineEdition = document.documentElement.getAttribute("data-gp-edition") === "zim";
    var web = location.protocol === "http:" || location.protocol === "https:";
    if (online && web && !offlineEdition && navigator.onLine !== false) return online;
    return local || online;
  }

  function leave(event) {
    if (event) event.preventDefault();
    var target = destination();
    document.documentElement.classList.add("gp-exiting");
    document.title = "";
    if (document.body) {
      while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
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
