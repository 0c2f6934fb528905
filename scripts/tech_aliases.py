#!/usr/bin/env python3
"""Derive data/taxonomy/sources/tech_aliases.tsv from the technology lists in
$MM_SHARED_DIR/data/tech (see its SOURCE.md for origins and licences).

One row per technology name: `name<TAB>aliases (|-separated)<TAB>new<TAB>sources`.
`new` is 1 for a developer tool that `mm taxonomy build` may add as a concept
of its own when O*NET does not name it (devicon tools that simple-icons or
GitHub topics give a display name, plus a few data tools named only by
simple-icons); 0 for rows that only lend aliases to a technology O*NET or ESCO
already names (Linguist programming languages, other GitHub topics).

Usage: MM_SHARED_DIR=/work/shared python3 scripts/tech_aliases.py
"""
import csv, json, os, re, sys

shared = os.environ.get("MM_SHARED_DIR")
if not shared:
    sys.exit("set MM_SHARED_DIR to the folder holding data/tech")
d = os.path.join(shared, "data", "tech")
out = os.path.join(os.path.dirname(__file__), "..", "data", "taxonomy", "sources", "tech_aliases.tsv")

compact = lambda x: re.sub(r"[^a-z0-9+#]", "", x.lower())
rows = {}  # compact name -> [name, aliases(list), new, sources(set)]


def add(name, aliases, new, source):
    name = name.strip()
    if not name:
        return
    k = compact(name)
    if not k:
        return
    r = rows.setdefault(k, [name, [], 0, set()])
    for a in aliases:
        a = a.strip()
        if a and a.lower() != name.lower() and a not in r[1]:
            r[1].append(a)
    r[2] = max(r[2], new)
    r[3].add(source)


icons = json.load(open(os.path.join(d, "simple-icons.json")))
icons = icons if isinstance(icons, list) else icons["icons"]
si = {compact(x["title"]): x for x in icons}
topics = list(csv.DictReader(open(os.path.join(d, "github_explore_topics.tsv")), delimiter="\t"))
tp = {compact(t["topic"]): t for t in topics}
devicon = json.load(open(os.path.join(d, "devicon.json")))
dv = {x["name"]: x for x in devicon}

# Linguist: programming languages and their aliases (golang, cpp, js).
name = None
kind = None
aliases = []
in_aliases = False


def flush():
    if name and kind == "programming":
        add(name, aliases, 0, "linguist")


for line in open(os.path.join(d, "linguist_languages.yml")):
    if line.startswith("#") or line.startswith("---"):
        continue
    if line and not line[0].isspace() and line.rstrip().endswith(":"):
        flush()
        name, kind, aliases, in_aliases = line.rstrip()[:-1].strip('"'), None, [], False
        continue
    s = line.strip()
    if s.startswith("type:"):
        kind = s.split(":", 1)[1].strip()
        in_aliases = False
    elif s == "aliases:":
        in_aliases = True
    elif in_aliases and s.startswith("- "):
        aliases.append(s[2:].strip().strip('"'))
    elif not s.startswith("- "):
        in_aliases = False
flush()

# GitHub topics: display name + aliases; a developer tool when devicon has it.
for t in topics:
    al = [a for a in t["aliases"].split(",") if a.strip()]
    al.append(t["topic"])
    add(t["display_name"], al, 1 if compact(t["topic"]) in dv else 0, "github/explore")

# devicon: tools with alternative names, displayed by simple-icons or topics.
for x in devicon:
    disp = (si.get(x["name"]) or {}).get("title") or (tp.get(x["name"]) or {}).get("display_name")
    if not disp:
        continue
    add(disp, list(x.get("altnames") or []) + [x["name"]], 1, "devicon")

# Data tools named only by simple-icons (not in devicon or GitHub topics).
for t in ["Snowflake", "Databricks", "Looker", "Apache Airflow", "Apache Superset", "Metabase", "Power Automate"]:
    x = si.get(compact(t))
    if x:
        add(x["title"], (x.get("aliases") or {}).get("aka", []), 1, "simple-icons")

with open(out, "w", newline="") as f:
    f.write("# Technology names and aliases, derived by scripts/tech_aliases.py from\n")
    f.write("# GitHub explore topics (CC BY 4.0), GitHub Linguist (MIT), devicon (MIT) and\n")
    f.write("# simple-icons (CC0); see data/taxonomy/ATTRIBUTION.md.\n")
    f.write("name\taliases\tnew\tsources\n")
    for k in sorted(rows):
        n, al, new, src = rows[k]
        al = [a.replace("\t", " ").replace("|", " ") for a in al]
        f.write(f"{n}\t{'|'.join(al)}\t{new}\t{','.join(sorted(src))}\n")
print(f"{len(rows)} rows, {sum(1 for r in rows.values() if r[2])} new-tool candidates -> {out}")
