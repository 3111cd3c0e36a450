"""Seeded sample district for tests, demos and benchmarks."""

from .district import generate

__all__ = ["generate"]
