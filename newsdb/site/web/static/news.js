// news.db: the cluster maps (datasette-cluster-map) frame their markers with a margin,
// so that no marker or cluster is cut by the map's edge, and never zoom past the
// basemap's own tiles (zoom 6). Leaflet is datasette-leaflet's ES module: importing the
// same URL gives the same instance, patched before the markers arrive.
document.addEventListener("DOMContentLoaded", () => {
  const leaflet = window.datasette && window.datasette.leaflet;
  if (!leaflet || !document.getElementById("news-map")) return;
  import(leaflet.JAVASCRIPT_URL).then(() => {
    const fitBounds = L.Map.prototype.fitBounds;
    L.Map.prototype.fitBounds = function (bounds, options) {
      return fitBounds.call(this, bounds, Object.assign({ padding: [48, 48], maxZoom: 6 }, options));
    };
  });
});
