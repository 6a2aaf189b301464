"""Which model serves which language, and getting it onto the machine."""
