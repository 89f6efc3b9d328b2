// Plain JavaScript (never a template): __MAP__ is replaced by the map's variable name. The data comes
// from the page's JSON block #mm-data or from the shared data file (data/timeline.js), both read
// with JSON.parse, so source text is never code. The view block #mm-view says whether the page is
// the slider or a dated map pinned to one day ({"pin": day index, "base": the output folder}).
(function () {
    var map = __MAP__;
    var block = document.getElementById("mm-data");
    var D = block ? JSON.parse(block.textContent) : window.mosulmapTimeline;
    var V = JSON.parse(document.getElementById("mm-view").textContent);
    if (!D) {
        document.querySelector(".mm-title").insertAdjacentHTML("beforeend", "<p class='mm-note'>The map's data " +
            "file (data/timeline.js) did not load: open the map from its output folder, kept whole.</p>");
        return;
    }
    var pinned = typeof V.pin === "number", base = V.base || "";  // base: the output folder, from the page
    // [id, date, precision, status, event, actor, source, quote, confidence]: ids come from data,
    // so they are keys of a Map, never of a plain object; every text is escaped here.
    var claims = new Map(D.claims.map(function (c) { return [c[0], c]; }));
    var esc = mosulmapEsc, claimRow = mosulmapClaimRow;
    D.meta.forEach(function (p, i) { p.index = i; });
    mosulmapBase(map, D);
    var current = pinned ? V.pin : D.start;

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
            "<a href='#' class='mm-all' data-src='" + esc(base + place.claimsFile) + "' data-place='" + esc(place.id) +
            "' data-day='" + D.days[day] + "'>Show all claims</a></p><div class='mm-all-claims'></div>" : "";
        return place.header + "<p>" + statusLine(place, day) + "</p>" + weighedLine(place, day) +
            (place.geom === null ? "" : D.geom[place.geom]) +
            (rows.length ? "<table class='mm-claims'>" + D.claimHead + rows.join("") + "</table>" + more
                         : "<p class='mm-none'>No report names this place yet: the state shown is the default, not a fact.</p>");
    }
    var weighedBox = document.getElementById("mm-weighed");
    function runAt(runs, day) {
        for (var i = 0; i < runs.length; i++) { if (runs[i][0] <= day && day <= runs[i][1]) { return runs[i]; } }
        return null;
    }
    function weighedStyle(place, day) {  // the model's view: most probable state, opacity by its probability
        var run = runAt(D.weighed[place.index], day);
        return run && {fillColor: D.stateColors[run[2]], fillOpacity: 0.1 + 0.7 * run[3] / 10,
                       color: "#333333", weight: 1, dashArray: null, opacity: 1};
    }
    function weighedLine(place, day) {  // a popup line: what the model makes of the reports (not for a default)
        if (place.index === undefined || stateAt(place, day)[2] === D.assumedCode) { return ""; }
        var now = runAt(D.weighed[place.index], day), all = runAt(D.weighedAll[place.index], day);
        function said(run) { return esc(D.stateLabels[run[2]]) + " " + (run[3] / 10).toFixed(1); }
        return "<p class='mm-basis'>Weighed evidence (model, not the map's rule): " + said(now) +
            " from the reports up to this day; " + said(all) + " from all reports</p>";
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
    document.getElementById("mm-unplaced").innerHTML = D.unplaced;  // escaped in Python
    // Compare two dates: every place whose shown state differs, and how.
    var from = document.getElementById("mm-from"), to = document.getElementById("mm-to"), compareTouched = false;
    var diff = document.getElementById("mm-diff"), diffCount = document.getElementById("mm-diff-count");
    var options = D.dayLabels.map(function (l, i) { return "<option value='" + i + "'>" + esc(l) + "</option>"; }).join("");
    from.innerHTML = options;
    to.innerHTML = options;
    var timer = null;
    // The title box grows with the day's counts: the scale bar and the room for popups are measured
    // again once it is filled (before a popup opens: a second pan while one is under way stops it).
    function fitBoxes() {
        mosulmapPlaceScale(map);
        var o = mosulmapPopupOptions(map);
        layer.eachLayer(function (l) { L.setOptions(l.getPopup(), o); });
    }
    map.on("resize", fitBoxes);
    function show(day, fromHash) {
        current = Math.max(0, Math.min(D.days.length - 1, day));
        if (slider) { slider.value = current; }
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
        if (label) { label.textContent = D.dayLabels[current]; }
        var n = D.counts[current];
        counts.innerHTML = D.shown.map(function (s, c) {
            return n[c] ? "<span class='mm-count'><i style='background:" + s.color + ";opacity:" + s.opacity + "'></i>" +
                n[c] + " " + s.label + "</span>" : "";
        }).join(" ") + " <span class='mm-basis'>of " + D.total + " neighbourhoods</span>";
        nopoly.innerHTML = D.nopoly.map(function (p) {
            return "<li>" + p.tip + ": " + statusLine(p, current) + "</li>"; }).join("");
        fitBoxes();
        layer.eachLayer(function (l) { if (l.isPopupOpen()) { l.setPopupContent(popup(D.meta[l.feature.properties.i], current)); } });
        if (!pinned && !fromHash && window.history && window.history.replaceState) {
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
    if (weighedBox) { weighedBox.addEventListener("change", function () { show(current, true); }); }
    if (pinned) {  // a dated map: one day, no slider
        show(current, true);
    } else {
        slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
        play.addEventListener("click", toggle);
        document.getElementById("mm-prev").addEventListener("click", function () { step(-1); });
        document.getElementById("mm-next").addEventListener("click", function () { step(1); });
        document.addEventListener("keydown", function (e) {
            if (e.target === slider) { return; }  // the range input moves by a day on its own
            if (e.key === "ArrowRight") { show(current + 1); } else if (e.key === "ArrowLeft") { show(current - 1); }
            else if (e.key === " ") { e.preventDefault(); toggle(); }
            else if (e.key === "PageDown") { step(1); } else if (e.key === "PageUp") { step(-1); }
        });
        window.addEventListener("hashchange", fromHash);
        if (!fromHash()) { show(D.start, true); }
    }
    mosulmapFit(map, D, layer.getBounds());  // again, now that the title box holds the day's counts
    window.mosulmapSlider = {layer: layer, slider: slider, show: show, start: D.start, update: function () { show(current, true); },
                             days: D.days, meta: D.meta, toggle: toggle, step: step, front: front, labels: labels,
                             compare: compare, pinned: pinned, current: function () { return current; }};
})();
