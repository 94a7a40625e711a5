#!/usr/bin/env python3
"""Writes the synthetic fixture CSVs in fixture/ (deterministic).

The numbers are made up; they only need the shapes and ranges that a
negsim batch writes. Run from figures/testdata: python3 gen_fixtures.py
"""
import json, math, random

random.seed(7)
OUT = "fixture/"
OUTCOMES = ["ceasefire", "settlement", "escalation", "kosovo-recognition"]


def wilson(s, n, z=1.959963984540054):
    p = s / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return p, max(0.0, c - h), min(1.0, c + h)


def f(v):
    return "%.6f" % v


def write(name, header, rows):
    with open(OUT + name, "w") as fh:
        fh.write(",".join(header) + "\n")
        for r in rows:
            fh.write(",".join(str(x) for x in r) + "\n")


def est(prob, n):
    s = sum(1 for _ in range(n) if random.random() < prob) if n <= 2000 else int(round(prob * n + random.gauss(0, math.sqrt(n * prob * (1 - prob) + 1e-9))))
    s = min(max(s, 0), n)
    return (s, n) + wilson(s, n)


BASE = {"ceasefire": 0.46, "settlement": 0.18, "escalation": 0.09, "kosovo-recognition": 0.04}

# summary.csv: 4 variants (grouped bars)
hdr = "variant,outcome,successes,n,p,ci_low,ci_high,mean_round,median_round".split(",")
variants = ["baseline", "full-plan", "no-sanctions", "eu-track"]
rows = []
for i, v in enumerate(variants):
    for o in OUTCOMES:
        s, n, p, lo, hi = est(min(0.95, BASE[o] * (1 + 0.35 * i) if o != "escalation" else BASE[o] * (1.4 - 0.3 * i)), 2000)
        mean = "" if s == 0 else "%.2f" % random.uniform(8, 30)
        med = "" if s == 0 else "%d" % int(random.uniform(8, 30))
        rows.append([v, o, s, n, f(p), f(lo), f(hi), mean, med])
rows.append(["baseline", "never-happens", 0, 2000, f(0), f(0), f(wilson(0, 2000)[2]), "", ""])
write("summary.csv", hdr, rows)

# summary_many.csv: 17 policies x 2 readings
policies = ["baseline", "full-plan", "no-sanctions", "eu-track", "us-guarantee", "frozen-line",
            "dmz-20km", "peacekeepers", "sanctions-relief", "grain-corridor", "china-mediates",
            "kosovo-first", "serbia-eu", "referendum", "phased-withdrawal", "nato-pause", "status-quo"]
rows = []
for i, pol in enumerate(policies):
    for reading in ["", "+sceptic"]:
        v = pol + reading
        for o in OUTCOMES:
            base = BASE[o] * (0.5 + random.random()) * (0.8 if reading else 1.0)
            s, n, p, lo, hi = est(min(base, 0.95), 2000)
            rows.append([v, o, s, n, f(p), f(lo), f(hi), "%.2f" % random.uniform(8, 30), "%d" % random.randint(8, 30)])
write("summary_many.csv", hdr, rows)

# byround.csv: 2 variants, rounds 0..36, cumulative
hdr = "variant,outcome,round,successes,n,p,ci_low,ci_high".split(",")
rows = []
for v, scale in [("baseline", 1.0), ("full-plan", 1.3)]:
    for o in OUTCOMES:
        final = min(0.95, BASE[o] * scale)
        rate = random.uniform(0.06, 0.15)
        for r in range(0, 37):
            prob = final * (1 - math.exp(-rate * r))
            s = int(round(prob * 5000))
            rows.append([v, o, r, s, 5000] + [f(x) for x in wilson(s, 5000)])
write("byround.csv", hdr, rows)

# sweep.csv: one lever
hdr = "variant,lever,x,outcome,successes,n,p,ci_low,ci_high".split(",")
rows = []
for k in range(11):
    x = k / 10
    for o in OUTCOMES:
        if o == "escalation":
            prob = 0.2 * (1 - x) + 0.03
        elif o == "ceasefire":
            prob = 0.25 + 0.5 / (1 + math.exp(-8 * (x - 0.5)))
        else:
            prob = BASE[o] * (0.6 + 0.8 * x)
        s, n, p, lo, hi = est(prob, 1000)
        rows.append(["baseline", "us_aid_level", "%.1f" % x, o, s, n, f(p), f(lo), f(hi)])
write("sweep.csv", hdr, rows)

