// Plain JavaScript (never a template): __MAP__ is replaced by the map's variable name and
// the data comes from the JSON block #mm-data, so source text is never code.
(function () {
    var map = __MAP__;
    var data = JSON.parse(document.getElementById("mm-data").textContent);
    mosulmapBase(map, data);
    var layer = L.geoJSON(data.places, {
        style: function (f) { return f.properties.style; },
        onEachFeature: function (f, l) {
            mosulmapTooltip(l, f.properties.tooltip);
            l.bindPopup(f.properties.popup, mosulmapPopupOptions(map));
        }
    }).addTo(map);
    layer.eachLayer(function (l) { mosulmapMark(l, l.feature.properties.style.className === "mm-assumed"); });
    var front = mosulmapFront(map);
    front.show(data.front);
    var labels = mosulmapLabels(map, data.labels, data.landmarks, data.priority);
    window.mosulmapLayer = layer;
    window.mosulmapMap = {front: front, labels: labels};
})();
