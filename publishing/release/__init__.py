"""Release: signed, verifiable copies of the site, and the check that a copy is the publisher's.

HTTPS vouches for a connection, not for a mirror; a signed list of fingerprints vouches for the
files. ``python -m publishing.release``:

    keygen --secret-key FILE        once, by the publisher (a minisign secret key, 0600)
    build [--site site] [--dist dist]   `make release`'s signing step
    verify TARGET --public-key KEY  a folder, a .zip/.tar.gz or a mirror's address
    fingerprint KEY                 the short fingerprint people compare

One module per job: ``signing`` (minisign keys and signatures, py-minisign), ``manifest`` (the
signed list, its trusted comment, build-info.json), ``archives`` (writing, and reading without
trusting), ``fetch`` (HTTP within limits), ``verify`` (the verdict), ``zim`` (offline editions),
``build`` (the signing step) and ``cli``.
"""
