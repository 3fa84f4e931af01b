// "Use where I am": an enhancement only. The button starts hidden and is shown only
// when the browser can locate; it fills the form's lat/lng fields and submits. What
// happens is said in the form's live region ([data-locate-status]), including a
// refusal, so nobody is left pressing a button that silently does nothing.
(function () {
  "use strict";
  if (!navigator.geolocation) { return; }
  document.querySelectorAll("[data-locate]").forEach(function (button) {
    var form = button.form;
    var status = form.querySelector("[data-locate-status]");
    function say(text) { if (status) { status.textContent = text; } }
    function field(name) {
      var input = form.querySelector("input[name=" + name + "]");
      if (!input) {
        input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        form.appendChild(input);
      }
      return input;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      say(button.dataset.finding || "");
      navigator.geolocation.getCurrentPosition(function (position) {
        field("lat").value = position.coords.latitude.toFixed(5);
        field("lng").value = position.coords.longitude.toFixed(5);
        var near = form.querySelector("input[name=near]");
        if (near) { near.value = ""; }
        form.submit();
      }, function (error) {
        if (error.code === error.PERMISSION_DENIED) {
          say(button.dataset.denied || "");
        } else {
          say(button.dataset.unavailable || "");
        }
      }, { timeout: 15000, maximumAge: 600000 });
    });
  });
})();
