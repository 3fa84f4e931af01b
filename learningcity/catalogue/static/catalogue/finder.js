// Enhancements only: every page works without this file.
(function () {
  "use strict";
  // "Use where I am" lives in core/locate.js (the home page uses it too).
  // "Copy link" on an opportunity's page.
  document.querySelectorAll("[data-copy-link]").forEach(function (copy) {
    if (!navigator.clipboard) { return; }
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(copy.dataset.copyLink).then(function () {
        copy.textContent = copy.dataset.copied;
      });
    });
  });
})();
