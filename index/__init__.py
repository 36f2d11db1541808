"""Stage 2 — index: a parsed document → persisted dense (FAISS) and lexical (BM25) stores, fused search."""
