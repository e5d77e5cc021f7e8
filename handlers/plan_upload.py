"""The principal sends the plan file in chat: a preview, then import or cancel.
Nothing is written to the plan before the confirmation."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.calendar import SchoolCalendar
from core.messages import Attachment, Reply
from handlers.dialogue import CHOICE, FILES, TEXT, Callback, Dialogue, Step
from handlers.turn import PlanRead, Turn
from handlers.typed import pick_option
from storage.conversations import save_step
from core.errors import InputError
from core.text import file_name
from storage.models import School, Upload
from readers.isolated import read_plan_isolated
from readers.plan_draft import PlanDraft, draft_from_json, draft_to_json
from readers.plan_files import SUFFIXES
from reports.plan_template import plan_template_bytes
from reports.plan_workbook import plan_workbook
from core.text import fold_words
from storage.plans import (current_plan, plan_changes, plan_gaps, plan_mismatch,
                           resolve_owners, save_plan, short_school_name)
from storage.evidence_store import EvidenceStore
from storage.schools import school_calendar, school_tz
from storage.staff_repo import active_staff

FLOW = "plan_import"
ACTIONS = ["import", "cancel", "excel"]  # in the order the buttons are numbered
FOLDER = "ke-hoach"
PLAN = Callback("plan", "action")
NEEDS_TEMPLATE = ("plan_no_criteria", "plan_missing_columns", "plan_no_tasks")


def is_plan_file(attachment: Attachment) -> bool:
    return attachment.kind == "document" and Path(attachment.file_name or "").suffix.lower() \
        in SUFFIXES


def read_ahead(sessions: sessionmaker[Session], evidence: EvidenceStore, school_code: str,
               stored: dict) -> PlanRead:
    """The plan file just downloaded, read once, in a process of its own, before the turn's
    transaction begins: however long the reading takes, no lock is held meanwhile."""
    with sessions() as session:
        school = session.scalar(select(School).where(School.code == school_code))
        plan = current_plan(session, school.id)
        year, cal = (plan.school_year if plan else None), school_calendar(school)
    data = evidence.path_of(stored["path"]).read_bytes()
    try:
        draft = _read(data, stored["file_name"], year, cal)
    except InputError as error:
        return PlanRead(stored["path"], data, refused=error)
    return PlanRead(stored["path"], data, draft=draft)


def receive(turn: Turn, school: School, stored: dict) -> bool:
    """Show what importing the file read ahead would do. The file and the plan as read
    wait for the confirmation in the database, where whichever process gets the answer
    finds them. Returns whether it could be read."""
    read = turn.plan_read
    if read is None or read.path != stored["path"]:
        # Not read ahead: the person's state changed between the download and this turn.
        turn.say("chat/file_failed.j2")
        return False
    if read.refused is not None:
        _refuse(turn, read.refused)
        return False
    draft = read.draft
    upload = Upload(school_id=school.id, file_name=stored["file_name"],
                    mime_type=stored.get("mime_type"), data=read.data,
                    draft=draft_to_json(draft), created_at=turn.clock.now())
    turn.session.add(upload)
    turn.session.flush()
    staff = active_staff(turn.session, school.id)
    owners = resolve_owners(draft, staff)
    today = turn.clock.now().astimezone(school_tz(school)).date()
    mismatch = plan_mismatch(turn.session, school, draft, today)
    data = {"school_id": school.id, "upload_id": upload.id}
    if mismatch.any:  # «Nhập» alone is not enough: the school's name is typed
        data["confirm"] = _confirm_words(turn, school)
    save_step(turn.conversation, FLOW, "confirm", data, turn.clock)
    turn.say("chat/plan_preview.j2", _buttons(turn), draft=draft,
             owners=owners, names={m.id: m.name for m in staff},
             gaps=plan_gaps(draft, owners), mismatch=mismatch, confirm=data.get("confirm"),
             changes=plan_changes(turn.session, school.id, draft),
             has_plan=current_plan(turn.session, school.id) is not None,
             warnings=[turn.renderer.text(f"warnings/{w.key}.j2", **w.params)
                       for w in draft.warnings])
    return True


def receive_again(turn: Turn, school: School, stored: dict) -> None:
    """A corrected file sent while a preview waits: it takes the place of the one waiting,
    once it reads; if it does not, the first one still waits."""
    waiting = turn.conversation.data.get("upload_id")
    if receive(turn, school, stored):
        old = turn.session.get(Upload, waiting)
        if old is not None:
            turn.session.delete(old)
    else:
        prompt(turn)


def _refuse(turn: Turn, error: InputError) -> None:
    """One sentence; when the file held no plan the reader could use, the spreadsheet
    template comes with it, to fill in instead."""
    if error.key not in NEEDS_TEMPLATE or not turn.caps.documents_out:
        turn.say(f"errors/{error.key}.j2", **error.params)
        return
    name = turn.renderer.text("chat/plan_template_name.j2")
    turn.replies.append(Reply(turn.renderer.text(f"errors/{error.key}.j2", **error.params,
                                                 template_attached=True),
                              document=(name, plan_template_bytes(turn.renderer))))


def prompt(turn: Turn) -> None:
    turn.say("chat/plan_confirm_again.j2", _buttons(turn),
             confirm=turn.conversation.data.get("confirm"))


def ask(turn: Turn) -> None:
    """The preview's question again; after a photo (not kept: it is not a plan file), the
    sentence saying what to send instead, the preview still waiting."""
    pictures = [a for a in turn.msg.attachments if _is_picture(a)]
    if pictures:
        turn.say("errors/plan_scanned.j2", _buttons(turn), name=pictures[0].file_name)
    else:
        prompt(turn)


def _is_picture(attachment: Attachment) -> bool:
    return attachment.kind == "photo" or (attachment.mime_type or "").startswith("image/")


def corrected(turn: Turn, stored: list[dict]) -> None:
    """A file sent while the preview waits: a corrected plan takes the waiting one's place."""
    plans = [f for f in stored if Path(f.get("file_name") or "").suffix.lower() in SUFFIXES]
    if not plans:
        prompt(turn)
        return
    receive_again(turn, turn.session.get(School, turn.conversation.data["school_id"]),
                  plans[0])


