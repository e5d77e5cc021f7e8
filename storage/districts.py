"""Districts (Phòng GD&ĐT): their accounts, and the schools they oversee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import InputError
from core.phones import normalize_phone
from core.text import clean
from storage.models import District, DistrictMember, School


@dataclass
class DistrictListing:
    district: District
    schools: list[School]
    members: list[DistrictMember]  # active accounts


def add_district(session: Session, code: str, name: str, now: datetime) -> District:
    code, name = clean(code), clean(name)
    if not code or not name:
        raise InputError("district_incomplete")
    if session.scalar(select(District.id).where(District.code == code)) is not None:
        raise InputError("district_exists", code=code)
    district = District(code=code, name=name, created_at=now)
    session.add(district)
    session.flush()
    return district


def find_district(session: Session, code: str) -> District:
    district = session.scalar(select(District).where(District.code == clean(code)))
    if district is None:
        raise InputError("district_unknown", code=code)
    return district


def add_member(session: Session, district: District, name: str, phone: str,
               now: datetime) -> DistrictMember:
    """A district account signs in by its phone: one active account a phone. Adding the same
    phone to the same district again renames the account (and reactivates it)."""
    phone_norm = normalize_phone(phone)
    if phone_norm is None:
        raise InputError("phone_bad", phone=phone)
    name = clean(name)
    if not name:
        raise InputError("district_incomplete")
    existing = session.scalar(select(DistrictMember).where(
        DistrictMember.phone_norm == phone_norm, DistrictMember.active))
    if existing is not None and existing.district_id != district.id:
        raise InputError("district_member_taken", phone=phone,
                         district=existing.district.name)
    member = existing or session.scalar(select(DistrictMember).where(
        DistrictMember.phone_norm == phone_norm, DistrictMember.district_id == district.id))
    if member is None:
        member = DistrictMember(district_id=district.id, created_at=now)
        session.add(member)
    member.name, member.phone, member.phone_norm = name, clean(phone), phone_norm
    member.active = True
    session.flush()
    return member


def find_member_by_phone(session: Session, phone: str) -> DistrictMember | None:
    """The active district account with this phone, if there is one."""
    phone_norm = normalize_phone(phone)
    if phone_norm is None:
        return None
    return session.scalar(select(DistrictMember).where(
        DistrictMember.phone_norm == phone_norm, DistrictMember.active))


def attach_school(session: Session, school: School, district: District) -> None:
    """The school is the district's from now on (a school is in one district at a time)."""
    school.district_id = district.id
    session.flush()


def districts(session: Session) -> list[DistrictListing]:
    """Every district by code, with its schools and its active accounts."""
    found = {d.id: DistrictListing(d, [], []) for d in session.scalars(
        select(District).order_by(District.code))}
    for school in session.scalars(select(School).where(School.district_id.in_(found))
                                  .order_by(School.code)):
        found[school.district_id].schools.append(school)
    for member in session.scalars(select(DistrictMember).where(
            DistrictMember.district_id.in_(found), DistrictMember.active)
            .order_by(DistrictMember.name, DistrictMember.id)):
        found[member.district_id].members.append(member)
    return list(found.values())
