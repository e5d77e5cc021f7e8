"""A draft kept as JSON (with a plan upload, between its preview and «Nhập») comes back as
the same draft: every field, every date, every warning."""

import json

from readers.plan_draft import draft_from_json, draft_to_json
from readers.plan_files import read_plan
from tests.phuhuu import SEEDS



def test_every_seed_plan_comes_back_from_json_as_it_was():
    plans = sorted(SEEDS.glob("plan-*"))
    assert plans, f"no seed plans in {SEEDS}"
    for path in plans:
        draft = read_plan(path)
        assert draft_from_json(json.loads(json.dumps(draft_to_json(draft)))) == draft, path.name
