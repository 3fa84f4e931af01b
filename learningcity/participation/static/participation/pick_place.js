// Choosing a proposal's place on a map: an enhancement of the two number inputs
// (latitude, longitude), which stay usable on their own. Leaflet is only fetched when
// the visitor asks for the map, by core/map.js's loader (loaded before this file); a
// click on the map fills the inputs, and typing in the inputs moves the marker.
(function () {
  "use strict";
  function number(input) {
    var value = parseFloat(input.value);
    return isNaN(value) ? null : value;
  }
  function draw(block) {
    var lat = document.getElementById(block.dataset.latInput);
    var lng = document.getElementById(block.dataset.lngInput);
    var status = block.querySelector("[data-pick-status]");
    var holder = block.querySelector(".map");
    holder.hidden = false;
    var map = window.L.map(holder);
    // The button that was focused is now hidden: focus goes to the map (Leaflet makes
    // it focusable), so a keyboard user is not sent back to the top of the page.
    holder.focus();
    if (block.dataset.tileUrl) {
      window.L.tileLayer(block.dataset.tileUrl, {
        maxZoom: 18,
        attribution: "&copy; OpenStreetMap contributors"
      }).addTo(map);
    }
    var marker = null;
    function place(point, zoom) {
      if (marker) { marker.setLatLng(point); }
      else { marker = window.L.marker(point, { alt: block.dataset.markerLabel }).addTo(map); }
      if (zoom) { map.setView(point, zoom); }
    }
    if (number(lat) !== null && number(lng) !== null) {
      place([number(lat), number(lng)], 15);
    } else {
      map.setView([parseFloat(block.dataset.centreLat) || 0, parseFloat(block.dataset.centreLng) || 0],
        block.dataset.centreLat ? 12 : 2);
    }
    map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(5);
      lng.value = event.latlng.lng.toFixed(5);
      place(event.latlng, 0);
      if (status) {
        // The numbers isolated left to right: on a right-to-left page a negative one
        // keeps its minus sign in front.
        var numbers = document.createElement("bdi");
        numbers.dir = "ltr";
        numbers.textContent = lat.value + ", " + lng.value;
        status.textContent = block.dataset.chosen + " ";
        status.appendChild(numbers);
      }
    });
    function typed() {
      if (number(lat) !== null && number(lng) !== null) { place([number(lat), number(lng)], map.getZoom()); }
    }
    lat.addEventListener("change", typed);
    lng.addEventListener("change", typed);
  }
  document.querySelectorAll("[data-pick-place]").forEach(function (block) {
    var button = block.querySelector("[data-show-picker]");
    button.hidden = false;
    button.addEventListener("click", function () {
      button.hidden = true;
      window.learningcityLoadLeaflet(block, function () { draw(block); });
    });
  });
})();
