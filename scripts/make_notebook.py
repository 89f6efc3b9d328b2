"""Write notebooks/explore_east_mosul.ipynb (without outputs) from the cells below.

The notebook is generated so that it stays small, reviewable and free of stored outputs; edit
the cells here and run ``python scripts/make_notebook.py``.
"""

from pathlib import Path

import nbformat as nbf

CELLS = [
    ("md", """# East Mosul, day by day

Who controlled which neighbourhood of east Mosul during the 2016–17 battle, according to the news.
This notebook uses only the `mosulmap` library (the same code as `mosulmap build`). Run all cells;
then move the date slider, type a neighbourhood name in any spelling, and read the charts.

Shapes are derived from sourced or estimated points (each map's legend says which) unless you load
real ones; a place no report names yet is shown as *assumed* IS-held (east Mosul was held by IS
from June 2014), faint and counted apart from reported states."""),
    ("code", """from datetime import date

from mosulmap.explore import Explorer

ex = Explorer.load()  # bundled curated claims + claims extracted from the bundled articles
tl = ex.timeline
print(f"{tl.start} to {tl.end}: {len(tl.days)} days, {len(tl.place_ids)} neighbourhoods, "
      f"{len(ex.inputs.claims.claims)} claims ({len(ex.inputs.claims.unresolved)} with no mappable place)")"""),
    ("md", """## The map for a day

Move the slider: the map below is updated in place. Hover a neighbourhood for its state, click it
for its claims with sources and quotes. Places with claims but no polygon are listed on the right."""),
    ("code", "ex.map_widget(date(2016, 11, 4))"),
    ("md", """## Any spelling, any script

Type a name in the box (Kokjali, Gogjali, كوكجلي, Qadsiya, Zanjili, Tisaee …) to see what the
resolver makes of it and the neighbourhood's whole control history with its claims."""),
    ("code", "ex.lookup_widget()"),
    ("code", """report = ex.lookup("Kokjili")
report"""),
    ("code", """for spelling in ["گوگجلي", "Qadsiya", "Zanjili", "Tisaee"]:
    m = ex.lookup(spelling).match
    print(f"{spelling!r:12} -> {m.status.value:12} {', '.join(m.place_ids) or '-':45} {m.reason}")"""),
    ("md", "## Government-held, contested and IS-held neighbourhoods over time"),
    ("code", "ex.status_chart();"),
    ("code", "ex.counts().loc[['2016-11-01', '2016-12-01', '2017-01-01', '2017-01-24']]"),
    ("md", """## Area held per day

The km² of drawn east bank each side held per day (sector-only markers excluded), assumed states
kept apart from reported ones."""),
    ("code", "ex.area_chart();"),
    ("md", """## The day's state as a GeoDataFrame

For geopandas users: `ex.state_frame(day)` has one row per neighbourhood (names, status, assumed or
reported, since, disputed, last report, the shape's source and confidence) in EPSG:4326, ready for
`.plot()`, `.explore()` or a join with your own layers. Here, the area each side held on 1 Jan 2017,
computed in UTM 38N (EPSG:32638), with the front line of that day."""),
    ("code", """day = ex.state_frame(date(2017, 1, 1))
drawn = day[day.geometry.notna() & (day["geometry_confidence"] != "marker")].to_crs(ex.campaign.metric_crs)
print((drawn.assign(km2=drawn.area / 1e6).groupby("shown")["km2"].sum().round(1)).to_string())
front = ex.front_line(date(2017, 1, 1)).to_crs(ex.campaign.metric_crs)
print(f"front line: {front.length.sum() / 1000:.1f} km")
ax = day.plot(column="shown", legend=True, figsize=(6, 6), missing_kwds={"color": "none"})
ex.front_line(date(2017, 1, 1)).plot(ax=ax, color="black", linewidth=2);"""),
    ("code", """history = ex.place_history("Qadsiya")
history[["place_id", "valid_from", "valid_to", "status", "assumed", "claim_ids"]].head(8)"""),
    ("md", """## Disputed days

A day is disputed for a neighbourhood when claims of that same day disagree; the map then shows it
contested, with a red edge, and keeps every claim."""),
    ("code", """disputed = ex.disputed()
print(f"{disputed['date'].nunique()} days with at least one disputed neighbourhood")
disputed.drop_duplicates(["place_id", "claim_ids"]).head(15)"""),
    ("md", """## Your own claims or polygons

One call loads them and everything above re-runs on them: `Explorer.load(claims="my_claims.csv")`,
`Explorer.load(polygons="districts.gpkg")`, or both. Claims files use the columns of
`data/claims/east_mosul_claims.csv` (see the README); polygons can be any vector format and CRS
with a name column. Here, as an example, the curated claims alone, without the extracted ones:"""),
    ("code", """mine = Explorer.load(claims=ex.campaign.claims, corpus=None)
print(len(mine.inputs.claims.claims), "claims;", len(mine.disputed()), "disputed neighbourhood-days")
mine.counts().tail(3)"""),
]


def main() -> None:
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbf.v4.new_markdown_cell(src) if kind == "md" else nbf.v4.new_code_cell(src) for kind, src in CELLS]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"  # stable ids: regenerating gives the same file
    path = Path(__file__).resolve().parents[1] / "notebooks" / "explore_east_mosul.ipynb"
    nbf.write(nb, path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
