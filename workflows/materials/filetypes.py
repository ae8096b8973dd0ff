"""What a file is, by its content: puremagic reads the signature, zipfile tells Word, Excel and
PowerPoint apart (all three are zip packages); a name that claims another type is refused."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import puremagic

ALLOWED_TEXT = "只接受 PDF、Word（doc/docx）、Excel（xls/xlsx）、PowerPoint（ppt/pptx）、JPG、PNG 文件"


@dataclass(frozen=True)
class FileType:
    family: str  # what the signature says: pdf, png, jpeg, ole (Office 97-2003), or the OOXML part folder
    extension: str
    content_type: str
    icon: str  # Material icon name for lists


_OOXML = "application/vnd.openxmlformats-officedocument."
TYPES = {
    ".pdf": FileType("pdf", ".pdf", "application/pdf", "picture_as_pdf"),
    ".doc": FileType("ole", ".doc", "application/msword", "description"),
    ".xls": FileType("ole", ".xls", "application/vnd.ms-excel", "table_chart"),
    ".ppt": FileType("ole", ".ppt", "application/vnd.ms-powerpoint", "slideshow"),
    ".docx": FileType("word/", ".docx", _OOXML + "wordprocessingml.document", "description"),
    ".xlsx": FileType("xl/", ".xlsx", _OOXML + "spreadsheetml.sheet", "table_chart"),
    ".pptx": FileType("ppt/", ".pptx", _OOXML + "presentationml.presentation", "slideshow"),
    ".jpg": FileType("jpeg", ".jpg", "image/jpeg", "image"),
    ".jpeg": FileType("jpeg", ".jpg", "image/jpeg", "image"),
    ".png": FileType("png", ".png", "image/png", "image"),
}
# The file input's `accept`: phones then offer the camera and the gallery as well as files.
ACCEPT = "image/*," + ",".join(sorted(TYPES)) + ",application/pdf"
_SIGNATURE_FAMILIES = {
    ".pdf": "pdf", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".jfif": "jpeg", ".jpe": "jpeg",
    ".doc": "ole", ".xls": "ole", ".ppt": "ole", ".docx": "zip", ".xlsx": "zip", ".pptx": "zip",
}
_HEAD_BYTES = 8192


class NotAllowed(ValueError):
    """The file is not one of the allowed types (its message is for people)."""


def _signature_family(head: bytes) -> str | None:
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        return None
    for match in matches:  # best match first
        family = _SIGNATURE_FAMILIES.get(match.extension)
        if family:
            return family
    return None


def _ooxml_family(stream) -> str | None:
    """The main part folder of an Office Open XML package ("word/", "xl/", "ppt/"), or None for any other zip."""
    try:
        with zipfile.ZipFile(stream) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((folder for folder in ("word/", "xl/", "ppt/") if any(n.startswith(folder) for n in names)), None)


def detect(stream, filename: str) -> FileType:
    """The type of the file in `stream` (read from its start; left at its start), or NotAllowed.

    The content decides: the name's extension must agree with it (an .exe renamed .pdf is refused);
    a name without a known extension takes the type the content shows, where the content alone tells it.
    """
    stream.seek(0)
    head = stream.read(_HEAD_BYTES)
    stream.seek(0)
    family = _signature_family(head) if head else None
    if family == "zip":
        family = _ooxml_family(stream)
        stream.seek(0)
    suffix = PurePath(filename).suffix
    claimed = TYPES.get(suffix.lower())
    if claimed is not None:
        if claimed.family != family:
            raise NotAllowed(f"文件内容与扩展名“{suffix}”不符（不是真正的{suffix.lstrip('.').upper()}文件）：{ALLOWED_TEXT}。")
        return claimed
    if family is None:
        raise NotAllowed(f"无法识别文件类型：{ALLOWED_TEXT}。")
    found = [t for t in TYPES.values() if t.family == family]
    if len(found) != 1 and family != "jpeg":  # Office 97-2003 files do not say which program they are
        raise NotAllowed(f"无法确定文件类型，请使用正确的扩展名：{ALLOWED_TEXT}。")
    return found[0]


def icon_for(content_type: str) -> str:
    return next((t.icon for t in TYPES.values() if t.content_type == content_type), "attach_file")


def human_size(size: int) -> str:
    """"0.3 KB", "12.5 KB", "3.2 MB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(size / 1024, 0.1):.1f} KB"
