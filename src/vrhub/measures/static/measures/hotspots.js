// Draws the hot-spot hexagons on a Leaflet map. The hexagons are the page's own data (a JSON
// script element, not inline script, so the Content-Security-Policy can forbid inline script);
// a background of map tiles is drawn only when a tile server is configured.
/* global L */
const container = document.getElementById("hot-spots-map");
const data = document.getElementById("hot-spots-data");

if (container && data && window.L) {
  const cells = JSON.parse(data.textContent);
  const map = L.map(container, { scrollWheelZoom: false, attributionControl: true });
  const tileUrl = container.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { maxZoom: 18, attribution: container.dataset.tileAttribution || "" }).addTo(map);
  }
  const layer = L.geoJSON(cells, {
    style: (feature) => ({
      color: "#505a5f",
      weight: 1,
      fillColor: feature.properties.fill,
      fillOpacity: feature.properties.category === "Not significant" ? 0.2 : 0.75,
    }),
    onEachFeature: (feature, shape) => {
      const p = feature.properties;
      const ward = p.ward ? `, near ${p.ward}` : "";
      // Leaflet writes a string tooltip as HTML; ward names come from an uploaded file, so
      // the tooltip is a text node.
      const tip = document.createElement("span");
      tip.textContent = `${p.category}: ${p.count} incident${p.count === 1 ? "" : "s"}${ward}`;
      shape.bindTooltip(tip);
    },
  }).addTo(map);
  if (cells.features.length) {
    map.fitBounds(layer.getBounds(), { padding: [10, 10] });
  } else {
    map.setView([52.45, -1.7], 10);
  }
}