def _confirm_words(turn: Turn, school: School) -> str:
    return turn.renderer.text("chat/plan_confirm_words.j2",
                              short=short_school_name(school.name or school.code)).strip()


def answer(turn: Turn) -> None:
    chosen = PLAN.unpack(turn.msg.choice)
    action = chosen["action"] if chosen else None
    confirm = turn.conversation.data.get("confirm")
    if confirm and action is None and turn.msg.text \
            and fold_words(turn.msg.text) == fold_words(confirm):
        _import(turn)
        return
    if action is None:
        picked = pick_option(turn.msg.text, turn.renderer, [f"button.{a}" for a in ACTIONS])
        action = picked.removeprefix("button.") if picked else None
    if action == "import" and confirm:
        turn.say("chat/plan_confirm_typed.j2", _buttons(turn), confirm=confirm)
    elif action == "import":
        _import(turn)
    elif action == "cancel":
        cancel(turn)
    elif action == "excel":
        _send_excel(turn)
    else:
        prompt(turn)


def cancel(turn: Turn) -> None:
    _forget_upload(turn)
    save_step(turn.conversation, None, None, {}, turn.clock)
    turn.say("chat/plan_cancelled.j2")


def _import(turn: Turn) -> None:
    pending = _pending(turn)
    if pending is None:
        return
    school, upload, draft = pending
    report = save_plan(turn.session, school, draft, turn.clock, source_name=upload.file_name,
                       via=turn.msg.channel, actor_id=turn.staff_in(school.id).id)
    # The signed document is kept with the school's files, as the evidence of what was
    # imported. (A transaction that fails after this leaves a stray copy, never a missing one.)
    turn.evidence.save(school.code, FOLDER, "document", upload.data, upload.file_name,
                       upload.mime_type, turn.clock.now())
    turn.session.delete(upload)
    save_step(turn.conversation, None, None, {}, turn.clock)
    gaps = plan_gaps(draft, resolve_owners(draft, active_staff(turn.session, school.id)))
    turn.say("chat/plan_imported.j2", report=report, gaps=gaps)


def _send_excel(turn: Turn) -> None:
    """The plan as understood, in the plan spreadsheet's columns: the principal corrects it
    and sends it back as a new file. The preview stays open, to import or cancel still."""
    pending = _pending(turn)
    if pending is None:
        return
    school, _, draft = pending
    name = turn.renderer.text("chat/plan_excel_name.j2", school=school, draft=draft)
    turn.replies.append(Reply(turn.renderer.text("chat/plan_excel.j2"),
                              document=(name, plan_workbook(draft, turn.renderer))))
    turn.say("chat/plan_excel_next.j2", _buttons(turn),
             confirm=turn.conversation.data.get("confirm"))


def _pending(turn: Turn) -> tuple[School, Upload, PlanDraft] | None:
    """The school, the file waiting for the confirmation and the plan as the preview read
    it; None, and the dialogue closed, when the file went with an older version's files, or
    was kept by one that did not keep the plan read (the principal sends it again)."""
    data = turn.conversation.data
    upload = turn.session.get(Upload, data.get("upload_id"))
    draft = draft_from_json(upload.draft) if upload is not None and upload.draft else None
    if draft is None:
        _forget_upload(turn)
        save_step(turn.conversation, None, None, {}, turn.clock)
        turn.say("chat/plan_cancelled.j2")
        return None
    return turn.session.get(School, data["school_id"]), upload, draft


def _forget_upload(turn: Turn) -> None:
    upload = turn.session.get(Upload, turn.conversation.data.get("upload_id"))
    if upload is not None:
        turn.session.delete(upload)


def _read(data: bytes, name: str | None, school_year: str | None,
          cal: SchoolCalendar) -> PlanDraft:
    """The readers take a file: the bytes are written to a private temporary one, and read
    in a process of its own, so that a file made to be expensive costs only that process."""
    with tempfile.TemporaryDirectory(prefix="caitien-plan-") as folder:
        path = Path(folder) / (file_name(name, limit=120) or "plan")
        path.write_bytes(data)
        return read_plan_isolated(path, school_year, cal)


def _buttons(turn: Turn):
    return [[turn.button("button.import", PLAN.pack("import")),
             turn.button("button.cancel", PLAN.pack("cancel"))],
            [turn.button("button.excel", PLAN.pack("excel"))]]


def _stores(session, data: dict, attachments: list[Attachment]) -> tuple[str, str] | None:
    """A corrected plan file is downloaded next to the one waiting; anything else is not."""
    if not all(is_plan_file(a) for a in attachments):
        return None
    return session.get(School, data["school_id"]).code, FOLDER


DIALOGUE = Dialogue(
    flow=FLOW,
    begin=prompt,  # it begins with a file (receive), not a command
    cancel=cancel,
    leaves=False,
    busy="chat/plan_busy.j2",
    steps=(Step("confirm", ask, answer, frozenset({TEXT, CHOICE, FILES}), (PLAN,),
                files=corrected, stores=_stores, keeps_files=False),),
)
