"""The real plans beside the repository: a test that needs a missing one is skipped here,
saying which, and fails in CI (CAITIEN_REQUIRE_SEEDS=1)."""

import pytest


def test_a_missing_seed_is_skipped_with_its_name(seed, monkeypatch):
    monkeypatch.delenv("CAITIEN_REQUIRE_SEEDS", raising=False)
    with pytest.raises(pytest.skip.Exception, match="plan-that-is-not-there.docx is not here"):
        seed("plan-that-is-not-there.docx")


def test_a_missing_seed_fails_when_seeds_are_required(seed, monkeypatch):
    monkeypatch.setenv("CAITIEN_REQUIRE_SEEDS", "1")
    with pytest.raises(pytest.fail.Exception, match="plan-that-is-not-there.docx is not here"):
        seed("plan-that-is-not-there.docx")


def test_a_seed_that_is_there_is_its_path(seed):
    assert seed("plan-thcs-table-2023-2024.docx").read_bytes()[:2] == b"PK"
