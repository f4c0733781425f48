"""The signed list of files (``SHA256SUMS``), what its signature's trusted comment says, and
``site/build-info.json``, the build's own statement of the release.

One job: the vocabulary every other module shares.

* ``SHA256SUMS`` is in ``sha256sum`` format (``sha256sum -c`` reads it): ``<64 hex>  <name>``, one
  file a line, sorted, names relative to the folder that holds it.
* The trusted comment of ``SHA256SUMS.minisig`` (covered by minisign's global signature) is
  ``gp-manifest:1 kind:site date:2026-12-20 release:7 files:153``: the kind of list (``site`` for
  a copy of the site, ``release`` for the whole ``dist/``), the release date and number from
  build-info.json, and the number of lines.
* A name is safe when it is relative, '/'-separated, NFC-normalised, with no empty, '.' or '..'
  component, no backslash, no control character and no drive letter. Anything else in a manifest,
  an archive or a folder is a finding, never a path to open.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path

MANIFEST = "SHA256SUMS"
SIGNATURE = "SHA256SUMS.minisig"
NOT_LISTED = frozenset({MANIFEST, SIGNATURE})
BUILD_INFO = "build-info.json"
KINDS = ("site", "release")
COMMENT_FORMAT = "gp-manifest:1"
MAX_MANIFEST_BYTES = 16 << 20
MAX_SIGNATURE_BYTES = 16 << 10

_LINE = re.compile(r"([0-9a-f]{64})  ([^\n]+)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"[1-9]\d{0,8}")


class ManifestProblem(Exception):
    """A signed list that this tool cannot read (it was signed, so this is not tampering)."""


# --------------------------------------------------------------------------- names


def name_problem(name: str) -> str | None:
    """Why ``name`` is not a safe relative file name, or None."""
    if not name:
        return "empty name"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        return "control character in the name"
    if any(0xD800 <= ord(c) <= 0xDFFF for c in name):
        return "name is not valid UTF-8"
    if name.startswith("/"):
        return "absolute path"
    if "\\" in name:
        return "backslash in the name"
    if re.match(r"^[A-Za-z]:", name):
        return "drive letter"
    parts = name.split("/")
    if ".." in parts:
        return "'..' in the path"
    if "" in parts or "." in parts:
        return "empty or '.' path component"
    if not unicodedata.is_normalized("NFC", name):
        return "name is not NFC-normalised"
    return None


def collision_key(name: str) -> str:
    """Names that a case-insensitive or normalising file system would store as one."""
    return unicodedata.normalize("NFC", name).casefold()


# --------------------------------------------------------------------------- the manifest


def manifest_text(entries: dict[str, str]) -> str:
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(entries.items()))


def parse_manifest(data: bytes | str) -> dict[str, str]:
    """{name: sha256} from a SHA256SUMS; raises ManifestProblem on any line it cannot read."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    entries: dict[str, str] = {}
    for number, line in enumerate(text.split("\n"), 1):
        if not line and number == text.count("\n") + 1:
            break  # the end of the last line
        match = _LINE.fullmatch(line)
        if not match:
            raise ManifestProblem(f"line {number} of {MANIFEST} is not '<sha256>  <name>'")
        digest, name = match.groups()
        problem = name_problem(name)
        if problem or name in NOT_LISTED:
            raise ManifestProblem(f"line {number} of {MANIFEST} names an unsafe file: {problem or name}")
        if name in entries:
            raise ManifestProblem(f"line {number} of {MANIFEST} lists {name} twice")
        entries[name] = digest
    return entries


# --------------------------------------------------------------------------- the trusted comment


