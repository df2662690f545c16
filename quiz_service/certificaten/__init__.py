"""Certificates on the web: the printable certificate, public verification, revocation."""
