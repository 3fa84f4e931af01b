// Maps are an enhancement: the page already lists every place. Leaflet (about 40 KB
// compressed) is only fetched when a visitor asks for the map, so pages stay light.
(function () {
  "use strict";
  function load(block, done) {
    if (window.L) { done(); return; }
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = block.dataset.leafletCss;
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = block.dataset.leafletJs;
    script.onload = done;
    document.head.appendChild(script);
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
  }
  document.querySelectorAll("[data-map-block]").forEach(function (block) {
    var button = block.querySelector("[data-show-map]");
    button.hidden = false;
    button.addEventListener("click", function () {
      button.hidden = true;
      load(block, function () { draw(block); });
    });
  });
})();
