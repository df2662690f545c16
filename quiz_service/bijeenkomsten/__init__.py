"""Lotgenoten bijeenkomsten: meetings, sign-ups with a waitlist, and calendar feeds."""
