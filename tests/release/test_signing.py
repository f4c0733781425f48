"""Signatures and keys in minisign's formats (py-minisign), against minisign's own published
test vector and the Debian minisign tool."""

from __future__ import annotations

import base64
import os
import shutil
import stat
import subprocess

import pytest

from publishing.release import signing
from tests.release.helpers import cli, cli_process

# minisign's published test vector (jedisct1/minisign-verify, py-minisign's README): the key,
# and signatures of the four bytes "test", legacy (Ed) and prehashed (ED).
VECTOR_KEY = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"
VECTOR_LEGACY = (
    "untrusted comment: signature from minisign secret key\n"
    "RWQf6LRCGA9i59SLOFxz6NxvASXDJeRtuZykwQepbDEGt87ig1BNpWaVWuNrm73YiIiJbq71Wi+dP9eKL8OC351vwIasSSbXxwA=\n"
    "trusted comment: timestamp:1555779966\tfile:test\n"
    "QtKMXWyYcwdpZAlPF7tE2ENJkRd1ujvKjlj1m9RtHTBnZPa5WKU5uWRs5GoP5M/VqE81QFuMKI5k/SfNQUaOAA==\n")
VECTOR_PREHASHED = (
    "untrusted comment: signature from minisign secret key\n"
    "RUQf6LRCGA9i559r3g7V1qNyJDApGip8MfqcadIgT9CuhV3EMhHoN1mGTkUidF/z7SrlQgXdy8ofjb7bNJJylDOocrCo8KLzZwo=\n"
    "trusted comment: timestamp:1556193335\tfile:test\n"
    "y/rUw2y8/hOUYjZU71eHp/Wo1KZ40fGy2VJEDl34XMJM+TX48Ss/17u3IvIfbVR1FkZZSNCisQbuQY+bHwhEBg==\n")


def test_known_answer_minisign_vectors():
    assert signing.verify(b"test", VECTOR_PREHASHED, VECTOR_KEY) == "timestamp:1556193335\tfile:test"
    assert signing.verify(b"test", VECTOR_LEGACY, VECTOR_KEY) == "timestamp:1555779966\tfile:test"
    for data in (b"Test", b"test\n", b""):
        with pytest.raises(signing.SignatureProblem):
            signing.verify(data, VECTOR_PREHASHED, VECTOR_KEY)
    # the key id as minisign prints it ("minisign public key E7620F1842B4E81F")
    assert signing.key_id_hex(VECTOR_KEY) == "E7620F1842B4E81F"
    low = base64.b64encode(b"Ed" + bytes.fromhex("416668bdd27f4900") + base64.b64decode(VECTOR_KEY)[10:]).decode()
    assert signing.key_id_hex(low) == "00497FD2BD686641"  # always 16 digits


def test_fingerprint_is_bound_to_the_key_not_to_the_free_key_id():
    fingerprint = signing.fingerprint(VECTOR_KEY)
    assert len(fingerprint) == 19 and fingerprint.count(" ") == 3
    assert all(group.isalnum() and group.upper() == group and len(group) == 4 for group in fingerprint.split())
    # a forger's key with the publisher's key id (minisign lets anyone choose it) …
    raw = base64.b64decode(VECTOR_KEY)
    forged = base64.b64encode(raw[:10] + bytes(32 - 1) + b"\x01").decode()
    assert signing.key_id_hex(forged) == signing.key_id_hex(VECTOR_KEY)
    # … has another fingerprint
    assert signing.fingerprint(forged) != fingerprint


def test_round_trip_and_tampering(key):
    secret = signing.load_secret_key(key["file"])
    signature = signing.sign(b"the list", secret, "gp-manifest:1 kind:site date:2026-12-20 release:7 files:1")
    assert signing.verify(b"the list", signature, key["public"]).endswith("files:1")
    with pytest.raises(signing.SignatureProblem, match="does not match"):
        signing.verify(b"the list!", signature, key["public"])
    lines = signature.splitlines()
    # the trusted comment is covered by the global signature: change one character and it fails
    tampered = "\n".join(lines[:2] + [lines[2].replace("release:7", "release:9")] + lines[3:]) + "\n"
    with pytest.raises(signing.SignatureProblem):
        signing.verify(b"the list", tampered, key["public"])
    # the untrusted comment is not signed (minisign's design) and changes nothing
    relabelled = "\n".join(["untrusted comment: anything"] + lines[1:]) + "\n"
    assert signing.verify(b"the list", relabelled, key["public"])
    other = signing.public_key_text(signing.minisign.KeyPair.generate().public_key)
    with pytest.raises(signing.SignatureProblem, match="another key"):
        signing.verify(b"the list", signature, other)


@pytest.mark.parametrize("algorithm", [b"Eb", b"ed", b"\x00\x00", b"Sc"])
def test_unknown_signature_algorithm_is_refused(key, algorithm):
    secret = signing.load_secret_key(key["file"])
    lines = signing.sign(b"data", secret, "c").splitlines()
    raw = base64.b64decode(lines[1])
    lines[1] = base64.b64encode(algorithm + raw[2:]).decode()
    with pytest.raises(signing.SignatureProblem):
        signing.verify(b"data", "\n".join(lines) + "\n", key["public"])


