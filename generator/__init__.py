"""Repository tooling for ane-kb: load, lint, export and build the knowledge base.

Run it as ``python -m generator <command>``. It is not part of the shipped package.
"""
