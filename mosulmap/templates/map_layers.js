{% macro script(this, kwargs) %}
(function () {
    var map = {{ this._parent.get_name() }};
    var data = {{ this.data }};
    L.geoJSON(data.extent, {interactive: false,
        style: {color: "#9e9e9e", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1}}).addTo(map);
    L.geoJSON(data.river, {interactive: false, style: {color: "#5b9bd5", weight: 5, opacity: 0.9}}).addTo(map);
    var layer = L.geoJSON(data.places, {
        style: function (f) { return f.properties.style; },
        onEachFeature: function (f, l) {
            l.bindTooltip(f.properties.tooltip, {sticky: true});
            l.bindPopup(f.properties.popup, {maxWidth: 460, maxHeight: 380, autoPanPaddingTopLeft: [60, 90], autoPanPaddingBottomRight: [300, 40]});
        }
    }).addTo(map);
    map.fitBounds(L.geoJSON(data.extent).getBounds(), {paddingTopLeft: [20, 80], paddingBottomRight: [290, 40]});
    window.mosulmapLayer = layer;
})();
{% endmacro %}