@dataclass(frozen=True)
class Signed:
    """What the publisher signed about a list: its kind, date, release number and length."""

    kind: str
    date: _dt.date
    release: int
    files: int

    def comment(self) -> str:
        return (f"{COMMENT_FORMAT} kind:{self.kind} date:{self.date.isoformat()} "
                f"release:{self.release} files:{self.files}")

    @classmethod
    def parse(cls, comment: str) -> "Signed":
        """Raises ValueError with the reason when the comment is not one of ours."""
        tokens = comment.split(" ")
        if not tokens or tokens[0] != COMMENT_FORMAT:
            raise ValueError(f"the signed comment is not a manifest of this publication ({comment[:80]!r})")
        fields = dict(token.split(":", 1) for token in tokens[1:] if ":" in token)
        if len(fields) != len(tokens) - 1 or set(fields) != {"kind", "date", "release", "files"}:
            raise ValueError(f"the signed comment has unexpected fields ({comment[:80]!r})")
        if fields["kind"] not in KINDS:
            raise ValueError(f"the signed comment names an unknown kind of list ({fields['kind'][:20]!r})")
        if not _DATE.fullmatch(fields["date"]) or not _NUMBER.fullmatch(fields["release"]) \
                or not re.fullmatch(r"\d{1,9}", fields["files"]):
            raise ValueError(f"the signed comment has a malformed date or number ({comment[:80]!r})")
        return cls(fields["kind"], _dt.date.fromisoformat(fields["date"]), int(fields["release"]), int(fields["files"]))

    def describe(self) -> str:
        return f"signed on {self.date.isoformat()}, release {self.release}"


# --------------------------------------------------------------------------- build-info.json


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    direction: str
    home: str
    title: str
    description: str

    @property
    def prefix(self) -> str:
        """The language's folder in the site ('' for the one at the root, else 'fa/')."""
        folder = self.home.rpartition("/")[0]
        return f"{folder}/" if folder else ""


@dataclass(frozen=True)
class BuildInfo:
    number: int
    date: _dt.date
    public_key: str
    fingerprint: str
    publisher: dict[str, str]
    languages: tuple[Language, ...]
    zim_csp: dict = dataclass_field(default_factory=dict)  # CSP changes of the ZIM editions (publishing/release/zim.py)

    @property
    def epoch(self) -> int:
        """Midnight UTC of the release date: the time stamp in archives."""
        return int(_dt.datetime.combine(self.date, _dt.time(), tzinfo=_dt.timezone.utc).timestamp())


def load_build_info(site: Path) -> BuildInfo:
    """site/build-info.json, checked field by field (a clear error names the field)."""
    path = site / BUILD_INFO
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestProblem(f"{path} is missing: build the site with the current hooks (make site)") from None
    except (OSError, ValueError) as error:
        raise ManifestProblem(f"{path} is not valid JSON: {error}") from None

    def field(where: dict, key: str, kind: type, label: str):
        value = where.get(key) if isinstance(where, dict) else None
        if not isinstance(value, kind) or isinstance(value, bool) or (kind is str and not value.strip()):
            raise ManifestProblem(f"{path}: {label} is missing or not a {kind.__name__}")
        return value

    release = field(data, "release", dict, "release")
    number = field(release, "number", int, "release.number")
    if number < 1:
        raise ManifestProblem(f"{path}: release.number must be 1 or more (extra.release.number / RELEASE_NUMBER)")
    date_text = field(release, "date", str, "release.date")
    if not _DATE.fullmatch(date_text):
        raise ManifestProblem(f"{path}: release.date must be YYYY-MM-DD, not {date_text!r}")
    try:
        date = _dt.date.fromisoformat(date_text)
    except ValueError:
        raise ManifestProblem(f"{path}: release.date {date_text!r} is not a date") from None
    key = field(release, "public_key", str, "release.public_key (set extra.release.public_key or RELEASE_PUBLIC_KEY)")
    print_ = field(release, "fingerprint", str, "release.fingerprint")
    publisher = field(data, "publisher", dict, "publisher")
    languages = []
    for index, entry in enumerate(field(data, "languages", list, "languages")):
        label = f"languages[{index}]"
        values = {name: field(entry, name, str, f"{label}.{name}")
                  for name in ("code", "name", "direction", "home", "title", "description")}
        if name_problem(values["home"]) or not values["home"].endswith(".html"):
            raise ManifestProblem(f"{path}: {label}.home must be a page of the site, not {values['home']!r}")
        if not isinstance(publisher.get(values["code"]), str):
            raise ManifestProblem(f"{path}: publisher.{values['code']} is missing")
        languages.append(Language(**values))
    if not languages:
        raise ManifestProblem(f"{path}: languages is empty")
    zim_csp = data.get("zim_csp") or {}
    if not isinstance(zim_csp, dict) or not all(isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
                                                for k, v in zim_csp.items()):
        raise ManifestProblem(f"{path}: zim_csp must map directive names to lists of values")
    return BuildInfo(number, date, key.strip(), print_, dict(publisher), tuple(languages), zim_csp)