# heatmap.csv: 6 x 5 grid
hdr = "variant,lever_x,x,lever_y,y,outcome,successes,n,p,ci_low,ci_high".split(",")
rows = []
for xi in range(6):
    x = xi * 0.2
    for yi in range(5):
        y = yi * 0.25
        for o in ["escalation", "ceasefire"]:
            if o == "ceasefire":
                prob = 0.1 + 0.6 * x * (0.4 + 0.6 * y)
            else:
                prob = 0.25 * (1 - x) * (1 - 0.5 * y)
            s, n, p, lo, hi = est(prob, 1000)
            rows.append(["baseline", "sanctions_pressure", "%.1f" % x, "eu_accession_offer", "%.2f" % y, o, s, n, f(p), f(lo), f(hi)])
write("heatmap.csv", hdr, rows)

# sensitivity.csv: 20 parameters
hdr = "parameter,outcome,low,high,p_low,ci_low_low,ci_low_high,p_high,ci_high_low,ci_high_high,p_base".split(",")
params = ["washington.resolve", "moscow.resolve", "kyiv.resolve", "belgrade.flexibility",
          "pristina.flexibility", "beijing.mediation", "nato.cohesion", "eu.cohesion",
          "sanctions.elasticity", "front.attrition_rate", "energy.price_shock", "spain.veto",
          "greece.veto", "slovakia.veto", "romania.veto", "discount_factor", "info.noise",
          "election.us_month", "reputation.weight", "fatigue.rate"]
rows = []
for o, base in [("ceasefire", 0.46), ("escalation", 0.09)]:
    for i, prm in enumerate(params):
        eff = random.uniform(0.0, 0.25) * (1 if i % 3 else 0.4)
        sign = 1 if random.random() < 0.6 else -1
        pl = min(max(base - sign * eff * random.uniform(0.3, 1.0), 0.01), 0.95)
        ph = min(max(base + sign * eff, 0.01), 0.95)
        a = est(pl, 2000)
        b = est(ph, 2000)
        rows.append([prm, o, "%.2f" % random.uniform(0, 0.4), "%.2f" % random.uniform(0.6, 1.0),
                     f(a[2]), f(a[3]), f(a[4]), f(b[2]), f(b[3]), f(b[4]), f(base)])
write("sensitivity.csv", hdr, rows)

# convergence.csv
hdr = "variant,outcome,n,successes,p,ci_low,ci_high".split(",")
rows = []
for o in OUTCOMES:
    s_acc = 0
    for n in [50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000]:
        s, n2, p, lo, hi = est(BASE[o], n)
        rows.append(["baseline", o, n, s, f(p), f(lo), f(hi)])
write("convergence.csv", hdr, rows)

# difference.csv
hdr = "variant_a,variant_b,outcome,p_a,p_b,diff,ci_low,ci_high,design".split(",")
rows = []
for a, b in [("full-plan", "baseline"), ("eu-track", "baseline")]:
    for o in OUTCOMES:
        pa = min(0.95, BASE[o] * random.uniform(0.7, 1.5))
        pb = BASE[o]
        d = pa - pb
        se = math.sqrt(pa * (1 - pa) / 2000 + pb * (1 - pb) / 2000)
        design = "paired" if a == "eu-track" else "independent"
        rows.append([a, b, o, f(pa), f(pb), f(d), f(d - 1.96 * se), f(d + 1.96 * se), design])
write("difference.csv", hdr, rows)

# verification.csv
hdr = "game,param,x,engine,closed_form,abs_error".split(",")
rows = []
for k in range(11):
    x = k / 10
    cf = 0.5 * x
    e = cf + random.gauss(0, 0.006)
    rows.append(["rubinstein-share", "discount_factor", "%.1f" % x, f(e), f(cf), f(abs(e - cf))])
for k in range(1, 11):
    x = k / 10
    cf = 1 - (1 - x) ** 3
    e = cf + random.gauss(0, 0.008)
    rows.append(["war-of-attrition", "hazard_rate", "%.1f" % x, f(e), f(cf), f(abs(e - cf))])
for k in range(0, 9):
    x = k
    cf = 1 / (1 + x)
    e = cf + random.gauss(0, 0.005)
    rows.append(["nash-bargaining", "outside_option", "%d" % x, f(e), f(cf), f(abs(e - cf))])
write("verification.csv", hdr, rows)

with open(OUT + "manifest.json", "w") as fh:
    json.dump({"name": "fixture", "seed": 1, "n": 2000,
               "scenario_sha256": "3f2a9c1b7d04e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0",
               "created": "2026-01-01T00:00:00Z"}, fh, indent=2)
    fh.write("\n")
