// Enhancements only: every page works without this file.
(function () {
  "use strict";
  // "Use where I am" fills the map point from the browser's location (the browser
  // asks the visitor first) and searches from there.
  var locate = document.querySelector("[data-locate]");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        var form = locate.form;
        var coords = { lat: position.coords.latitude, lng: position.coords.longitude };
        Object.keys(coords).forEach(function (name) {
          var input = form.querySelector("input[name=" + name + "]");
          if (!input) {
            input = document.createElement("input");
            input.type = "hidden";
            input.name = name;
            form.appendChild(input);
          }
          input.value = coords[name].toFixed(5);
        });
        form.querySelector("input[name=near]").value = "";
        form.submit();
      });
    });
  }
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
