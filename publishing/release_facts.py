"""What a build states about itself, for readers, mirrors and the release tool.

The release number (``extra.release.number``, or ``RELEASE_NUMBER``), the release date (the
build date, publishing/build_date.py), the publisher's public key and its short fingerprint, the
publisher's name and each language's home page, title and description. Templates show them
(verify page, PDF colophon); ``site/build-info.json`` carries them to the release tool, which
must never scrape them out of HTML.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from publishing import build_date, languages


def fingerprint(public_key: str) -> str:
    """The minisign key id as minisign prints it (16 hex digits), in four groups of four: what a
    person compares by eye or reads over the phone."""
    line = [l for l in public_key.strip().splitlines() if l and not l.startswith("untrusted comment")][-1]
    raw = base64.b64decode(line.strip())
    if len(raw) != 42 or raw[:2] != b"Ed":
        raise ValueError("not a minisign Ed25519 public key")
    key_id = raw[2:10][::-1].hex().upper()
    return " ".join(key_id[i:i + 4] for i in range(0, 16, 4))


def release(config) -> dict:
    settings = config.extra.get("release") or {}
    key = str(settings.get("public_key") or "").strip()
    number = str(settings.get("number") or "").strip()
    return {
        "number": int(number) if number.isdigit() else None,
        "date": build_date.day().isoformat(),
        "public_key": key,
        "fingerprint": fingerprint(key) if key else "",
    }


def _meta(html: str, pattern: str) -> str:
    match = re.search(pattern, html, re.S)
    return re.sub(r"\s+", " ", match.group(1)).strip() if match else ""


def build_info(config, site_dir: Path) -> dict:
    site_languages = languages.of(config)
    publishers, entries = {}, []
    for language in languages.built(config):
        settings = _language_settings(config, language.code)
        publishers[language.code] = settings.get("publisher") or config.extra.get("publisher", "")
        entries.append({
            "code": language.code, "name": language.name, "direction": language.direction,
            "home": f"{language.root}index.html",
            "title": settings.get("site_name") or config.site_name,
            "description": settings.get("site_description") or config.site_description or "",
        })
    return {"release": release(config), "publisher": publishers, "languages": entries,
            "original_language": site_languages.original.code}


def _language_settings(config, code: str) -> dict:
    """A language's own site_name, site_description and publisher (static-i18n options)."""
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return {}
    for item in plugin.config.languages:
        if str(item.locale) == code:
            extra = item.extra or {}
            return {"site_name": item.site_name, "site_description": item.site_description,
                    "publisher": extra.get("publisher")}
    return {}
