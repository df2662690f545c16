"""Search pages and API over the portal, the sociale kaart and the meetings."""
