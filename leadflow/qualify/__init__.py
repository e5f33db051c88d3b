"""Qualify: status, score, rank and routing of leads from the rules file; the published lead row."""
