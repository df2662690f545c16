"""Beheer: organisations, teams and importing staff, for beheerders."""
