"""Tiny real files of each type, built in memory."""

import io
import struct
import zipfile
import zlib

import docx
import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
OLE = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode"


def png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(
        b"IEND", b"")


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("关于门诊楼改造的请示")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "预算"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


def pptx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p:presentation/>"})


ALLOWED = {
    "方案.pdf": (PDF, "application/pdf"),
    "照片.jpg": (JPEG, "image/jpeg"),
    "截图.png": (png(), "image/png"),
    "请示.docx": (docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "预算.xlsx": (xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "汇报.pptx": (pptx_bytes(), "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "旧版.doc": (OLE, "application/msword"),
    "旧表.xls": (OLE, "application/vnd.ms-excel"),
    "旧稿.ppt": (OLE, "application/vnd.ms-powerpoint"),
}


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    data = ALLOWED[name][0] if data is None else data
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")
