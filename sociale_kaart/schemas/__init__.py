"""JSON Schemas for sociale-kaart files."""
