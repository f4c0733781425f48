"""What a build states about itself, for readers, mirrors and the release tool.

The release number (``extra.release.number``, or ``RELEASE_NUMBER``), the release date (the
build date, publishing/build_date.py), the publisher's public key and its short fingerprint, the
publisher's name and each language's home page, title and description. Templates show them
(verify page, PDF colophon); ``site/build-info.json`` carries them to the release tool, which
must never scrape them out of HTML.
"""

from __future__ import annotations

from pathlib import Path

from publishing import build_date, languages


def release(config) -> dict:
    settings = config.extra.get("release") or {}
    key = str(settings.get("public_key") or "").strip()
    number = str(settings.get("number") or "").strip()
    if not number.isdigit() or int(number) < 1:
        raise ValueError(f"extra.release.number (RELEASE_NUMBER) must be a whole number from 1 up, not {number!r}")
    return {
        "number": int(number),
        "date": build_date.day().isoformat(),
        "public_key": key,
        "fingerprint": _fingerprint(key) if key else "",
    }


def build_info(config, site_dir: Path) -> dict:
    site_languages = languages.of(config)
    publishers, entries = {}, []
    for language in languages.built(config):
        settings = languages.settings_of(config, language.code)
        publishers[language.code] = str(settings["extra"].get("publisher") or "")
        entries.append({
            "code": language.code, "name": language.name, "direction": language.direction,
            "home": f"{language.root}index.html",
            "title": settings["site_name"] or "", "description": settings["site_description"] or "",
        })
    return {"release": release(config), "publisher": publishers, "languages": entries,
            "original_language": site_languages.original.code,
            "zim_csp": (config.extra.get("security") or {}).get("zim_csp") or {}}


def _fingerprint(key: str) -> str:
    # imported here: the signing library (cryptography) is needed only when a key is configured
    from publishing.release.signing import fingerprint

    return fingerprint(key)
