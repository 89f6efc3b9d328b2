// Plain JavaScript (never a template): __MAP__ is replaced by the map's variable name and
// the data comes from the JSON block #mm-data, so source text is never code.
(function () {
    var map = __MAP__;
    var data = JSON.parse(document.getElementById("mm-data").textContent);
    mosulmapBase(map, data);
    var layer = L.geoJSON(data.places, {
        style: function (f) { return f.properties.style; },
        onEachFeature: function (f, l) {
            l.bindTooltip(f.properties.tooltip, {sticky: true});
            l.bindPopup(f.properties.popup, {maxWidth: 460, maxHeight: 380, autoPanPaddingTopLeft: [60, 90], autoPanPaddingBottomRight: [300, 40]});
        }
    }).addTo(map);
    var front = mosulmapFront(map);
    front.show(data.front);
    var labels = mosulmapLabels(map, data.labels, data.landmarks);
    window.mosulmapLayer = layer;
    window.mosulmapMap = {front: front, labels: labels};
})();
