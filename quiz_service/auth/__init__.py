"""Accounts in the web app: log in and out, sessions that logout ends, role checks."""
