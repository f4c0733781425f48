"""The command line: ``python -m publishing.release keygen|build|verify|fingerprint``.

One job: arguments in, one clear line per problem out, and exit codes that mean one thing.
No traceback reaches the user (set RELEASE_DEBUG=1 to see one).

verify: 0 authentic · 1 differences, or older than --not-before · 2 no valid signature ·
3 could not check (network, limits, damaged archive, bad arguments, an error in this tool).
keygen and build: 0 done · 1 refused (the message says why) · 3 an error in this tool.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import getpass
import os
import re
import sys
from pathlib import Path

from . import signing
from .archives import Budget
from .verify import AUTHENTIC, DIFFERENT, NOT_CHECKED, NOT_SIGNED, LABELS, CouldNotCheck, NotVerified, Options, verify

ROOT = Path(__file__).resolve().parents[2]


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would exit 2, which means "no valid signature"
        raise UsageError(message)


def _size(text: str) -> int:
    match = re.fullmatch(r"(\d+)\s*([kKmMgG]?)[iI]?[bB]?", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 500M, 2G)")
    return int(match.group(1)) * {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[match.group(2).lower()]


def _date(text: str) -> _dt.date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (YYYY-MM-DD)") from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not 0 < value < 1e6:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    main = _Parser(prog="python -m publishing.release",
                   description="Signed releases of the site, and a check that a copy is the publisher's.")
    sub = main.add_subparsers(dest="command", required=True, parser_class=_Parser)

    keygen = sub.add_parser("keygen", help="make the publisher's signing key (once; keep the file secret)")
    keygen.add_argument("--secret-key", type=Path, required=True, help="where to write it (must not exist)")
    keygen.add_argument("--unencrypted", action="store_true",
                        help="no password (like minisign -W), for a key kept in a CI secret store")

    build = sub.add_parser("build", help="sign the built site into dist/ (archives, PDFs, ZIM files)")
    build.add_argument("--site", type=Path, default=ROOT / "site")
    build.add_argument("--dist", type=Path, default=ROOT / "dist")
    build.add_argument("--secret-key", type=Path, help=f"the signing key (default: ${signing.SECRET_KEY_FILE_ENV})")

    check = sub.add_parser("verify", help="check a copy (folder, .zip/.tar.gz or mirror address)")
    check.add_argument("target", help="a folder, a .zip/.tar.gz or a mirror's https:// address")
    check.add_argument("--public-key", help="the publisher's public key (RWQ…) or its minisign .pub file")
    check.add_argument("--manifest", type=Path, help="a trusted SHA256SUMS (with its .minisig) instead of the copy's own")
    check.add_argument("--release", action="store_true", help="TARGET is a whole release folder (dist/)")
    check.add_argument("--not-before", type=_date, metavar="YYYY-MM-DD",
                       help="refuse a copy signed before this date (an old release served as current)")
    check.add_argument("--timeout", type=_seconds, default=20.0, help="seconds per request (mirror; default 20)")
    check.add_argument("--total-timeout", type=_seconds, default=600.0, help="seconds for the whole check (default 600)")
    check.add_argument("--max-file-size", type=_size, default=Budget.max_file, help="per file (default 256M)")
    check.add_argument("--max-total-size", type=_size, default=Budget.max_total, help="in total (default 2G)")
    check.add_argument("--ca-file", help="trust this certificate (a mirror with its own certificate authority)")

    show = sub.add_parser("fingerprint", help="print the fingerprint of a public key")
    show.add_argument("public_key", help="the public key (RWQ…) or its .pub file")
    return main


def _key_text(value: str | None) -> tuple[str, str]:
    if value:
        path = Path(value)
        if not value.startswith("RW") and path.is_file():
            return path.read_text(encoding="utf-8", errors="replace")[:4096], str(path)
        return value, "--public-key"
    if os.environ.get(signing.PUBLIC_KEY_ENV):
        return os.environ[signing.PUBLIC_KEY_ENV], signing.PUBLIC_KEY_ENV
    try:
        import yaml

        config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
        value = ((config.get("extra") or {}).get("release") or {}).get("public_key", "")
        value = value[-1] if isinstance(value, list) else value  # !ENV [NAME, default]
    except Exception:
        value = ""
    return value, "mkdocs.yml"


def _keygen(args) -> int:
    password = None
    if not args.unencrypted:
        password = os.environ.get(signing.PASSWORD_ENV)
        if password is None:
            if not sys.stdin.isatty():
                print(f"REFUSED: no password: type one at a terminal, set {signing.PASSWORD_ENV}, "
                      "or use --unencrypted", file=sys.stderr)
                return 1
            password = getpass.getpass("Password for the new signing key: ")
            if password != getpass.getpass("The same password again: "):
                print("REFUSED: the two passwords differ", file=sys.stderr)
                return 1
        if not password:
            print("REFUSED: an empty password (use --unencrypted if you mean it)", file=sys.stderr)
            return 1
    key = signing.generate(args.secret_key, password)
    text = signing.public_key_text(key)
    print(f"Secret key written to {args.secret_key} ({'encrypted' if password else 'NOT encrypted'}, mode 0600). "
          "Keep it, and a backup, outside the repository; never commit it.")
    print(f"Public key:  {text}")
    print(f"Fingerprint: {signing.fingerprint(key)}")
    print(f"(minisign key id {signing.key_id_hex(key)})")
    print(f"Publish it: extra.release.public_key in mkdocs.yml, or RELEASE_PUBLIC_KEY={text}")
    return 0


def _verify(args) -> int:
    key, source = _key_text(args.public_key)
    if not key.strip():
        raise NotVerified("no public key: pass --public-key with the key you got from the publisher "
                          "(compare its fingerprint with a printed PDF or a trusted contact)")
    options = Options(public_key=key, manifest=args.manifest, release=args.release, not_before=args.not_before,
                      budget=Budget(max_file=args.max_file_size, max_total=args.max_total_size),
                      timeout=args.timeout, total_timeout=args.total_timeout, ca_file=args.ca_file)
    try:
        fingerprint = signing.fingerprint(key)
    except signing.KeyProblem as error:
        raise NotVerified(f"the public key ({source}) is not usable: {error}") from None
    print(f"Checking {args.target}")
    print(f"Publisher's key: fingerprint {fingerprint} ({source})")
    report = verify(args.target, options)
    signed = report.signed
    print(f"Signature: good, {signed.describe()} ({signed.files} files listed)")
    if report.too_old:
        print(f"TOO OLD: this copy was {signed.describe()}, before {args.not_before.isoformat()} (--not-before). "
              "An old copy can hide corrections and changed contacts; get the current release.")
        return DIFFERENT
    order = {label: index for index, label in enumerate(LABELS)}
    for finding in sorted(report.findings, key=lambda f: (order.get(f.label, 99), f.name)):
        print(f"  {finding.label:<9} {finding.name}" + (f"  ({finding.detail})" if finding.detail else ""))
    for note in report.notes:
        print(f"  note: {note}")
    if report.headers:
        print("Headers sent by the mirror (reported, not part of the verdict):")
        for status, text in report.headers:
            print(f"  {status:<8} {text}")
    if report.verdict == AUTHENTIC:
        print(f"OK: all {report.checked} files match the publisher's signed list; nothing added, nothing unsafe.")
        return AUTHENTIC
    counts: dict[str, int] = {}
    for finding in report.findings:
        counts[finding.label] = counts.get(finding.label, 0) + 1
    summary = ", ".join(f"{n} {label.lower()}" for label, n in sorted(counts.items(), key=lambda i: order.get(i[0], 99)))
    print(f"NOT AUTHENTIC: {summary} ({signed.files} files listed). Do not read, share or mirror this copy.")
    return DIFFERENT


def run(argv: list[str] | None) -> int:
    try:
        args = parser().parse_args(argv)
    except UsageError as error:
        print(f"COULD NOT CHECK: {error} (see --help)", file=sys.stderr)
        return NOT_CHECKED
    command = args.command
    try:
        if command == "keygen":
            return _keygen(args)
        if command == "build":
            from .build import build

            return build(args.site, args.dist, args.secret_key)
        if command == "fingerprint":
            key, _ = _key_text(args.public_key)
            print(signing.fingerprint(key))
            return 0
        return _verify(args)
    except NotVerified as error:
        print(f"NOT VERIFIED: {error}", file=sys.stderr)
        return NOT_SIGNED
    except CouldNotCheck as error:
        print(f"COULD NOT CHECK: {error}", file=sys.stderr)
        return NOT_CHECKED
    except signing.KeyProblem as error:
        print(f"REFUSED: {error}", file=sys.stderr)
        return NOT_SIGNED if command == "verify" else 1
    except KeyboardInterrupt:
        print("COULD NOT CHECK: interrupted", file=sys.stderr)
        return NOT_CHECKED
    except Exception as error:  # noqa: BLE001 — the promise: no traceback, never exit 1 for a crash
        from .build import BuildProblem

        if isinstance(error, BuildProblem):
            print(f"REFUSED: {error}", file=sys.stderr)
            return 1
        if os.environ.get("RELEASE_DEBUG"):
            raise
        what = "COULD NOT CHECK" if command == "verify" else "FAILED"
        print(f"{what}: internal error ({type(error).__name__}: {str(error)[:300]}); "
              "set RELEASE_DEBUG=1 for details", file=sys.stderr)
        return NOT_CHECKED


def main(argv: list[str] | None = None) -> int:
    return run(argv)
