"""The lessons and exercises are written in the course's own words, not the source resource's.

`source_overlap.py` lives beside the source text in the shared folder next to the repository
(../shared/tools/). It is not part of the repository, so these tests skip where it is absent.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(settings.BASE_DIR)
TOOL = REPO.parent / "shared" / "tools" / "source_overlap.py"

# "0 of 430 sentence(s) of 14+ words keep >= 0.80 of a source sentence's words in order
#  (3 keep >= 0.70)"
NEAR = re.compile(
    r"^(?P<near>\d+) of (?P<total>\d+) sentence\(s\) of 14\+ words keep >= 0\.80 .*"
    r"\((?P<loose>\d+) keep >= 0\.70\)$",
    re.MULTILINE,
)
# "0 passage(s) of 12+ words repeated from the source, in 22 Markdown file(s)"
EXACT = re.compile(r"^(?P<found>\d+) passage\(s\) of 12\+ words repeated", re.MULTILINE)

pytestmark = pytest.mark.skipif(
    not TOOL.is_file(),
    reason=f"{TOOL} is not here: the source text and its overlap tool sit outside the repository",
)


def _overlap(*args: str) -> str:
    finished = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, str(TOOL), "content", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.stderr == "", finished.stderr
    return finished.stdout


def test_no_sentence_keeps_most_of_a_source_sentence_in_order():
    output = _overlap("--near")
    counts = NEAR.search(output)

    assert counts, output[-500:]
    assert int(counts["total"]) > 0
    assert int(counts["near"]) == 0, output
    assert int(counts["loose"]) <= 10, output


def test_no_passage_repeats_the_source_word_for_word():
    output = _overlap()
    counts = EXACT.search(output)

    assert counts, output[-500:]
    assert int(counts["found"]) == 0, output
