"""The documentation site: Markdown pages generated from an export, built by MkDocs per language."""
