"""Stage 4 — eval: gold question sets → retrieval and answer metrics, baselines, benchmarks, plots."""
