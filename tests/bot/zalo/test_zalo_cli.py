"""The CLI with Zalo: invitations without Telegram, both channels on one sheet, the
webhook, and `caitien run` with Zalo alone."""

from __future__ import annotations

import json

from storage.models import Setting
from tests.conftest import DEMO



def test_invite_json_works_with_zalo_alone(cli, zalo_api, monkeypatch):
    monkeypatch.setenv("ZALO_BOT_TOKEN", zalo_api.token)
    monkeypatch.setenv("ZALO_API_BASE_URL", zalo_api.base_url)
    cli("staff", "import", str(DEMO / "staff.csv"))
    code, out, err = cli("invite", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 8 and all(r["link"] is None and len(r["code"]) == 9 for r in rows)


def test_the_invitation_sheet_shows_the_zalo_code_and_the_telegram_link(cli, zalo_api, api,
                                                                        monkeypatch):
    monkeypatch.setenv("ZALO_BOT_TOKEN", zalo_api.token)
    monkeypatch.setenv("ZALO_API_BASE_URL", zalo_api.base_url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", api.token)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", api.base_url)
    cli("staff", "import", str(DEMO / "staff.csv"))
    code, out, err = cli("invite", "--staff", "0901234503")
    assert code == 0, err
    assert "nhắn mã cho bot «Caitien»" in out
    line = next(line for line in out.splitlines() if line.startswith("Lê Thị Thu Trang"))
    assert "mã " in line and "https://t.me/caitien_local_bot?start=" in line


def test_webhook_set_and_delete_for_zalo(cli, zalo_api, monkeypatch, db):
    monkeypatch.setenv("ZALO_BOT_TOKEN", zalo_api.token)
    monkeypatch.setenv("ZALO_API_BASE_URL", zalo_api.base_url)
    code, out, err = cli("webhook", "set", "--channel", "zalo", "--url", "http://bot.example")
    assert code == 2 and "HTTPS" in err
    code, out, err = cli("webhook", "set", "--channel", "zalo", "--url",
                         "https://truong.example.vn/")
    assert code == 0, err
    assert "https://truong.example.vn/zalo/webhook" in out
    assert zalo_api.state.webhook_url == "https://truong.example.vn/zalo/webhook"
    with db.connect() as conn:
        stored = conn.execute(Setting.__table__.select().where(
            Setting.key == "zalo.webhook_secret")).first()
    assert stored is not None and zalo_api.state.webhook_secret == stored.value
    assert stored.value not in out + err
    code, out, err = cli("webhook", "delete", "--channel", "zalo")
    assert code == 0 and zalo_api.state.webhook_url == ""


def test_a_refused_zalo_token_is_one_sentence(cli, zalo_api, monkeypatch):
    monkeypatch.setenv("ZALO_BOT_TOKEN", "999:WRONG")
    monkeypatch.setenv("ZALO_API_BASE_URL", zalo_api.base_url)
    code, _, err = cli("run")
    assert code == 2 and "ZALO_BOT_TOKEN" in err and "999:WRONG" not in err
