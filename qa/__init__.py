"""Stage 3 — qa: a question → a cited, verified answer; chat, HTTP API and web UI."""
