"""Plans written as other schools write them, never by the generator nor against the reader
(tests/readers/independent/README.md): each is read as an upload is, in a process of its
own, and compared with the answer typed from it."""

from __future__ import annotations

import pytest

from readers.isolated import read_plan_isolated
from tests.readers.independent_check import PENDING, SHORT, answer_of, compare, documents

NOT_YET = PENDING | SHORT


def _cases() -> list:
    return [pytest.param(path, id=path.name,
                         marks=[pytest.mark.xfail(strict=True, reason=NOT_YET[path.name])]
                         if path.name in NOT_YET else [])
            for path in documents()]


@pytest.mark.parametrize("path", _cases())
def test_an_independent_plan_reads_as_its_answer_says(path):
    draft = read_plan_isolated(path)
    result = compare(answer_of(path), draft)
    assert not result.differences, f"{path.name}:\n" + "\n".join(result.differences)


def test_every_document_has_its_answer_and_the_folder_keeps_its_size():
    paths = documents()
    assert len(paths) >= 12
    assert all(answer_of(path)["criteria"] for path in paths)
    assert set(NOT_YET) <= {path.name for path in paths}
