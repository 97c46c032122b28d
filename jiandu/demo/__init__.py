"""The demo scenario (DESIGN §8): Jilin, spring 2022. Deterministic and idempotent: every record has a stable
code, and running the loader again updates rather than duplicates. Each module adds its part here."""
