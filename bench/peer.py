"""The synthetic benchmark scenario of sim/bench_test.go, written plainly in
Python as a modeller would, to compare negsim's cost per replicate with a
straightforward interpreted implementation.

One mediated table: a mediator with ideal 50 on every issue concedes along
F(t) = t^(1/e) towards the signatories' power- and salience-weighted ideal;
n signatories with uniform ideals and saliences, reservations that no package
meets (so every round runs), logit acceptance with noise 0.01-0.05; k issues;
H rounds. It is the same algorithm as negsim's, not the same random numbers.

    python3 bench/peer.py [N] [actors] [issues] [rounds]
"""
import math
import random
import sys
import time


def replicate(rng, n, k, h):
    e_med = rng.uniform(0.5, 2)
    sal_med = [rng.uniform(0.2, 1) for _ in range(k)]
    actors = []
    for _ in range(n):
        actors.append({
            "power": rng.uniform(0.5, 2),
            "ideal": [rng.uniform(0, 100) for _ in range(k)],
            "sal": [rng.uniform(0.2, 1) for _ in range(k)],
            "r0": rng.uniform(1.5, 2), "r1": rng.uniform(1.2, 1.5),
            "e": rng.uniform(0.5, 2), "noise": rng.uniform(0.01, 0.05),
        })
    del sal_med
    for r in range(h):
        t = r / h
        conceded = t ** (1 / e_med)
        offer = []
        for j in range(k):
            num = sum(a["power"] * a["sal"][j] * a["ideal"][j] for a in actors)
            den = sum(a["power"] * a["sal"][j] for a in actors)
            target = num / den
            offer.append(50 + conceded * (target - 50))
        accepted = True
        for a in actors:
            u = sum(s * (1 - abs(x - i) / 100) for s, x, i in zip(a["sal"], offer, a["ideal"])) / sum(a["sal"])
            f = t ** (1 / a["e"])
            res = a["r1"] + (a["r0"] - a["r1"]) * (1 - f)
            p = 1 / (1 + math.exp(-(u - res) / a["noise"]))
            if not rng.random() < p:
                accepted = False
        if accepted:
            return r
    return -1


def main():
    n_rep = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    n, k, h = (int(x) for x in (sys.argv[2:5] if len(sys.argv) > 4 else (4, 4, 36)))
    rng = random.Random(1)
    start = time.perf_counter()
    deals = sum(replicate(rng, n, k, h) >= 0 for _ in range(n_rep))
    el = time.perf_counter() - start
    print(f"python: {n}x{k}x{h}: {el / n_rep * 1e6:.1f} us per replicate ({n_rep} replicates, {deals} deals)")


if __name__ == "__main__":
    main()
