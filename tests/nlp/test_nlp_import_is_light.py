import subprocess
import sys


def test_importing_nlp_loads_neither_spacy_nor_the_application_shell() -> None:
    probe = (
        "import sys, nlp; "
        "print(sorted(m for m in ('spacy', 'prefect', 'flows', 'duckdb') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
