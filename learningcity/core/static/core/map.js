// Maps are an enhancement: the page already lists every place. Leaflet (about 40 KB
// compressed) is only fetched when a visitor asks for the map, so pages stay light.
(function () {
  "use strict";
  var loading = null;
  // Leaflet finds its marker images by reading a CSS rule; drawn before its CSS has
  // arrived, it guesses a wrong path (".../vendor/leafletmarker-icon.png", a 404).
  // So the map is drawn once both files have loaded, and the image folder is named.
  function load(block, done) {
    if (window.L) { done(); return; }
    if (loading) { loading.push(done); return; }
    loading = [done];
    var pending = 2;
    function ready() {
      pending -= 1;
      if (pending > 0) { return; }
      var js = block.dataset.leafletJs;
      window.L.Icon.Default.imagePath = js.slice(0, js.lastIndexOf("/") + 1) + "images/";
      loading.forEach(function (callback) { callback(); });
    }
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = block.dataset.leafletCss;
    css.onload = ready;
    css.onerror = ready;
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = block.dataset.leafletJs;
    script.onload = ready;
    document.head.appendChild(script);
  }
  // On the finder's map a click chooses where the search starts from: the form's
  // lat/lng fields are filled and a button in a popup searches from there.
  function pickPoints(map, block) {
    var picker = block.closest("[data-pick-point]");
    var form = picker && picker.closest("form");
    if (!form) { return; }
    var status = picker.querySelector("[data-pick-status]");
    var chosen = null;
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
    map.on("click", function (event) {
      field("lat").value = event.latlng.lat.toFixed(5);
      field("lng").value = event.latlng.lng.toFixed(5);
      var near = form.querySelector("input[name=near]");
      if (near) { near.value = ""; }
      var button = document.createElement("button");
      button.type = "submit";
      button.textContent = picker.dataset.pickSearch;
      if (chosen) { chosen.remove(); }
      chosen = window.L.circleMarker(event.latlng, { radius: 8 }).addTo(map);
      chosen.bindPopup(button).openPopup();
      if (status) { status.textContent = picker.dataset.pickChosen; }
    });
  }
  function draw(block) {
    var points = JSON.parse(document.getElementById(block.dataset.points).textContent);
    var holder = block.querySelector(".map");
    holder.hidden = false;
    var map = window.L.map(holder);
    if (block.dataset.tileUrl) {
      window.L.tileLayer(block.dataset.tileUrl, {
        maxZoom: 18,
        attribution: "&copy; OpenStreetMap contributors"
      }).addTo(map);
    }
    var bounds = [];
    points.forEach(function (p) {
      var marker = window.L.marker([p.lat, p.lng], { title: p.name, alt: p.name }).addTo(map);
      var label = document.createElement(p.url ? "a" : "span");
      label.textContent = p.name;
      if (p.url) { label.href = p.url; }
      marker.bindPopup(label);
      bounds.push([p.lat, p.lng]);
    });
    if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 }); }
    else { map.setView([0, 0], 1); }
    pickPoints(map, block);
  }
  // Shared with other enhancements that draw their own map (participation's place
  // picker): one loader, one fix of the marker images' path.
  window.learningcityLoadLeaflet = load;
  document.querySelectorAll("[data-map-block]").forEach(function (block) {
    var button = block.querySelector("[data-show-map]");
    button.hidden = false;
    button.addEventListener("click", function () {
      button.hidden = true;
      load(block, function () { draw(block); });
    });
  });
})();
