"""Vietnamese typed before Unicode, in the two 8-bit encodings schools used: TCVN3 (ABC),
shown by the .Vn* fonts (.VnTime, .VnArial …), and VNI, shown by the VNI-* fonts
(VNI-Times, VNI-Helve …).

A Word or Excel file keeps such text as the Windows-1252 characters of its bytes: «ế» in
.VnTime is byte 0xD5, stored as «Õ», so «Kế hoạch» reads «KÕ ho¹ch». Decoding maps those
characters back through the font's encoding, to NFC Unicode.

TCVN3 here is what the ABC fonts hold (TCVN 5712:1993 «VN3»): every lowercase letter with
its tone, and the capitals without a tone (Ă Â Ê Ô Ơ Ư Đ). The full standard («VN1», glibc's
TCVN5712-1) also puts the toned capitals at 0x01-0x17, 0x80-0x9F and sixteen codes from
0xAF to 0xFF; a VN3 font has no such letters, and there 0x80-0x9F are Windows' own
punctuation (“ ” – …), which Word's typing turns quotes and dashes into, so those codes are
left as they are. So are VN1's five separate tone marks at 0xB0-0xB4: the precomposed
letters already cover every letter, and a «°» (0xB0) in «25°C» must not become a tone on
the letter before it.
The capitals-only fonts (.VnTimeH, .VnArialH …) draw the same codes as capitals: a toned
capital was typed as its lowercase code in such a font.

VNI writes a letter as its base letter followed by one mark character (two marks in one
character for ấ, ặ …), and a few letters as one character (đ ơ ư, and í ì ỉ ĩ ị ỵ); the
marks become combining marks and NFC composes them."""

from __future__ import annotations

import codecs
import re
import unicodedata

TCVN3, TCVN3_CAPS, VNI = "tcvn3", "tcvn3_caps", "vni"

# How Word stores each byte of an 8-bit font: the Windows-1252 character, or the Latin-1
# one for the five bytes Windows-1252 leaves undefined.
WINDOWS_CHAR = [bytes([code]).decode("cp1252", "ignore") or chr(code) for code in range(256)]

# Older converters and symbol-font handling store a legacy font's byte in the private use
# area instead, at U+F000 + byte.
_PRIVATE = 0xF000

# TCVN3 (VN3): the letter each code from 0xA1 shows; "·" where VN3 has no letter.
_TCVN3_HIGH = (
    "ĂÂÊÔƠƯĐăâêôơưđ"  # 0xA1-0xAE
    "······"  # 0xAF-0xB4: a VN1 capital, then the separate tone marks
    "àảãáạ·ằẳẵắ"  # 0xB5-0xBE
    "·······"  # 0xBF-0xC5: VN1 capitals
    "ặầẩẫấậè·ẻẽéẹềểễếệìỉ"  # 0xC6-0xD8
    "···ĩíịò·"  # 0xD9-0xE0
    "ỏõóọồổỗốộờởỡớợù·"  # 0xE1-0xF0
    "ủũúụừửữứựỳỷỹýỵ·"  # 0xF1-0xFF
)
_NO_LETTER = "·"

# VNI: the characters that stand for marks, lowercase then capital; and the letters that
# are one character.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
_VNI_MARKS = {
    "ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT,
    "â": _CIRCUMFLEX, "á": _CIRCUMFLEX + _ACUTE, "à": _CIRCUMFLEX + _GRAVE,
    "å": _CIRCUMFLEX + _HOOK, "ã": _CIRCUMFLEX + _TILDE, "ä": _CIRCUMFLEX + _DOT,
    "ê": _BREVE, "é": _BREVE + _ACUTE, "è": _BREVE + _GRAVE, "ú": _BREVE + _HOOK,
    "ü": _BREVE + _TILDE, "ë": _BREVE + _DOT,
}
_VNI_LETTERS = {"ñ": "đ", "ô": "ơ", "ö": "ư", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ",
                "ò": "ị", "î": "ỵ"}


def encoding_of_font(font_name: str | None) -> str | None:
    """TCVN3, TCVN3_CAPS or VNI for a legacy Vietnamese font's name, None for any other."""
    name = (font_name or "").strip().lower()
    if name.startswith(".vn"):
        return TCVN3_CAPS if name.endswith("h") else TCVN3
    if name.startswith(("vni-", "vni ")):
        return VNI
    return None


