"""Make the web fonts the site serves from the committed full fonts (print/fonts), reproducibly.

    python tools/fonts.py

The Dari pages use Vazirmatn. Its Arabic-script part (overrides/assets/fonts/vazirmatn/
Vazirmatn-NL-*.woff2) and its Latin part (Vazirmatn-Latin-*.woff2, made here) are separate files
with separate unicode-ranges, so that a page downloads only what it uses, and the colons, brackets
and Latin words of a Dari heading are drawn by the same face, in the same weight, as the Persian
around them (Dari review, defect 17). Subsetting uses fontTools (installed with WeasyPrint).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "print" / "fonts" / "vazirmatn"
TARGET = ROOT / "overrides" / "assets" / "fonts" / "vazirmatn"
# Basic Latin, Latin-1 (« » nbsp), general punctuation (dashes, quotes, …), narrow no-break space
LATIN = "U+0020-007E,U+00A0-00FF,U+2010-2027,U+202F,U+2030-203A,U+2060,U+20AC"


def make(weight: str, target: Path = TARGET) -> Path:
    out = target / f"Vazirmatn-Latin-{weight}.woff2"
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["kern", "liga", "calt", "ccmp", "locl", "mark", "mkmk"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["DSIG"]
    font = subset.load_font(str(SOURCE / f"Vazirmatn-{weight}.woff2"), options, dontLoadGlyphNames=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(LATIN))
    subsetter.subset(font)
    font.flavor = "woff2"
    subset.save_font(font, str(out), options)
    return out


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET
    for weight in ("Regular", "Bold"):
        out = make(weight, target)
        print(f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: {out.stat().st_size / 1024:.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
