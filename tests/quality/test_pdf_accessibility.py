"""PDF/UA: every PDF is tagged, declares its language and shows its title; checked with pdfua
(PyPI, the machine-checkable subset of PDF/UA-1): no errors. Its warnings (heuristics, such as
table headers without /Scope, which WeasyPrint does not write) go to build/reports/pdfua.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pikepdf
import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def pdfs(built_site):
    found = sorted((built_site / "downloads").glob("*.pdf"))
    listed = json.loads((built_site / "downloads" / "pdfs.json").read_text(encoding="utf-8"))
    assert [p.name for p in found] == sorted(entry["file"].rsplit("/", 1)[1] for entry in listed)
    assert {entry["edition"] for entry in listed} == {"print", "phone"}
    return found


def test_structure_tree_language_and_displayed_title(pdfs):
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            root = pdf.Root
            assert "/StructTreeRoot" in root, path.name
            assert str(root.Lang) == path.name.split(".")[1], path.name  # <publication>.<lang>[.phone].pdf
            assert bool(root.ViewerPreferences.DisplayDocTitle), path.name
            assert str(pdf.docinfo.Title), path.name


def _pdfua(path) -> dict:
    run = subprocess.run([sys.executable, "-m", "pdfua", "check", str(path), "--format", "json"],
                         capture_output=True, text=True)
    try:
        return json.loads(run.stdout)
    except json.JSONDecodeError:
        return {"output": run.stdout[-2000:], "errors": run.stderr[-2000:], "exit": run.returncode}


def test_pdfua_checker(pdfs):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # one checker process per core
        results = dict(zip((path.name for path in pdfs), pool.map(_pdfua, pdfs)))
    report = ROOT / "build" / "reports" / "pdfua.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    assert all("exit" not in r for r in results.values()), "pdfua could not read a PDF"
    errors = {name: [f["rule_id"] + ": " + f["message"] for f in r["findings"] if f["severity"] == "error"]
              for name, r in results.items()}
    assert not any(errors.values()), errors
