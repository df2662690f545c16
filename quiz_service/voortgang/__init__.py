"""Progress: "Mijn voortgang", course assignments to teams and the teamleider's reports."""
