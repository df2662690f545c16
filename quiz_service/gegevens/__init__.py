"""Mijn gegevens: people download everything stored about them, and delete their account."""
