"""Benchmarks that drive the real server the way an editor does and print figures (`offgrid bench ...`)."""
