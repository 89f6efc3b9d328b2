// Shared by the dated map and the slider map: the orientation layers drawn under the neighbourhoods.
function mosulmapBase(map, extent, river) {
    L.geoJSON(extent, {interactive: false,
        style: {color: "#9e9e9e", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1}}).addTo(map);
    L.geoJSON(river, {interactive: false, style: {color: "#5b9bd5", weight: 5, opacity: 0.9}}).addTo(map);
    map.fitBounds(L.geoJSON(extent).getBounds(), {paddingTopLeft: [20, 80], paddingBottomRight: [290, 40]});
}
