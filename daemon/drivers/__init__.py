"""Drivers: each runs the engine on its own clock (simulate: virtual time)."""
