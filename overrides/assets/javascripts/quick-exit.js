/* Quick exit: leave the site at once, by the Exit button or by pressing Shift three times
   within five seconds (the GOV.UK "Exit this page" pattern).
   - The page is blanked before anything else, so that a slow connection does not leave it on
     screen while the neutral page loads.
   - location.replace() puts the neutral page in place of this one in the tab's history, so
     Back does not return to it.
   - Nothing is stored. Without JavaScript the button is an ordinary link. */
(function () {
  "use strict";
  var button = document.querySelector("[data-gp-exit]");
  if (!button) return;
  var destination = button.getAttribute("href");
  var status = document.querySelector("[data-gp-exit-status]");
  var WINDOW_MS = 5000;
  var presses = [];
  var resetTimer = null;

  function leave(event) {
    if (event) event.preventDefault();
    var root = document.documentElement;
    root.classList.add("gp-exiting");
    document.title = "";
    if (document.body) {
      while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    }
    window.location.replace(destination);
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

  // A page brought back from the back-forward cache after an exit stays blank.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.documentElement.classList.contains("gp-exiting")) {
      window.location.replace(destination);
    }
  });
})();
