"""Keys and signatures in minisign's formats, through py-minisign.

One job: sign a manifest, and check a signature, so that the Debian ``minisign`` tool and this
package agree on every byte (``minisign -Vm SHA256SUMS -P KEY`` checks what ``build`` signs, and
``minisign -S -s KEY_FILE`` can sign with a key that ``keygen`` made, and the other way round).

The secret key is a real minisign secret key file, **encrypted with a password by default**
(scrypt, minisign's own parameters). The file is what a thief takes from a seized laptop or a
leaked backup; encrypted, it does not let them sign a forged release. ``keygen --unencrypted``
(minisign's ``-W``) is for a key kept in a CI secret store, where a password would sit next to it.

What a person compares: ``fingerprint(public_key)``. It is derived from the key itself (the first
64 bits of SHA-256 over the 32-byte Ed25519 public key), not minisign's key id: the key id is 8
random bytes chosen when the key is made, so a forger can give their own key the publisher's id.
``key_id_hex`` is that id as minisign prints it (``minisign public key E7620F1842B4E81F``), for
matching minisign's own output only.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import sys
from pathlib import Path

import minisign

SECRET_KEY_FILE_ENV = "RELEASE_SIGNING_KEY_FILE"
SECRET_KEY_ENV = "RELEASE_SIGNING_KEY"  # the key file's text itself (a CI secret)
PASSWORD_ENV = "RELEASE_SIGNING_KEY_PASSWORD"
PUBLIC_KEY_ENV = "RELEASE_PUBLIC_KEY"


class SignatureProblem(Exception):
    """The signature is missing, malformed, made with another key or does not match."""


class KeyProblem(Exception):
    """A key (file) that cannot be used; the message says what to do."""


# --------------------------------------------------------------------------- public keys


def public_key(text: str) -> minisign.PublicKey:
    """A minisign public key from its base64 line, or from the text of a ``.pub`` file."""
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    if len(lines) == 2 and lines[0].startswith("untrusted comment:"):
        lines = lines[1:]
    if len(lines) != 1:
        raise KeyProblem("not a minisign public key (expected one base64 line, e.g. RWQ…)")
    try:
        return minisign.PublicKey.from_base64(lines[0])
    except minisign.Error as error:
        raise KeyProblem(f"not a minisign public key: {error}") from None


def public_key_text(key: minisign.PublicKey) -> str:
    """The base64 line, as ``minisign -G`` writes it and the verify page shows it."""
    return key.to_base64().decode("ascii")


def _raw(public: str | minisign.PublicKey) -> bytes:
    key = public if isinstance(public, minisign.PublicKey) else public_key(public)
    return bytes(key._keynum_pk)  # key id (8 bytes) + Ed25519 key (32 bytes)


def key_id_hex(public: str | minisign.PublicKey) -> str:
    """minisign's key id as minisign prints it (little-endian, upper-case hex), always 16
    digits: minisign itself drops leading zeros (``E7620F1842B4E81F``; ``497FD2BD686641`` for
    ``00497FD2BD686641``)."""
    return f"{int.from_bytes(_raw(public)[:8], 'little'):016X}"


def fingerprint(public: str | minisign.PublicKey) -> str:
    """A short fingerprint of the key, to compare by eye or read over the phone:
    16 upper-case hex digits in four groups of four (``1A2B 3C4D 5E6F 7A8B``).

    SHA-256 of the Ed25519 public key, first 8 bytes. A forger needs about 2**64 key pairs to
    make one with the same fingerprint (the key id is not used: it is chosen freely)."""
    digits = hashlib.sha256(_raw(public)[8:]).hexdigest()[:16].upper()
    return " ".join(digits[i:i + 4] for i in range(0, 16, 4))


# --------------------------------------------------------------------------- secret keys


def generate(path: Path, password: str | None) -> minisign.PublicKey:
    """A new key pair; the secret key goes to ``path``, which must not exist yet.

    The file is created with O_CREAT|O_EXCL (an existing key is never overwritten: it is the one
    every mirror trusts) and mode 0600, set again with fchmod whatever the umask."""
    pair = minisign.KeyPair.generate()
    with pair.secret_key as secret:
        if password:
            secret.encrypt(password)
        data = bytes(secret) + b"\n"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            raise KeyProblem(f"{path} already exists: refusing to overwrite a signing key "
                             "(move it away first if you really mean to replace it)") from None
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb", closefd=False) as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        finally:
            os.close(fd)
    return pair.public_key


def _password(prompt_if_tty: bool) -> str | None:
    value = os.environ.get(PASSWORD_ENV)
    if value is not None:
        return value
    if prompt_if_tty and sys.stdin.isatty():
        return getpass.getpass("Password of the signing key: ")
    return None


def load_secret_key(path: Path | None = None) -> minisign.SecretKey:
    """The publisher's secret key: ``path``, else ``RELEASE_SIGNING_KEY_FILE``, else the key
    file's text in ``RELEASE_SIGNING_KEY``; decrypted with ``RELEASE_SIGNING_KEY_PASSWORD`` or a
    password typed at the terminal."""
    path = path or (Path(os.environ[SECRET_KEY_FILE_ENV]) if os.environ.get(SECRET_KEY_FILE_ENV) else None)
    if path is not None:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise KeyProblem(f"cannot read the signing key {path}: {error.strerror}") from None
        where = str(path)
    elif os.environ.get(SECRET_KEY_ENV):
        data, where = os.environ[SECRET_KEY_ENV].strip().encode() + b"\n", SECRET_KEY_ENV
    else:
        raise KeyProblem(f"no signing key: set {SECRET_KEY_FILE_ENV} to the file made by "
                         "`python -m publishing.release keygen --secret-key FILE` (or by `minisign -G`)")
    lines = [line for line in data.splitlines() if line.strip()]
    try:
        if len(lines) == 1 and not lines[0].startswith(b"untrusted comment:"):
            key = minisign.SecretKey.from_base64(lines[0].strip())
        else:
            key = minisign.SecretKey.from_bytes(b"\n".join(lines[:2]))
    except minisign.Error as error:
        raise KeyProblem(f"{where} is not a minisign secret key ({error}); keys made by the old "
                         "hooks/release.py (a bare base64 seed) must be replaced with keygen") from None
    if key.is_encrypted():
        password = _password(prompt_if_tty=True)
        if password is None:
            raise KeyProblem(f"the signing key is encrypted: set {PASSWORD_ENV} or run from a terminal")
        try:
            key.decrypt(password)
        except minisign.Error:
            key.wipe()
            raise KeyProblem("wrong password for the signing key") from None
    return key


# --------------------------------------------------------------------------- signatures


def sign(data: bytes, secret: minisign.SecretKey, trusted_comment: str) -> str:
    """A minisign signature of ``data`` (prehashed, as ``minisign -S`` makes by default)."""
    signature = secret.sign(data, prehash=True, trusted_comment=trusted_comment,
                            untrusted_comment="signature from the publisher's release key")
    return bytes(signature).decode("ascii") + "\n"


def verify(data: bytes, signature_text: bytes | str, public: str | minisign.PublicKey) -> str:
    """Check a minisign signature of ``data``; return its trusted comment (which the global
    signature covers) or raise SignatureProblem. Only minisign's two algorithms are accepted
    (``ED`` prehashed, ``Ed`` legacy); anything else is refused."""
    key = public if isinstance(public, minisign.PublicKey) else public_key(public)
    raw = signature_text.encode("utf-8", "replace") if isinstance(signature_text, str) else signature_text
    try:
        signature = minisign.Signature.from_bytes(raw.strip(b"\r\n") if raw else raw)
    except minisign.Error as error:
        raise SignatureProblem(f"the signature file is not a minisign signature ({error})") from None
    if signature._key_id != _raw(key)[:8]:
        raise SignatureProblem(
            f"the signature was made with another key (key id {int.from_bytes(signature._key_id, 'little'):016X}, "
            f"expected {key_id_hex(key)})")
    try:
        key.verify(data, signature)
    except minisign.Error:
        raise SignatureProblem("the signature does not match the signed list (it was changed, or forged)") from None
    return signature.trusted_comment
