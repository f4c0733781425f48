/* Shows the "this advice may be out of date" notice when the reader's clock has passed the
   page's review date (partials/review-notice.html): a copy may be read long after it was built.
   Reads nothing but the date written in the page; stores nothing. */
(function () {
  "use strict";
  var notice = document.querySelector("[data-gp-review-by]");
  if (!notice) return;
  var due = new Date(notice.getAttribute("data-gp-review-by") + "T23:59:59Z");
  if (!isNaN(due.getTime()) && Date.now() > due.getTime()) notice.hidden = false;
})();
