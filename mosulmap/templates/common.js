// Shared by the dated map and the slider map: orientation layers, labels and the front line.
function mosulmapBase(map, D) {
    if (D.west && D.west.features.length) {
        L.geoJSON(D.west, {interactive: false,
            style: {color: "#c9c6bd", weight: 1, fillColor: "#ebe9e3", fillOpacity: 1}}).addTo(map);
    }
    L.geoJSON(D.extent, {interactive: false,
        style: {color: "#9e9e9e", weight: 1, fillColor: "#f7f5ef", fillOpacity: 1}}).addTo(map);
    L.geoJSON(D.river, {interactive: false, style: {color: "#5b9bd5", weight: 5, opacity: 0.9}}).addTo(map);
    if (D.riverLabel) {
        L.marker(D.riverLabel, {interactive: false, icon: L.divIcon({className: "mm-river", html: "Tigris", iconSize: null})}).addTo(map);
    }
    if (D.westLabel) {
        L.marker(D.westLabel, {interactive: false, icon: L.divIcon({className: "mm-west", html: "West Mosul<br>(not mapped)", iconSize: null})}).addTo(map);
    }
    var narrow = map.getSize().x < 600;  // a phone: the boxes fold away, so the map needs little padding
    map.fitBounds(L.geoJSON(D.extent).getBounds(), narrow ? {paddingTopLeft: [4, 110], paddingBottomRight: [4, 150]}
                                                          : {paddingTopLeft: [20, 80], paddingBottomRight: [290, 40]});
}

// Places and landmarks labelled at their representative points. Labels that would overlap a
// label already shown (larger places first) are hidden, and shown again when zooming in frees room.
function mosulmapLabels(map, labels, landmarks) {
    var markers = labels.map(function (l) {
        return L.marker([l[0], l[1]], {interactive: false, keyboard: false,
            icon: L.divIcon({className: "mm-label", html: l[2], iconSize: null})}).addTo(map);
    });
    (landmarks.features || []).forEach(function (f) {
        var c = f.geometry.coordinates, kind = f.properties.kind;
        L.circleMarker([c[1], c[0]], {radius: kind === "bridge" ? 4 : 3, color: "#444", weight: 1,
            fillColor: kind === "bridge" ? "#5b9bd5" : "#ffffff", fillOpacity: 1, interactive: false}).addTo(map);
        markers.push(L.marker([c[1], c[0]], {interactive: false, keyboard: false,
            icon: L.divIcon({className: "mm-label mm-landmark", html: f.properties.label, iconSize: null})}).addTo(map));
    });
    function declutter() {
        var shown = [];
        markers.forEach(function (m) {
            var el = m.getElement();
            if (!el) { return; }
            el.style.visibility = "visible";
            var r = el.getBoundingClientRect();
            var hit = shown.some(function (s) { return r.left < s.right && r.right > s.left && r.top < s.bottom && r.bottom > s.top; });
            if (hit) { el.style.visibility = "hidden"; } else { shown.push(r); }
        });
    }
    map.on("zoomend moveend", declutter);
    declutter();
    return {markers: markers, declutter: declutter};
}

function mosulmapFront(map) {
    var layer = L.geoJSON(null, {interactive: false,
        style: {color: "#000000", weight: 3.5, opacity: 0.9, dashArray: "10 4", className: "mm-front"}}).addTo(map);
    return {
        layer: layer,
        show: function (geometry) {
            layer.clearLayers();
            if (geometry) { layer.addData({type: "Feature", properties: {}, geometry: geometry}); }
        }
    };
}

// The full claim list of a place, loaded on demand from claims/PLACE.js (a script, so that it
// works from a folder opened without a server). Place ids come from the gazetteer.
var mosulmapClaimLists = new Map(), mosulmapWaiting = new Map();
function mosulmapClaims(placeId, head, rows) {
    mosulmapClaimLists.set(placeId, {head: head, rows: rows});
    (mosulmapWaiting.get(placeId) || []).forEach(function (f) { f(); });
    mosulmapWaiting.delete(placeId);
}
document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a.mm-all");
    if (!link) { return; }
    e.preventDefault();
    var place = link.getAttribute("data-place"), day = link.getAttribute("data-day");
    var box = link.parentNode.nextElementSibling;
    function fill() {
        var list = mosulmapClaimLists.get(place);
        var rows = list.rows.filter(function (r) { return r[0] <= day; }).reverse().map(function (r) { return r[1]; });
        box.innerHTML = "<table class='mm-claims'>" + list.head + rows.join("") + "</table>";
        link.parentNode.textContent = rows.length + " claims up to this day:";
    }
    if (mosulmapClaimLists.has(place)) { fill(); return; }
    if (!mosulmapWaiting.has(place)) {
        mosulmapWaiting.set(place, []);
        var script = document.createElement("script");
        script.src = link.getAttribute("data-src");
        document.head.appendChild(script);
    }
    mosulmapWaiting.get(place).push(fill);
});
