"""The names of a zip's entries, decoded as their author wrote them.

A zip entry's name is bytes. With bit 11 of its flags set (the "language encoding flag" of
PKWARE's APPNOTE, 4.4.4) they are UTF-8; without it the standard says IBM code page 437, and
Python's ``zipfile`` reads them so. But older Windows tools and WinRAR write the names in the
code page of the machine that made the archive (GBK in China, cp1252 or cp850 in Western
Europe, ...), and some tools write UTF-8 without setting the flag. Read as cp437, ``王芳`` in
GBK becomes ``═⌡╖╝``. So, for the names without the flag:

1. a name that is valid UTF-8 is UTF-8 (non-ASCII text in a legacy code page is almost never
   valid UTF-8 by chance);
2. the other names are decoded in one code page, detected over all of them together: the
   detector ``charset-normalizer`` proposes the Windows code pages (:data:`CODE_PAGES`, OEM and
   ANSI, the ones such tools write) that decode them into text without mess, and among those the
   one that makes the most names look like names wins (letters of one script per word, see
   :func:`_looks_like_a_name`), then the detector's lowest mess, then the more common code page.
   A few names are little text for any detector: the choice is a guess, and the grade command
   says so in its closing summary;
3. ``encoding`` (``grade --zip-encoding NAME``) forces one code page for every name without the
   flag, when the guess is wrong.
"""

from __future__ import annotations

import codecs
import dataclasses
import unicodedata

from charset_normalizer import from_bytes

from autograder.errors import GraderError

UTF8_FLAG = 0x800  # bit 11 of an entry's general purpose flags
#: Code pages that Windows tools write zip names in, the more common first: Western Europe and
#: the US (ANSI, OEM), Chinese (simplified, traditional), Japanese, Korean, Cyrillic, Central
#: European, Turkish, Greek, Baltic, Hebrew, Arabic, Thai, Vietnamese.
CODE_PAGES = ("cp1252", "cp437", "cp850", "gb18030", "cp932", "cp949", "big5", "cp1251", "cp866", "cp1250", "cp852",
              "cp1254", "cp857", "cp1253", "cp737", "cp1257", "cp775", "cp1255", "cp862", "cp1256", "cp720", "cp874",
              "cp1258")
FALLBACK = "cp437"  # the zip standard's, when no code page decodes the names


class ZipNameError(GraderError):
    """An entry's name that the encoding given with --zip-encoding cannot decode, or an unknown encoding."""


@dataclasses.dataclass
class Names:
    """The decoded names, in the order of the entries given, and how the legacy ones were read."""

    names: list
    encoding: str | None = None  # the code page of the names without the flag that are not UTF-8
    legacy: int = 0  # how many names were decoded in that code page
    guessed: bool = False  # the code page was detected (True) or given (False)

    def summary(self) -> str:
        """A clause for the closing summary.

        Returns
        -------
        str
            How the legacy names were decoded, or '' when every name was UTF-8 or ASCII.
        """
        if not self.legacy:
            return ""
        how = ("by guess (if names look wrong, give the right one with --zip-encoding NAME)" if self.guessed
               else "as given with --zip-encoding")
        return f"{self.legacy} name(s) in the zip without the UTF-8 flag were decoded as {self.encoding} {how}"


def check_encoding(name: str) -> str:
    """The canonical name of a text encoding given with ``--zip-encoding``.

    Parameters
    ----------
    name : str

    Returns
    -------
    str
        The codec's canonical name.

    Raises
    ------
    ZipNameError
        When Python knows no such text encoding.
    """
    try:
        try:
            b"a".decode(name)  # LookupError for an unknown name, and for base64, rot13, ... (not text encodings)
        except UnicodeDecodeError:
            pass  # a text encoding that decodes no single byte (utf-16, ...)
        return codecs.lookup(name).name
    except LookupError:
        raise ZipNameError(f"unknown encoding {name!r} for --zip-encoding (examples: gbk, cp1252, cp437, "
                           "shift_jis, cp866)") from None


def raw_name(info) -> bytes:
    """The bytes of an entry's name as stored (``zipfile`` decoded them as UTF-8 or cp437, both reversible).

    Parameters
    ----------
    info : zipfile.ZipInfo

    Returns
    -------
    bytes
    """
    return info.orig_filename.encode("utf-8" if info.flag_bits & UTF8_FLAG else "cp437")


def decode_names(infos, encoding: str | None = None):
    """The names of zip entries, legacy code pages decoded.

    Parameters
    ----------
    infos : list of zipfile.ZipInfo
        ``ZipFile.infolist()``.
    encoding : str, optional
        The code page of the names without the UTF-8 flag (``--zip-encoding``); detected
        when None.

    Returns
    -------
    Names
        One name per entry, cut at a NUL as ``zipfile`` does.

    Raises
    ------
    ZipNameError
        When a name is not valid in the given ``encoding``.
    """
    names, legacy = [], {}
    for k, info in enumerate(infos):
        raw = raw_name(info)
        if info.flag_bits & UTF8_FLAG or raw.isascii():
            names.append(info.orig_filename)
            continue
        if encoding is None:
            try:
                names.append(raw.decode("utf-8"))
                continue
            except UnicodeDecodeError:
                pass
        names.append(None)
        legacy[k] = raw
    names = [name and name.split("\0")[0] for name in names]  # as zipfile cuts a name at a NUL
    if not legacy:
        return Names(names)
    guessed = encoding is None
    encoding = encoding or _detect(list(legacy.values()))
    for k, raw in legacy.items():
        try:
            names[k] = raw.decode(encoding)
        except UnicodeDecodeError:  # only a given encoding can fail: a detected one decoded them all
            raise ZipNameError(f"entry {k + 1} of the zip, whose name is the bytes {raw!r}, is not valid "
                               f"{encoding} (--zip-encoding); give another encoding, or leave the option out "
                               "to have it detected") from None
        names[k] = names[k].split("\0")[0]
    return Names(names, encoding, len(legacy), guessed)


def _detect(raws):
    """The code page of the names ``raws`` (bytes), judged on all of them together."""
    matches = from_bytes(b"\n".join(raws), cp_isolation=list(CODE_PAGES))
    candidates = []
    for match in matches:
        encoding = codecs.lookup(match.encoding).name
        if encoding not in CODE_PAGES:
            continue
        try:
            decoded = [raw.decode(encoding) for raw in raws]
        except UnicodeDecodeError:
            continue
        odd = sum(not _looks_like_a_name(name) for name in decoded)
        candidates.append((odd, match.chaos, CODE_PAGES.index(encoding), encoding))
    return min(candidates)[3] if candidates else FALLBACK


def _script(char):
    """A letter's script, from its Unicode name (``LATIN``, ``CYRILLIC``, ``HANGUL``, ...); Chinese
    characters and the Japanese kana are one script, as Japanese names mix them."""
    word = unicodedata.name(char, "?").split()[0]
    return "CJK" if word in ("CJK", "HIRAGANA", "KATAKANA") else word


def _looks_like_a_name(path):
    """Whether every non-ASCII character of ``path`` is a letter or a mark, and every word one script."""
    for word in path.replace("/", " ").replace("_", " ").split():
        scripts = set()
        for char in word:
            if char.isascii():
                if char.isalpha():
                    scripts.add("LATIN")
                continue
            if unicodedata.category(char)[0] not in "LM":
                return False
            if _script(char) != "COMBINING":  # an accent of any script; other marks belong to theirs
                scripts.add(_script(char))
        if len(scripts) > 1:
            return False
    return True
