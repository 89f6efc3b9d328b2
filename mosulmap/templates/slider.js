// Plain JavaScript (never a template): __MAP__ is replaced by the map's variable name and
// the data comes from the JSON block #mm-data, so source text is never code.
(function () {
    var map = __MAP__;
    var D = JSON.parse(document.getElementById("mm-data").textContent);
    // [id, date, precision, status, event, actor, source, quote, confidence]: ids come from data,
    // so they are keys of a Map, never of a plain object; every text is escaped here.
    var claims = new Map(D.claims.map(function (c) { return [c[0], c]; }));
    var esc = mosulmapEsc, bdi = mosulmapBdi, claimRow = mosulmapClaimRow;
    mosulmapBase(map, D);
    var current = D.start;

    function stateAt(place, day) {
        for (var i = 0; i < place.intervals.length; i++) {
            var iv = place.intervals[i];
            if (iv[0] <= day && day <= iv[1]) { return iv; }
        }
        return null;
    }
    function ageOf(iv, day) { return iv[7] === null ? null : day - iv[7]; }
    function changedOn(place, day) {  // the shown state changed that day (not only its claims or disputed flag)
        var iv = stateAt(place, day);
        return day > 0 && iv[0] === day && iv[12];
    }
    function reportedOn(place, day) { return stateAt(place, day)[7] === day; }
    // Every text fragment in D was HTML-escaped in Python; only fixed labels and dates are added here.
    function statusLine(place, day) {
        var iv = stateAt(place, day), s = D.shown[iv[2]];
        if (iv[2] === D.assumedCode) { return "<b>" + s.label + "</b> <span class='mm-basis'>(the default)</span>"; }
        var age = ageOf(iv, day);
        var line = "<b>" + s.label + "</b>" + (iv[5] ? " since " + iv[5] : "");
        if (iv[3]) { line += " <span class='mm-disputed'>disputed: reports of " + D.dayLabels[Math.max(0, iv[7])] + " disagree</span>"; }
        if (changedOn(place, day)) { line += " <span class='mm-changed'>changed on " + D.dayLabels[day] + "</span>"; }
        return line + " <span class='mm-basis'>(" + iv[6] + (age ? "; last report " + age + " day" + (age === 1 ? "" : "s") + " ago" : "; reported that day") + ")</span>";
    }
    function popup(place, day) {
        var iv = stateAt(place, day), rows = [];
        iv[4].forEach(function (id) { rows.push(claimRow(claims.get(id), true)); });
        iv[8].forEach(function (id) { rows.push(claimRow(claims.get(id), false)); });
        var more = rows.length < iv[9] ?
            "<p class='mm-basis'>" + rows.length + " of " + iv[9] + " claims shown (" + iv[10] + " behind this state). " +
            "<a href='#' class='mm-all' data-src='" + esc(place.claimsFile) + "' data-place='" + esc(place.id) + "' data-day='" +
            D.days[day] + "'>Show all claims</a></p><div class='mm-all-claims'></div>" : "";
        return place.header + "<p>" + statusLine(place, day) + "</p>" + (place.geom === null ? "" : D.geom[place.geom]) +
            (rows.length ? "<table class='mm-claims'>" + D.claimHead + rows.join("") + "</table>" + more
                         : "<p class='mm-none'>No report names this place yet: the state shown is the default, not a fact.</p>");
    }
    var weighedBox = document.getElementById("mm-weighed");
    function weighedStyle(place, day) {  // the model's view: most probable state, opacity by its probability
        var runs = D.weighed[D.meta.indexOf(place)];
        for (var i = 0; i < runs.length; i++) {
            if (runs[i][0] <= day && day <= runs[i][1]) {
                return {fillColor: D.stateColors[runs[i][2]], fillOpacity: 0.1 + 0.7 * runs[i][3] / 10,
                        color: "#333333", weight: 1, dashArray: null, opacity: 1};
            }
        }
        return null;
    }
    // The same rules as mosulmap.style.leaflet_style.
    function style(place, day) {
        if (weighedBox && weighedBox.checked && stateAt(place, day)[2] !== D.assumedCode) {
            var w = weighedStyle(place, day);
            if (w) { return w; }
        }
        var iv = stateAt(place, day), s = D.shown[iv[2]], shape = place.shape;
        var assumed = iv[2] === D.assumedCode, age = ageOf(iv, day);
        var recent = iv[3] && (age === null || age <= D.recentDispute), changed = changedOn(place, day), weak = iv[11];
        return {fillColor: s.color, fillOpacity: assumed ? D.assumedOpacity : Math.round(shape[0] * (weak ? D.weakFactor : 1) * 1000) / 1000,
                color: iv[3] ? D.disputedEdge : (changed ? D.changedEdge : "#333333"),
                weight: recent ? 3.5 : (iv[3] || changed ? 2.5 : shape[2]),
                dashArray: assumed ? "1 4" : (iv[3] && !recent ? "6 3" : (weak ? "2 3" : shape[1])), opacity: assumed ? 0.6 : 1};
    }
    var layer = L.geoJSON(D.places, {
        style: function (f) { return style(D.meta[f.properties.i], current); },
        onEachFeature: function (f, l) {
            var place = D.meta[f.properties.i];
            mosulmapTooltip(l, function () { return place.tip + "<br>" + statusLine(place, current); });
            l.bindPopup(function () { return popup(place, current); }, mosulmapPopupOptions(map));
        }
    }).addTo(map);

    var front = mosulmapFront(map);
    var labels = mosulmapLabels(map, D.labels, D.landmarks, []);
    function frontOf(day) {
        for (var i = 0; i < D.fronts.length; i++) { if (D.fronts[i][0] <= day && day <= D.fronts[i][1]) { return D.fronts[i][2]; } }
        return null;
    }
    var slider = document.getElementById("mm-slider");
    var label = document.getElementById("mm-date");
    var counts = document.getElementById("mm-counts");
    var nopoly = document.getElementById("mm-nopoly");
    var play = document.getElementById("mm-play");
    var timer = null;
    function show(day, fromHash) {
        current = Math.max(0, Math.min(D.days.length - 1, day));
        slider.value = current;
        var first = [];
        layer.eachLayer(function (l) {
            var place = D.meta[l.feature.properties.i];
            l.setStyle(style(place, current));
            mosulmapMark(l, stateAt(place, current)[2] === D.assumedCode);
            if (changedOn(place, current) || reportedOn(place, current)) { first.push(place.id); }
        });
        labels.declutter(first);
        front.show(frontOf(current));
        if (!compareTouched) { from.value = Math.max(0, current - 1); to.value = current; compare(); }
        label.textContent = D.dayLabels[current];
        var n = D.counts[current];
        counts.innerHTML = D.shown.map(function (s, c) {
            return n[c] ? "<span class='mm-count'><i style='background:" + s.color + ";opacity:" + s.opacity + "'></i>" +
                n[c] + " " + s.label + "</span>" : "";
        }).join(" ") + " <span class='mm-basis'>of " + D.total + " neighbourhoods</span>";
        nopoly.innerHTML = D.nopoly.map(function (p) {
            return "<li>" + p.tip + ": " + statusLine(p, current) + "</li>"; }).join("");
        layer.eachLayer(function (l) { if (l.isPopupOpen()) { l.setPopupContent(popup(D.meta[l.feature.properties.i], current)); } });
        if (!fromHash && window.history && window.history.replaceState) {
            window.history.replaceState(null, "", "#" + D.days[current]);
        }
    }
    function step(direction) {
        var target = direction > 0 ? D.changes.find(function (c) { return c > current; })
                                   : D.changes.slice().reverse().find(function (c) { return c < current; });
        if (target !== undefined) { show(target); }
    }
    function toggle() {
        if (timer) { clearInterval(timer); timer = null; play.textContent = "▶ play"; return; }
        if (current >= D.days.length - 1) { show(0); }
        play.textContent = "❚❚ pause";
        timer = setInterval(function () {
            if (current >= D.days.length - 1) { toggle(); return; }
            show(current + 1);
        }, 350);
    }
    var hashNote = document.getElementById("mm-hash-note");
    function fromHash() {
        var hash = decodeURIComponent(window.location.hash.replace("#", ""));
        var i = D.days.indexOf(hash);
        hashNote.hidden = !hash || i >= 0;
        if (hash && i < 0) {
            hashNote.textContent = "“" + hash.slice(0, 40) + "” is not a day of this map (" + D.dayLabels[0] + " … " +
                D.dayLabels[D.days.length - 1] + "): showing the latest day with a report.";
        }
        if (i >= 0) { show(i, true); return true; }
        return false;
    }
    slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
    if (weighedBox) { weighedBox.addEventListener("change", function () { show(current, true); }); }
    play.addEventListener("click", toggle);
    document.getElementById("mm-prev").addEventListener("click", function () { step(-1); });
    document.getElementById("mm-next").addEventListener("click", function () { step(1); });
    document.addEventListener("keydown", function (e) {
        if (e.target === slider) { return; }  // the range input moves by a day on its own
        if (e.key === "ArrowRight") { show(current + 1); } else if (e.key === "ArrowLeft") { show(current - 1); }
        else if (e.key === " ") { e.preventDefault(); toggle(); }
        else if (e.key === "PageDown") { step(1); } else if (e.key === "PageUp") { step(-1); }
    });
    // Compare two dates: every place whose shown state differs, and how.
    var from = document.getElementById("mm-from"), to = document.getElementById("mm-to"), compareTouched = false;
    var diff = document.getElementById("mm-diff"), diffCount = document.getElementById("mm-diff-count");
    function compare() {
        var a = parseInt(from.value, 10), b = parseInt(to.value, 10), items = [];
        D.meta.concat(D.nopoly).forEach(function (p) {
            var x = stateAt(p, a), y = stateAt(p, b);
            if (x[2] !== y[2]) {
                items.push("<li>" + p.tip + ": " + D.shown[x[2]].label + " → <b>" + D.shown[y[2]].label + "</b></li>");
            }
        });
        diff.innerHTML = items.join("");
        diffCount.textContent = items.length + " places changed between " + D.dayLabels[a] + " and " + D.dayLabels[b];
    }
    from.addEventListener("change", function () { compareTouched = true; compare(); });
    to.addEventListener("change", function () { compareTouched = true; compare(); });
    window.addEventListener("hashchange", fromHash);
    if (!fromHash()) { show(D.start, true); }
    window.mosulmapSlider = {layer: layer, slider: slider, show: show, start: D.start, update: function () { show(parseInt(slider.value, 10)); },
                             days: D.days, meta: D.meta, toggle: toggle, step: step, front: front, labels: labels,
                             compare: compare};
})();
