"""JSON Schemas for content files."""
