"""The publishing system's own code, shared by the MkDocs hooks (hooks/), the commands
(`python -m publishing.release`, `python -m publishing.translations`) and the tests.

The hooks in hooks/ are thin: MkDocs calls them, they call in here. Nothing in this package
imports MkDocs' hook modules, so every module is loaded once, under one name.
"""