@pytest.mark.parametrize("text", ["", "RWQ", "not base64 at all!", "RUQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"])
def test_a_bad_public_key_is_refused(text):
    with pytest.raises(signing.KeyProblem):
        signing.public_key(text)


@pytest.fixture
def password(monkeypatch):
    """keygen's password from the environment (no terminal in tests)."""
    monkeypatch.setenv(signing.PASSWORD_ENV, "correct horse battery staple")


def test_keygen_writes_a_0600_minisign_key_and_refuses_to_overwrite(tmp_path, password):
    path = tmp_path / "release.key"
    old_umask = os.umask(0)  # even with a permissive umask
    try:
        result = cli("keygen", "--secret-key", path)
    finally:
        os.umask(old_umask)
    assert result.code == 0, result.text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"untrusted comment: minisign encrypted secret key\n")
    public = signing.public_key_text(signing.load_secret_key(path).get_public_key())
    assert public in result.out and signing.fingerprint(public) in result.out
    before = path.read_bytes()
    again = cli("keygen", "--secret-key", path)
    assert again.code != 0 and "refusing to overwrite" in again.err
    assert path.read_bytes() == before


def test_keygen_does_not_reuse_an_existing_0644_file(tmp_path, password):
    path = tmp_path / "release.key"
    path.write_text("")
    path.chmod(0o644)
    result = cli("keygen", "--secret-key", path)
    assert result.code != 0 and path.read_text() == "" and "refusing to overwrite" in result.err


def test_keygen_refuses_a_symlink_in_place_of_the_key(tmp_path, password):
    target = tmp_path / "elsewhere"
    (tmp_path / "release.key").symlink_to(target)
    result = cli("keygen", "--secret-key", tmp_path / "release.key")
    assert result.code != 0 and not target.exists()


def test_keygen_unencrypted_on_request(tmp_path):
    path = tmp_path / "release.key"
    assert cli("keygen", "--secret-key", path, "--unencrypted").code == 0
    assert b"encrypted" not in path.read_bytes().splitlines()[0]
    assert signing.load_secret_key(path).get_public_key()


def test_encrypted_key_needs_its_password(tmp_path, monkeypatch, password):
    path = tmp_path / "release.key"
    assert cli("keygen", "--secret-key", path).code == 0
    assert signing.load_secret_key(path).get_public_key()
    monkeypatch.setenv(signing.PASSWORD_ENV, "wrong")
    with pytest.raises(signing.KeyProblem, match="wrong password"):
        signing.load_secret_key(path)


def test_an_old_bare_seed_key_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "old.key"
    path.write_text(base64.b64encode(os.urandom(32)).decode() + "\n")
    with pytest.raises(signing.KeyProblem, match="not a minisign secret key"):
        signing.load_secret_key(path)


def _minisign() -> str:
    found = shutil.which("minisign")
    if not found:
        pytest.fail("Debian's minisign is required: apt-get install minisign")
    return found


def test_debian_minisign_verifies_our_signatures(tmp_path, key):
    secret = signing.load_secret_key(key["file"])
    (tmp_path / "SHA256SUMS").write_bytes(b"0" * 64 + b"  index.html\n")
    (tmp_path / "SHA256SUMS.minisig").write_text(
        signing.sign((tmp_path / "SHA256SUMS").read_bytes(), secret,
                     "gp-manifest:1 kind:site date:2026-12-20 release:7 files:1"))
    result = subprocess.run([_minisign(), "-Vm", "SHA256SUMS", "-P", key["public"]], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "gp-manifest:1 kind:site date:2026-12-20 release:7" in result.stdout


def test_debian_minisign_signs_with_our_key_and_we_use_its_keys(tmp_path, key):
    (tmp_path / "data").write_bytes(b"data")
    result = subprocess.run([_minisign(), "-S", "-s", str(key["file"]), "-m", "data", "-t", "made by minisign"],
                            cwd=tmp_path, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert signing.verify(b"data", (tmp_path / "data.minisig").read_bytes(), key["public"]) == "made by minisign"
    made = subprocess.run([_minisign(), "-G", "-W", "-s", "mk.key", "-p", "mk.pub"], cwd=tmp_path,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert made.returncode == 0, made.stderr
    loaded = signing.load_secret_key(tmp_path / "mk.key").get_public_key()
    pub = (tmp_path / "mk.pub").read_text()
    assert signing.public_key_text(loaded) == pub.splitlines()[1]
    # "minisign public key <id>": minisign drops leading zeros (%PRIX64); key_id_hex keeps 16 digits
    assert signing.key_id_hex(loaded) == pub.splitlines()[0].split()[-1].zfill(16)


def test_fingerprint_command(key):
    result = cli_process("fingerprint", key["public"])
    assert result.code == 0 and result.out.strip() == key["fingerprint"]
