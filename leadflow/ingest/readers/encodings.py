"""Encodings: which codec an inbox file is decoded with, decoding with a lossless cp1252 fallback, binary sniffing."""

from __future__ import annotations

import codecs

from leadflow.ingest.readers.frame import FileRefused

HEAD_BYTES = 1 << 20  # what encoding, binary and delimiter sniffing look at


def _latin1_for_undefined(error: UnicodeError) -> tuple[str, int]:
    # cp1252 leaves 0x81 0x8D 0x8F 0x90 0x9D undefined; latin-1 maps every byte, so nothing is lost.
    return error.object[error.start:error.end].decode("latin-1"), error.end


codecs.register_error("leadflow-latin1-fallback", _latin1_for_undefined)

UTF8_CODECS = (None, "utf-8", "utf-8-sig")  # None: UTF-8 when valid, else Windows-1252
NOT_CONTROL = bytes(b for b in range(256) if not (b < 9 or 14 <= b < 32 or b == 127))


def _codec(head: bytes, requested: str | None) -> str | None:
    """The codec a file is decoded with; None means UTF-8 if the bytes are valid UTF-8, else Windows-1252."""
    if requested:
        try:
            name = codecs.lookup(requested).name
        except LookupError:
            raise FileRefused(f"unknown encoding '{requested}'") from None
        return "utf-8-sig" if name == "utf-8" else name  # a BOM is never part of the first header name
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return _utf16_without_bom(head)


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL bytes in every other position (Latin text); anything else is not UTF-16."""
    pairs = min(len(head), 4096) // 2
    if pairs < 2:
        return None
    even_nuls, odd_nuls = head[0:2 * pairs:2].count(0), head[1:2 * pairs:2].count(0)
    if odd_nuls > 0.3 * pairs and even_nuls < 0.05 * pairs:
        codec = "utf-16-le"
    elif even_nuls > 0.3 * pairs and odd_nuls < 0.05 * pairs:
        codec = "utf-16-be"
    else:
        return None
    # NULs in a binary file can fall the same way; real UTF-16 text decodes to (almost) no control characters.
    text = head[:2 * pairs].decode(codec, "replace").encode("utf-8")
    return None if len(text.translate(None, NOT_CONTROL)) > len(text) // 100 else codec


def _decode(data: bytes, codec: str | None) -> str:
    if codec is None:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", "leadflow-latin1-fallback")
    try:
        return data.decode(codec, "leadflow-latin1-fallback" if codec == "cp1252" else "strict")
    except UnicodeDecodeError:
        raise FileRefused(f"file cannot be decoded as {codec}") from None


def _is_utf8(data: bytes, complete: bool = True) -> bool:
    """Validate in slices so a big file is never held as one Python str; `complete=False` forgives a cut tail."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view, step = memoryview(data), 1 << 22
    try:
        for start in range(0, len(data), step):
            decoder.decode(view[start:start + step])
        decoder.decode(b"", final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _looks_binary(head: bytes) -> bool:
    """NUL bytes (outside UTF-16) or more than 1% control characters: not a text file."""
    if b"\x00" in head:
        return True
    controls = len(head.translate(None, NOT_CONTROL))
    return controls > max(8, len(head) // 100)