def decode_by_font(text: str, font_name: str | None) -> str:
    """`text` as a person saw it in the font `font_name`, in NFC Unicode."""
    encoding = encoding_of_font(font_name)
    return text if encoding is None else decode(text, encoding)


def decode(text: str, encoding: str) -> str:
    """`text` stored by Word in a font of `encoding`, in NFC Unicode. A text holding
    Vietnamese letters no 8-bit font can store (ế, ư …) was typed in Unicode, whatever its
    font says, and is left as it is; other such characters (≥, →) are only kept."""
    if not text or typed_in_unicode(text):
        return text
    vni = encoding == VNI
    try:  # back to the bytes, then through the font's table: 100× a str.translate
        decoded = codecs.charmap_decode(text.encode("cp1252"), "strict",
                                        _VNI_BYTES if vni else _TCVN3_BYTES)[0]
    except UnicodeEncodeError:  # private use characters, or a symbol no 8-bit font has
        decoded = text.translate(_VNI_TABLE if vni else _TCVN3_TABLE)
    decoded = unicodedata.normalize("NFC", decoded)
    return decoded.upper() if encoding == TCVN3_CAPS else decoded


def note_of(encoding: str) -> str:
    """The preview's line for text converted from `encoding` (templates/warnings/)."""
    return "legacy_font_vni" if encoding == VNI else "legacy_font_tcvn3"


def decode_noted(text: str, encoding: str | None, notes: set[str] | None) -> str:
    """`text` decoded from `encoding` (None: as it is); `notes` learns when it changed."""
    if encoding is None:
        return text
    decoded = decode(text, encoding)
    if notes is not None and decoded != text:
        notes.add(note_of(encoding))
    return decoded


def typed_in_unicode(text: str) -> bool:
    """Whether `text` holds a Vietnamese letter only Unicode has: then no legacy font's
    bytes are in it."""
    return _UNICODE_VIETNAMESE.search(text) is not None


def windows_text(data: bytes) -> str:
    """Bytes as Windows shows them in an 8-bit font, the characters `decode` takes."""
    return codecs.charmap_decode(data, "strict", _WINDOWS_TABLE)[0]


def _by_byte(letters: dict[int, str]) -> dict[int, str]:
    """A str.translate table for letters keyed by byte: the Windows-1252 and the private
    use area characters of each byte, ASCII standing for itself there too."""
    table: dict[int, str] = {_PRIVATE + code: chr(code) for code in range(0x20, 0x80)}
    for code, letter in letters.items():
        table[ord(WINDOWS_CHAR[code])] = letter
        table[_PRIVATE + code] = letter
    return table


def _tcvn3_letters() -> dict[int, str]:
    return {0xA1 + index: letter for index, letter in enumerate(_TCVN3_HIGH)
            if letter != _NO_LETTER}


def _vni_letters() -> dict[int, str]:
    letters = {**_VNI_MARKS, **_VNI_LETTERS}
    letters |= {key.upper(): value.upper() for key, value in _VNI_LETTERS.items()}
    letters |= {key.upper(): value for key, value in _VNI_MARKS.items()}
    return {ord(key.encode("cp1252")): value for key, value in letters.items()}


# The Vietnamese letters beyond Latin-1 (ă đ ĩ ũ ơ ư and the toned ones), and the tone
# marks as combining characters: Unicode text, never a legacy font's bytes.
_UNICODE_VIETNAMESE = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0"
    "\u1ea0-\u1ef9\u0300\u0301\u0303\u0309\u0323]")
_TCVN3_TABLE = _by_byte(_tcvn3_letters())
_VNI_TABLE = _by_byte(_vni_letters())
# The same by byte, for codecs.charmap_decode: a string where each letter is one character,
# a mapping where a VNI mark is two.
_TCVN3_BYTES = "".join(_TCVN3_TABLE.get(ord(char), char) for char in WINDOWS_CHAR)
_VNI_BYTES = {code: _VNI_TABLE.get(ord(char), char) for code, char in enumerate(WINDOWS_CHAR)}
_WINDOWS_TABLE = "".join(WINDOWS_CHAR)
