"""What ships: remove from the output the files readers never need.

One job. Material's theme copies source maps (about 1.3 MB) and the stemmers of every lunr
language (about 1 MB); our search uses its own pipeline (lunr.gp.min.js) and needs only
lunr.stemmer.support.min.js, which Material's worker always loads. Smaller output means smaller
mirrors, archives and USB copies.
"""

from __future__ import annotations

from pathlib import PurePosixPath

KEEP_LUNR = {"lunr.stemmer.support.min.js", "lunr.gp.min.js"}


def on_files(files, config):
    for file in list(files):
        path = PurePosixPath(file.dest_uri)
        unused_lunr = (path.parent.as_posix() == "assets/javascripts/lunr/min" and path.name not in KEEP_LUNR) \
            or path.as_posix() in ("assets/javascripts/lunr/tinyseg.js", "assets/javascripts/lunr/wordcut.js")
        if path.suffix == ".map" or unused_lunr:
            files.remove(file)
    return files
