"""The README keeps its promises: the two commands first, every reason code explained."""

from __future__ import annotations

import re

from extractors.errors import Reason
from tests.conftest import ROOT
from transforms.quarantine import REASONS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_first_lines_are_the_install_run_and_test_commands() -> None:
    block = README.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert "targets-etl run samples/" in block[0]
    assert block[1].endswith("pytest -q")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert block[1] in ci.splitlines()


def test_every_reason_code_is_documented() -> None:
    table = README.split("<!-- reason-codes:start -->", 1)[1].split("<!-- reason-codes:end -->")[0]
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (.+) \|$", table, flags=re.M))
    assert rows == REASONS


def test_every_reason_code_says_what_to_do() -> None:
    assert set(REASONS) == set(Reason)
