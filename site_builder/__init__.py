"""Validates what editors write and builds the static portal from it."""
