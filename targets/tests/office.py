"""LibreOffice for the tests that read a file as an office suite renders it (issue 15): ``office_convert``
turns .docx and .xlsx files into PDFs, which pypdf then reads (page count, text, orientation).

One converter for the whole session: a LibreOffice profile made once (its first start, which writes the
profile, is the slow part) and reused by every conversion, and one ``soffice --convert-to pdf`` run per
call, converting every file of the call at once. A listener started with ``--accept`` is not reused by a
second ``soffice --convert-to`` (it ends after the first file it is handed), and driving it over UNO needs
Python bindings for LibreOffice's own interpreter that the virtualenv does not have; one run per batch is
what remains, and it is what CI does too.

Skipped, with the reason, only where ``soffice`` is not installed; CI installs it
(``libreoffice-writer-nogui``, ``libreoffice-calc-nogui``, ``fonts-liberation2``).
"""

import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CONVERT_TIMEOUT = 300  # seconds for one batch, on a machine shared by other work


@pytest.fixture(scope="session")
def office_convert(tmp_path_factory):
    """``office_convert(paths, outdir) -> [pdf paths]``: each file of ``paths`` converted to PDF in
    ``outdir``, in the same order, by one LibreOffice run with the session's profile."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed; CI installs libreoffice-writer-nogui and -calc-nogui")
    profile = tmp_path_factory.mktemp("soffice-profile")

    def convert(paths, outdir) -> list[Path]:
        paths = [Path(p) for p in paths]
        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        command = [
            SOFFICE,
            "--headless",
            "--invisible",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *(str(p) for p in paths),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=CONVERT_TIMEOUT, check=False)  # noqa: S603
        pdfs = [outdir / f"{p.stem}.pdf" for p in paths]
        missing = [str(p) for p in pdfs if not p.exists()]
        assert not missing, f"LibreOffice did not write {missing}: {done.returncode} {done.stdout} {done.stderr}"
        return pdfs

    return convert
