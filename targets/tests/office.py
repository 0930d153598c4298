"""LibreOffice as the real client of the review's documents: ``office_convert(paths, outdir)`` turns
workbooks (and Word files) into PDFs with ``soffice --headless``, as a clerk's office suite would print them.

One LibreOffice user profile serves the whole test session: starting LibreOffice on a fresh profile costs
seconds, on a warm one a fraction of that. Each call converts every path it is given in one ``soffice``
run. Tests that need it are skipped only where ``soffice`` is not installed (CI installs it: .ci/run).
"""

import shutil
import subprocess
from pathlib import Path

import pytest

CONVERT_TIMEOUT = 180  # seconds for one batch: a cold start on a busy two-core machine included


@pytest.fixture(scope="session")
def office_convert(tmp_path_factory):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = tmp_path_factory.mktemp("libreoffice-profile")

    def convert(paths: list[Path], outdir: Path) -> list[Path]:
        outdir.mkdir(parents=True, exist_ok=True)
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *(str(path) for path in paths),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=CONVERT_TIMEOUT, check=False)
        pdfs = [outdir / (Path(path).stem + ".pdf") for path in paths]
        missing = [pdf for pdf in pdfs if not pdf.exists()]
        assert not missing, f"LibreOffice did not write {missing}: {result.stdout} {result.stderr}"
        return pdfs

    return convert
