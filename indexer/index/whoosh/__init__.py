"""The adapter to Whoosh's internals: our codec, our segment writer, and the reading helpers.

Only the modules of this folder touch Whoosh's private names; the rest of the project goes
through the typed functions here.
"""
