// Plain JavaScript (never a template): __MAP__ is replaced by the map's variable name and
// the data comes from the JSON block #mm-data, so source text is never code.
(function () {
    var map = __MAP__;
    var D = JSON.parse(document.getElementById("mm-data").textContent);
    var claims = new Map(D.claims);  // [id, row] pairs: ids come from data, never keys of a plain object
    mosulmapBase(map, D.extent, D.river);
    var current = D.start;

    function stateAt(place, day) {
        for (var i = 0; i < place.intervals.length; i++) {
            var iv = place.intervals[i];
            if (iv[0] <= day && day <= iv[1]) { return iv; }
        }
        return null;
    }
    // Every text fragment in D was HTML-escaped in Python; only fixed labels and ISO dates are added here.
    function statusLine(place, day) {
        var iv = stateAt(place, day);
        var s = D.statuses[iv[2]];
        var line = "<b>" + s.label + "</b>" + (iv[5] ? " since " + iv[5] : "");
        if (iv[3]) { line += " <span class='mm-disputed'>disputed</span>"; }
        return line + " <span class='mm-basis'>(" + iv[6] + ")</span>";
    }
    function popup(place, day) {
        var iv = stateAt(place, day), rows = [];
        for (var i = place.history.length - 1; i >= 0; i--) {
            var h = place.history[i];
            if (h[0] > day) { continue; }
            var row = claims.get(h[1]);
            if (iv[4].indexOf(h[1]) >= 0) { row = row.replace("<tr>", "<tr class='mm-current'>"); }
            rows.push(row);
        }
        return place.header + "<p>" + statusLine(place, day) + "</p>" + D.geom[place.geom] +
            (rows.length ? "<table class='mm-claims'>" + D.claimHead + rows.join("") + "</table>"
                         : "<p class='mm-none'>No claim yet: default state.</p>");
    }
    function style(place, day) {
        var iv = stateAt(place, day), s = D.statuses[iv[2]], approx = place.approx;
        return {fillColor: s.color, fillOpacity: approx ? 0.55 : 0.8, color: iv[3] ? "#c0392b" : "#333333",
                weight: iv[3] ? 3 : 1.2, dashArray: approx ? "5 4" : null, opacity: 1};
    }
    var layer = L.geoJSON(D.places, {
        style: function (f) { return style(D.meta[f.properties.i], current); },
        onEachFeature: function (f, l) {
            var place = D.meta[f.properties.i];
            l.bindTooltip(function () { return place.tip + "<br>" + statusLine(place, current); }, {sticky: true});
            l.bindPopup(function () { return popup(place, current); }, {maxWidth: 460, maxHeight: 380, autoPanPaddingTopLeft: [60, 90], autoPanPaddingBottomRight: [300, 40]});
        }
    }).addTo(map);

    var slider = document.getElementById("mm-slider");
    var label = document.getElementById("mm-date");
    var counts = document.getElementById("mm-counts");
    var nopoly = document.getElementById("mm-nopoly");
    function update() {
        current = parseInt(slider.value, 10);
        layer.eachLayer(function (l) { l.setStyle(style(D.meta[l.feature.properties.i], current)); });
        label.textContent = D.days[current];
        var n = D.counts[current];
        counts.innerHTML = D.statusOrder.map(function (c) {
            return "<span class='mm-count'><i style='background:" + D.statuses[c].color + "'></i>" +
                n[c] + " " + D.statuses[c].label + "</span>"; }).join(" ") +
            " <span class='mm-basis'>of " + D.total + " neighbourhoods</span>";
        nopoly.innerHTML = D.nopoly.map(function (p) {
            return "<li>" + p.tip + ": " + statusLine(p, current) + "</li>"; }).join("");
        layer.eachLayer(function (l) { if (l.isPopupOpen()) { l.setPopupContent(popup(D.meta[l.feature.properties.i], current)); } });
    }
    slider.addEventListener("input", update);
    update();
    window.mosulmapSlider = {layer: layer, slider: slider, update: update, days: D.days, meta: D.meta};
})();
