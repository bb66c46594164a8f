"""The adapter to Whoosh's internals: our codec, our segment writer, and the reading helpers.

Only the modules of this folder touch Whoosh's private names (:mod:`.codec`, :mod:`.writer`,
:mod:`.reader`); the rest of the project goes through their typed functions. Private names may
change in any release, so importing this package checks that the installed Whoosh is the one
they were written against and refuses another with one line, before any of them is used.
"""

from __future__ import annotations

from importlib import metadata

from indexer.errors import WhooshVersionError

WHOOSH_DISTRIBUTION = "whoosh-reloaded"
# Keep in step with the pin in pyproject.toml (a test compares them). Moving to another release
# means reading codec.py, writer.py and reader.py against its source first.
PINNED_WHOOSH = "2.7.5"


def check_whoosh_version() -> None:
    """Raise :class:`WhooshVersionError` unless the pinned Whoosh release is installed."""
    try:
        installed = metadata.version(WHOOSH_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        installed = "none"
    if installed != PINNED_WHOOSH:
        raise WhooshVersionError(
            f"{WHOOSH_DISTRIBUTION} {installed} is installed but this version of gazette-search"
            f" needs {PINNED_WHOOSH}: run `pip install {WHOOSH_DISTRIBUTION}=={PINNED_WHOOSH}`"
        )


check_whoosh_version()
