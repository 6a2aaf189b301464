"""A city inference server: remote recognition and translation with local fallback."""
