// The small map of a record page: one marker, the site's own tiles (metadata.yml,
// plugins.datasette-cluster-map.tile_layer), the attribution kept. Leaflet is the copy
// datasette-leaflet serves, an ES module that defines window.L.
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("record-map");
  if (!el) return;
  const config = JSON.parse(el.dataset.map);
  import(config.leaflet_js).then(() => {
    const options = Object.assign({}, config.tile_layer_options);
    const zoom = Math.min(6, options.maxNativeZoom || 6);
    const map = L.map(el, { scrollWheelZoom: false }).setView([config.latitude, config.longitude], zoom);
    L.tileLayer(config.tile_layer || "https://tile.openstreetmap.org/{z}/{x}/{y}.png", options).addTo(map);
    L.marker([config.latitude, config.longitude], { title: config.name }).addTo(map);
  });
});
