// Shared by the dated map and the slider map: orientation layers, labels and the front line.
var MM_HOVER = !!(window.matchMedia && window.matchMedia("(hover: hover)").matches);  // a phone has no hover
function mosulmapBase(map, D) {
    if (D.hatch && !document.getElementById("mm-hatch")) {  // assumed ground: the default's colour, hatched
        var c = String(D.hatch).replace(/[^#0-9a-fA-F]/g, "");
        document.body.insertAdjacentHTML("beforeend", '<svg width="0" height="0" style="position:absolute" aria-hidden="true">' +
            '<defs><pattern id="mm-hatch" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
            '<rect width="7" height="7" fill="' + c + '" fill-opacity="' + D.assumedOpacity + '"/>' +
            '<rect width="2.2" height="7" fill="' + c + '" fill-opacity="0.75"/></pattern></defs></svg>');
    }
    // Folded boxes on a phone open and close with a tap, and say what they hide.
    Array.prototype.forEach.call(document.querySelectorAll(".mm-legend, .mm-panel"), function (box) {
        box.addEventListener("click", function (e) {
            if (map.getSize().x >= 600 || (e.target.closest && e.target.closest("select, a, button, input"))) { return; }
            box.classList.toggle("mm-open");
        });
    });
    map.on("popupopen", function () { map.eachLayer(function (l) { if (l.closeTooltip) { l.closeTooltip(); } }); });
    if (D.west && D.west.features.length) {
        L.geoJSON(D.west, {interactive: false,
            style: {color: "#c9c6bd", weight: 1, fillColor: "#ebe9e3", fillOpacity: 1}}).addTo(map);
    }
    L.geoJSON(D.extent, {interactive: false,
        style: {color: "#9e9e9e", weight: 1, fillColor: "#f7f5ef", fillOpacity: 1}}).addTo(map);
    L.geoJSON(D.river, {interactive: false, style: {color: "#5b9bd5", weight: 5, opacity: 0.9}}).addTo(map);
    if (D.riverLabel) {
        L.marker(D.riverLabel, {interactive: false, icon: L.divIcon({className: "mm-river", html: D.riverName, iconSize: null})}).addTo(map);
    }
    if (D.westLabel) {
        L.marker(D.westLabel, {interactive: false, icon: L.divIcon({className: "mm-west", html: D.westName, iconSize: null})}).addTo(map);
    }
    mosulmapFit(map, D);
}

// The extent (and the drawn places, ``drawn``) fill the room the boxes leave: on a phone, between the title box (as tall as the
// day's counts make it) and the folded legend and panel. At once, not animated from the page's
// first view: a popup opened meanwhile would pan amiss.
function mosulmapFit(map, D, drawn) {
    var narrow = map.getSize().x < 600, top = 110, bottom = 150;
    if (narrow) {
        var box = map.getContainer().getBoundingClientRect(), title = document.querySelector(".mm-title");
        if (title) { top = Math.max(top, title.getBoundingClientRect().bottom - box.top + 8); }
        document.querySelectorAll(".mm-legend, .mm-panel").forEach(function (el) {
            var r = el.getBoundingClientRect();
            if (r.height && r.top > box.top + box.height / 2) { bottom = Math.max(bottom, box.bottom - r.top + 8); }
        });
    }
    var bounds = L.geoJSON(D.extent).getBounds();
    if (drawn && drawn.isValid()) { bounds.extend(drawn); }  // cells may reach past the extent's edge
    map.fitBounds(bounds, narrow ? {paddingTopLeft: [16, top], paddingBottomRight: [16, bottom], animate: false}
                                                          : {paddingTopLeft: [20, 80], paddingBottomRight: [290, 40], animate: false});
}

// Popups fit the screen: on a phone they take its width and open below the title box.
function mosulmapPopupOptions(map) {
    var w = map.getSize().x, narrow = w < 600;
    // On a phone the title box spans the top with the scale bar under it, and the folded legend and
    // panel sit at the bottom: a popup opens between them.
    var box = map.getContainer().getBoundingClientRect(), top = 110, bottom = 40;
    var title = document.querySelector(".mm-title");
    // on a desktop the title box spans the top too, as tall as the day's counts make it
    var wide = title ? Math.max(90, Math.ceil(title.getBoundingClientRect().bottom - box.top) + 12) : 90;
    if (narrow) {
        if (title) { top = Math.max(top, title.getBoundingClientRect().bottom - box.top + 60); }
        document.querySelectorAll(".mm-legend, .mm-panel").forEach(function (el) {
            var r = el.getBoundingClientRect();
            if (r.height && r.top > box.top + box.height / 2) { bottom = Math.max(bottom, box.bottom - r.top + 10); }
        });
    }
    // the popup's content scrolls within the room left between them (its header and tip take ~60 px)
    var room = Math.max(120, Math.min(300, box.height - top - bottom - 60));
    return {maxWidth: narrow ? w - 80 : 460, minWidth: narrow ? Math.min(240, w - 80) : 50, maxHeight: narrow ? room : 380,
            autoPanPaddingTopLeft: narrow ? [10, top] : [60, wide], autoPanPaddingBottomRight: narrow ? [10, bottom] : [300, 40]};
}
// On a phone the scale bar sits under the title box, however tall the day's counts made it.
function mosulmapPlaceScale(map) {
    var corner = map.getContainer().querySelector(".leaflet-bottom.leaflet-left"),
        title = document.querySelector(".mm-title");
    if (!corner || !title || map.getSize().x >= 600) { return; }
    var top = title.getBoundingClientRect().bottom - map.getContainer().getBoundingClientRect().top + 6;
    corner.style.top = Math.max(120, Math.round(top)) + "px";
}
// Tooltips only where there is a pointer that hovers; a tap opens the popup alone.
function mosulmapTooltip(layer, content) {
    if (MM_HOVER) { layer.bindTooltip(content, {sticky: true, className: "mm-tip"}); }
}
// Assumed ground is hatched (CSS fill: url(#mm-hatch)): its class follows the day's state.
function mosulmapMark(layer, assumed) {
    var el = layer.getElement && layer.getElement();
    if (el) { el.classList.toggle("mm-assumed", !!assumed); }
}

// Places and landmarks labelled at their representative points. Labels that would overlap a
// label already shown are hidden, and shown again when zooming in frees room: the places that
// changed or that a claim names that day first, then larger places before smaller ones.
function mosulmapLabels(map, labels, landmarks, priority) {
    var first = new Set(priority || []);
    var markers = labels.map(function (l) {
        var m = L.marker([l[0], l[1]], {interactive: false, keyboard: false,
            icon: L.divIcon({className: "mm-label", html: l[2], iconSize: null})}).addTo(map);
        m.placeId = l[3];
        return m;
    });
    (landmarks.features || []).forEach(function (f) {
        var c = f.geometry.coordinates, kind = f.properties.kind;
        L.circleMarker([c[1], c[0]], {radius: kind === "bridge" ? 4 : 3, color: "#444", weight: 1,
            fillColor: kind === "bridge" ? "#5b9bd5" : "#ffffff", fillOpacity: 1, interactive: false}).addTo(map);
        markers.push(L.marker([c[1], c[0]], {interactive: false, keyboard: false,
            icon: L.divIcon({className: "mm-label mm-landmark", html: f.properties.label, iconSize: null})}).addTo(map));
    });
    function declutter(newPriority) {
        if (newPriority) { first = new Set(newPriority); }
        var shown = [];
        var ordered = markers.filter(function (m) { return first.has(m.placeId); })
            .concat(markers.filter(function (m) { return !first.has(m.placeId); }));
        ordered.forEach(function (m) {
            var el = m.getElement();
            if (el) { el.classList.toggle("mm-first", first.has(m.placeId)); }
        });
        ordered.forEach(function (m) {
            var el = m.getElement();
            if (!el) { return; }
            el.style.visibility = "visible";
            var b = el.getBoundingClientRect(), pad = first.has(m.placeId) ? 3 : 0;  // the day's places squeeze in
            var r = {left: b.left + pad, right: b.right - pad, top: b.top + pad, bottom: b.bottom - pad};
            var hit = shown.some(function (s) { return r.left < s.right && r.right > s.left && r.top < s.bottom && r.bottom > s.top; });
            if (hit) { el.style.visibility = "hidden"; } else { shown.push(r); }
        });
    }
    map.on("zoomend moveend", function () { declutter(); });
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

// The full claim list of a place, loaded on demand from claims/PLACE.js (an index of chunks)
// and claims/PLACE.N.js (the rows of chunk N, in date order): scripts, so that it works from a
// folder opened without a server. The list is shown a page at a time, newest first, and only
// the chunks a reader pages into are loaded, so a place with 200,000 claims opens at once.
var MM_PAGE = 100;
function mosulmapEsc(s) {
    return String(s).replace(/[&<>"']/g, function (ch) {
        return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}[ch]; });
}
function mosulmapBdi(s) { return "<bdi>" + mosulmapEsc(s) + "</bdi>"; }
// A compact claim [id, date, precision, status, event, actor, source, quote, confidence] as a table row,
// every source text escaped (claim_lists.compact_claim writes them).
function mosulmapClaimRow(c, current) {
    var esc = mosulmapEsc, bdi = mosulmapBdi;
    var confidence = (c[8] === "low" || c[8] === "medium") ? " <span class='mm-low'>" + esc(c[8]) + " confidence</span>" : "";
    return "<tr" + (current ? " class='mm-current'" : "") + "><td>" + esc(c[1]) + "<br><small>" + esc(c[2]) +
        "</small></td><td>" + esc(c[3]) + "<br><small>" + esc(c[4]) + "</small></td><td>" + bdi(c[5]) +
        "</td><td>" + bdi(c[6]) + (c[7] ? "<br><q>" + bdi(c[7]) + "</q>" : "") + " <small>[" + bdi(c[0]) +
        "]</small>" + confidence + "</td></tr>";
}
var mosulmapClaimIndexes = new Map(), mosulmapChunks = new Map(), mosulmapWaiting = new Map();
function mosulmapLoad(key, src, done) {
    if (mosulmapWaiting.has(key)) { mosulmapWaiting.get(key).push(done); return; }
    mosulmapWaiting.set(key, [done]);
    var script = document.createElement("script");
    script.src = src;
    document.head.appendChild(script);
}
function mosulmapArrived(key) {
    (mosulmapWaiting.get(key) || []).forEach(function (f) { f(); });
    mosulmapWaiting.delete(key);
}
function mosulmapClaimIndex(placeId, head, chunks) {
    mosulmapClaimIndexes.set(placeId, {head: head, chunks: chunks});
    mosulmapArrived(placeId);
}
function mosulmapClaimChunk(placeId, k, chunk) {
    // rows [id, date, precision, status, event, actor, source, confidence (as indices into chunk.strings), quote]
    // back to compact claims [id, date, precision, status, event, actor, source, quote, confidence]
    var t = chunk.strings;
    var rows = chunk.rows.map(function (r) { return [r[0], t[r[1]], t[r[2]], t[r[3]], t[r[4]], t[r[5]], t[r[6]], r[8], t[r[7]]]; });
    mosulmapChunks.set(placeId + "\u0000" + k, rows);
    mosulmapArrived(placeId + "\u0000" + k);
}
function mosulmapPager(link, box) {
    var place = link.getAttribute("data-place"), day = link.getAttribute("data-day");
    var src = link.getAttribute("data-src"), base = src.replace(/\.js$/, "");
    var index, total = 0, chunk = -1, row = -1, shown = 0, table, note, more;
    function chunkRows(k, done) {
        var key = place + "\u0000" + k;
        if (mosulmapChunks.has(key)) { done(mosulmapChunks.get(key)); return; }
        mosulmapLoad(key, base + "." + k + ".js", function () { done(mosulmapChunks.get(key)); });
    }
    function upTo(rows) {  // rows dated on or before the day: a binary search, rows are in date order
        var lo = 0, hi = rows.length;
        while (lo < hi) { var mid = (lo + hi) >> 1; if (rows[mid][1] <= day) { lo = mid + 1; } else { hi = mid; } }
        return lo;
    }
    function page() {
        var added = [];
        function step() {
            while (added.length < MM_PAGE && chunk >= 0) {
                var rows = mosulmapChunks.get(place + "\u0000" + chunk);
                if (!rows) { chunkRows(chunk, function () { step(); }); return; }
                if (row < 0) { row = chunk === lastChunk ? upTo(rows) - 1 : rows.length - 1; }
                while (row >= 0 && added.length < MM_PAGE) { added.push(mosulmapClaimRow(rows[row], false)); row -= 1; }
                if (row < 0) { chunk -= 1; }
            }
            table.querySelector("tbody").insertAdjacentHTML("beforeend", added.join(""));
            shown += added.length;
            note.textContent = total + " claims up to this day; the latest " + shown + " shown, newest first.";
            more.style.display = shown < total ? "" : "none";
        }
        step();
    }
    var lastChunk = -1;
    function start() {
        index = mosulmapClaimIndexes.get(place);
        index.chunks.forEach(function (c, k) { if (c[0] <= day) { lastChunk = k; } });
        chunk = lastChunk;
        box.innerHTML = "<table class='mm-claims'><thead>" + index.head + "</thead><tbody></tbody></table>" +
            "<p class='mm-basis'><a href='#' class='mm-more'>Show " + MM_PAGE + " older claims</a></p>";
        table = box.querySelector("table");
        more = box.querySelector("a.mm-more").parentNode;
        note = link.parentNode;
        box.querySelector("a.mm-more").addEventListener("click", function (e) { e.preventDefault(); page(); });
        if (lastChunk < 0) { total = 0; page(); return; }
        chunkRows(lastChunk, function (rows) {
            total = upTo(rows);
            for (var k = 0; k < lastChunk; k++) { total += index.chunks[k][2]; }
            page();
        });
    }
    if (mosulmapClaimIndexes.has(place)) { start(); } else { mosulmapLoad(place, src, start); }
}
document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a.mm-all");
    if (!link) { return; }
    e.preventDefault();
    mosulmapPager(link, link.parentNode.nextElementSibling);
});
