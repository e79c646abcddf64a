#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora from the spec's vectors (spec/vectors/*.json) into
fuzz/seeds/<target>/: the valid vectors and every negative case, in the form each target reads.
Run by scripts/fuzz.sh before fuzzing, so the seeds follow the vectors."""

import base64
import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "seeds"


def vectors(name):
    return json.loads((ROOT / "spec" / "vectors" / f"{name}.json").read_text())


def b64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def dump(value):
    return json.dumps(value, sort_keys=True).encode()


def find(value, key):
    """Every value under `key`, anywhere in `value`."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k == key:
                yield v
            yield from find(v, key)
    elif isinstance(value, list):
        for v in value:
            yield from find(v, key)


def main():
    seeds = {}
    qr, rec, grants, items, log, http = (vectors(n) for n in ("qr", "recovery", "grants", "items", "log", "http_sig"))
    seeds["qr_payload"] = [s.encode() for s in find(qr, "text")] + [s.encode() for s in find(qr, "input")]
    seeds["recovery_code"] = [s.encode() for s in find(rec, "input")]
    seeds["request"] = [dump(grants["request"]["signed"])] + [dump(c["object"]) for c in grants["request_cases"]]
    seeds["grant"] = [dump(grants["grant"]["signed"])] + [dump(c["object"]) for c in grants["grant_cases"]]
    seeds["revocation"] = [dump(grants["revocation"]["signed"])] + [dump(c["object"]) for c in grants["revocation_cases"]]
    links = items["share_link"]
    seeds["share_link_url"] = [links["url"].encode()] + [u.encode() for u in find(items["negative"]["share_link_urls"], "url")]
    seeds["share_link_blob"] = [b64(links["sealed_selection"])] + [b64(b["sealed"]) for b in items["negative"]["share_link_blobs"]]
    chain = [c["signed"] for c in log["chain"]]
    seeds["log_entries"] = [dump(chain)] + [dump(chain[: i + 1]) for i in range(len(chain) - 1)]
    seeds["item_open"] = [dump(s) for s in items["batch"]["sealed"]] + [dump(items["append"]["sealed"])] + [
        dump(s) for s in find(items["negative"]["items"], "sealed")
    ]
    seeds["wrapped_scope_key"] = [dump(w["wrapped"]) for w in items["wrapped_scope_keys"]] + [
        dump(w) for w in find(items["negative"]["wrapped_scope_keys"], "wrapped")
    ]
    calls = list(http["valid"]) + [s for c in http["cases"] for s in c.get("steps", [])]
    seeds["http_sig"] = [
        (f"{c['method']}\n{c['path_and_query']}\n"
         + "".join(f"{k}: {v}\n" for k, v in c["headers"].items())
         + "\n" + c["body"]).encode()
        for c in calls if "headers" in c
    ]
    if OUT.exists():
        shutil.rmtree(OUT)
    for target, list_ in seeds.items():
        assert list_, f"no seeds for {target}"
        folder = OUT / target
        folder.mkdir(parents=True)
        for n, data in enumerate(list_):
            (folder / f"vector-{n:03}").write_bytes(data)
    print(" ".join(f"{t}={len(s)}" for t, s in seeds.items()))


main()
