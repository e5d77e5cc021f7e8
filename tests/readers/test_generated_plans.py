"""The plan importer on documents it has never seen: plans generated the way schools write
them (tests/readers/plangen.py, whose docstring states what each document's plan is), read
back and compared: criteria, each criterion's tasks, their owners and timelines, targets,
school, framework, level and year.

A failure names the seed; `python -m tests.readers.plangen SEED FMT` writes that document
again and prints its plan."""

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from core.errors import InputError
from readers.plan_files import read_plan
from tests.readers.plangen import FORMATS, Generated, generate, score


def assert_read_back(generated: Generated, seed: int) -> None:
    where = f"seed {seed}: {generated.layout} .{generated.fmt} ({generated.path})"
    try:
        draft = read_plan(generated.path)
    except InputError as error:
        pytest.fail(f"{where}: not imported: {error.key} {error.params}", pytrace=False)
    result = score(generated.expected, draft)
    if result.problems:
        pytest.fail(f"{where}: {len(result.problems)} differences\n{result.report()}", pytrace=False)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=50, deadline=None, database=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2 ** 32 - 1))
def test_a_generated_plan_reads_back_as_written(fmt, seed):
    with tempfile.TemporaryDirectory() as folder:
        assert_read_back(generate(random.Random(seed), fmt, folder=Path(folder)), seed)


# One document of each layout, always the same: small failing examples to start from.
EXAMPLES = [("table", "docx", 101), ("table", "txt", 102), ("tt57", "docx", 103), ("tt57", "txt", 104),
            ("prose", "docx", 105), ("prose", "txt", 106), ("mixed", "docx", 107), ("mixed", "txt", 108),
            ("sar", "docx", 109), ("sar", "txt", 110), ("sheet", "xlsx", 111)]


@pytest.mark.parametrize("layout, fmt, seed", EXAMPLES)
def test_one_document_of_each_layout(tmp_path, layout, fmt, seed):
    assert_read_back(generate(random.Random(seed), fmt, layout, tmp_path), seed)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_seed_gives_the_same_document_again(tmp_path, fmt):
    first = generate(random.Random(7), fmt, folder=tmp_path / "a")
    second = generate(random.Random(7), fmt, folder=tmp_path / "b")
    assert (first.layout, first.expected) == (second.layout, second.expected)
    if fmt == "txt":
        assert first.path.read_text(encoding="utf-8") == second.path.read_text(encoding="utf-8")
