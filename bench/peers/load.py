"""Load LL2 docking events (gen_ll2.py file, pages dir, or any LL2 page) into the normalized ll2 schema.

  load.py DSN FILE_OR_DIR

Copied from /work/shared/peers/postgraphile/load.py; the only change: it loads through asyncpg (the
gateway's driver, already installed) instead of psycopg, as CSV COPY, so the bench needs no new package.

Every nested object becomes one row of its table (first occurrence wins; ids are shared). Table
columns are the JSON keys in JSON order, nested objects replaced by their id, `response_mode`
constants and lists dropped (lists: image.variants -> image_variant, config.family -> link table).
"""
import asyncio, io, os, sys, time

import asyncpg

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gen_ll2 import read_events  # noqa: E402

REFS = {  # table: {json key of a nested object: table it goes to}
    "image": {"license": "image_license"}, "agency": {"type": "agency_type"},
    "celestial_body": {"type": "celestial_body_type", "image": "image"},
    "location": {"country": "country", "image": "image"},
    "landing_location": {"location": "location", "image": "image", "celestial_body": "celestial_body"},
    "landing": {"landing_location": "landing_location", "type": "landing_type"},
    "space_station": {"image": "image"},
    "spacecraft_config": {"type": "spacecraft_config_type", "agency": "agency", "image": "image"},
    "spacecraft_config_family": {"manufacturer": "agency", "parent": "spacecraft_config_family"},
    "spacecraft": {"image": "image", "status": "spacecraft_status", "spacecraft_config": "spacecraft_config"},
    "spacecraft_flight": {"spacecraft": "spacecraft", "launch": "launch", "landing": "landing"},
    "payload": {"type": "payload_type", "manufacturer": "agency", "operator": "agency", "image": "image"},
    "payload_flight": {"payload": "payload", "launch": "launch", "landing": "landing"},
    "docking_location": {"spacestation": "space_station", "spacecraft": "spacecraft_config", "payload": "payload"},
    "docking_event": {"docking_location": "docking_location", "space_station_target": "space_station",
                      "flight_vehicle_target": "spacecraft_flight", "payload_flight_target": "payload_flight",
                      "flight_vehicle_chaser": "spacecraft_flight", "space_station_chaser": "space_station",
                      "payload_flight_chaser": "payload_flight"}}
ORDER = ["image_license", "image", "image_variant_type", "image_variant", "agency_type", "agency", "country", "celestial_body_type",
         "celestial_body", "location", "landing_location", "landing_type", "landing", "launch", "space_station",
         "spacecraft_config_type", "spacecraft_config", "spacecraft_config_family", "spacecraft_config_family_link",
         "spacecraft_status", "spacecraft", "spacecraft_flight", "payload_type", "payload", "payload_flight",
         "docking_location", "docking_event"]
R = {t: {} for t in ORDER}      # table -> id -> row
PARTIAL = set()                 # (table, id) seen only as a mini object (family.parent); a full one replaces it


def put(table, o, ncols):
    if o is None:
        return None
    key = (table, o["id"])
    if o["id"] in R[table] and key not in PARTIAL:
        return o["id"]
    refs = REFS.get(table, {})
    row = [put(refs[k], v, ncols) if k in refs else v for k, v in o.items() if k != "response_mode" and not isinstance(v, list)]
    if len(row) < ncols[table]:
        PARTIAL.add(key)
        row += [None] * (ncols[table] - len(row))
    else:
        PARTIAL.discard(key)
    R[table][o["id"]] = tuple(row)
    for v in o.get("variants", []):
        R["image_variant"][v["id"]] = (v["id"], o["id"], put("image_variant_type", v["type"], ncols), v["image_url"])
    for pos, f in enumerate(o.get("family") or []):
        R["spacecraft_config_family_link"][(o["id"], f["id"])] = (o["id"], put("spacecraft_config_family", f, ncols), pos)
    return o["id"]


def _csv(rows):
    """COPY ... CSV text: None is an unquoted empty field (NULL), every other value is quoted."""
    buffer = io.StringIO()
    out = []
    for row in rows:
        out.append(",".join("" if v is None else '"' + str(v).replace('"', '""') + '"' for v in row))
    buffer.write("\n".join(out) + ("\n" if out else ""))
    return io.BytesIO(buffer.getvalue().encode())


async def load(dsn, path):
    t0 = time.time()
    conn = await asyncpg.connect(dsn)
    try:
        ncols = dict(await conn.fetch("SELECT table_name, count(*) FROM information_schema.columns "
                                      "WHERE table_schema = 'll2' GROUP BY 1"))
        n = sum(1 for e in read_events(path) if put("docking_event", e, ncols))
        t1 = time.time()
        for t in ORDER:
            await conn.copy_to_table(t, schema_name="ll2", source=_csv(R[t].values()), format="csv")
    finally:
        await conn.close()
    print(f"loaded {n} events: " + ", ".join(f"{t} {len(R[t])}" for t in ORDER if t != "docking_event")
          + f"  (parse {t1 - t0:.1f}s, copy {time.time() - t1:.1f}s)")


def main(dsn, path):
    asyncio.run(load(dsn, path))


if __name__ == "__main__":
    main(*sys.argv[1:3])
