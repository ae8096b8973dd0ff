"""Benchmarks (`make bench`); an app only so viewflow can store the bare comparison flow."""
