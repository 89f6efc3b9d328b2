{% macro script(this, kwargs) %}
(function () {
    var map = {{ this._parent.get_name() }};
    var data = {{ this.data }};
    mosulmapBase(map, data.extent, data.river);
    var layer = L.geoJSON(data.places, {
        style: function (f) { return f.properties.style; },
        onEachFeature: function (f, l) {
            l.bindTooltip(f.properties.tooltip, {sticky: true});
            l.bindPopup(f.properties.popup, {maxWidth: 460, maxHeight: 380, autoPanPaddingTopLeft: [60, 90], autoPanPaddingBottomRight: [300, 40]});
        }
    }).addTo(map);
    window.mosulmapLayer = layer;
})();
{% endmacro %}
