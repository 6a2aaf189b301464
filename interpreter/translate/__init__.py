"""Translation between Finnish and the client's language: backends, text handling, glossary."""
