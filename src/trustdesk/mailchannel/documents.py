"""The text inside the binary documents an e-mail brings, so the guard can check them before storage.

Why one module: one job, the text of a document, read by format-specific readers that all draw on one shared budget (_Budget) and nest (a ZIP holds a PDF).

A document can hold a secret the way a mail body can: a card number in a PDF, a password in a Word
file, an IBAN in a spreadsheet inside a ZIP archive. The guard cannot redact inside such a file
without rewriting it, so the intake keeps the file as sent only when none of its text holds a
secret, and otherwise withholds it (`mailchannel.intake.guard_attachment`).

Read here (pure functions, no database or web code):

- PDF (pypdf): the text of every page, annotation contents (comments, sticky notes), form field
  values, the document information and the files embedded in the PDF (checked like any attachment).
- Office Open XML (docx/xlsx/pptx) and OpenDocument (odt/ods/odp): the text nodes of every XML part
  (body, headers and footers, comments, tracked deletions, shared strings, cells, slides, notes,
  properties) and the documents embedded in them.
- ZIP and tar archives: member names, text-like members, and nested PDFs, office documents and
  archives; gzip files (a .tar.gz, a log.gz): what they unpack to, read the same way.

Not read: images (no OCR; a photo of a card is kept as sent), and other binary formats (legacy
.doc/.xls, RAR, 7z), which are kept as sent like at the top level.

Hostile input costs bounded time and memory (`DocumentLimits`): archive nesting depth, member
count, uncompressed bytes per member and in total (declared sizes are checked before anything is
inflated; a member whose compression ratio betrays a zip bomb is not inflated), PDF pages, text
characters and seconds. XML with a DTD is not parsed (no entity expansion). pypdf runs with tighter
limits than its defaults, without calling external programs, and its log is silenced (its warnings
can quote document content). A document that cannot be checked (encrypted, unreadable, over a
limit) raises `Unchecked` with a reason that never quotes the content.
"""

from __future__ import annotations

import io
import logging
import tarfile
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from xml.parsers import expat

from trustdesk.guard import MAX_TEXT_CHARS, Finding, ScanResult
from trustdesk.guard.notice import named
from trustdesk.mail.filetypes import sniff_type


class _PdfTrouble(logging.Handler):
    """Keeps pypdf's warnings away from our logs (they can quote the document, so a secret) and notes,
    per thread, those that mean content was skipped: pypdf logs and goes on when a form XObject
    cannot be decoded (a stream over the size limit, say), and the text inside it would go unseen."""

    SKIPPED = ("Impossible to decode", "limit")

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        if not getattr(self.local, "reading", False):
            return
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a record that cannot be formatted still counts
            message = str(record.msg)
        if any(marker in message for marker in self.SKIPPED):
            self.local.skipped = True  # only a flag: the message itself is dropped


_PDF_TROUBLE = _PdfTrouble()
_pypdf_log = logging.getLogger("pypdf")
_pypdf_log.setLevel(logging.WARNING)
_pypdf_log.propagate = False
_pypdf_log.addHandler(_PDF_TROUBLE)

_SNIFF_BYTES = 8192
_PDF_MARKER = b"%PDF-"
_PDF_HEADER_WINDOW = 1024  # readers accept the header anywhere in the first KiB
_IMAGE_TYPES = frozenset({"png", "jpeg", "gif"})
_IMAGE_EXTENSIONS = frozenset(
    {"png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "emf", "wmf", "ico", "webp", "heic"}
)
_XML_EXTENSIONS = ("xml", "rels", "vml")
_ODF_MIMETYPE = "application/vnd.oasis.opendocument."

# Elements that end a line or separate cells in OOXML (w:, a:, x:) and OpenDocument (text:, table:).
_XML_BREAKS = frozenset({"p", "h", "br", "cr", "tr", "row", "si", "line-break", "table-row", "list-item"})
_XML_SPACES = frozenset({"tab", "tc", "c", "table-cell", "is"})


@dataclass(frozen=True, slots=True)
class DocumentLimits:
    """What checking one attachment may cost; beyond any of these it is not checked (and withheld)."""

    max_depth: int = 3  # documents and archives inside each other, below the attachment itself
    max_members: int = 1_000  # archive members read, all levels together
    max_member_bytes: int = 20 * 1024 * 1024  # one member, uncompressed
    max_total_bytes: int = 50 * 1024 * 1024  # everything inflated for one attachment
    max_ratio: float = 200.0  # uncompressed / compressed for one member ...
    ratio_floor_bytes: int = 1024 * 1024  # ... once it inflates to more than this
    # One decoded PDF stream: pypdf parses a page's whole content stream before the deadline can be
    # checked again (about 1.7 s per MiB of operators), so this bounds the time past the deadline.
    max_pdf_stream_bytes: int = 4 * 1024 * 1024
    max_pages: int = 500
    max_text_chars: int = MAX_TEXT_CHARS  # the guard scans at most this much in one go
    max_seconds: float = 10.0


DEFAULT_DOCUMENT_LIMITS = DocumentLimits()


class Unchecked(Exception):
    """The document could not be checked for secrets; `problem` says why without quoting it."""

    def __init__(self, problem: str, kind: str = "document") -> None:
        super().__init__(problem)
        self.problem = problem
        self.kind = kind


@dataclass(frozen=True, slots=True)
class DocumentText:
    """A document's kind in plain words ("PDF", "Word document", ...) and the text found in it."""

    kind: str
    text: str


@dataclass
class _Budget:
    limits: DocumentLimits
    deadline: float
    kind: str  # the attachment's kind in plain words, once known
    parts: list[str] = field(default_factory=list)
    chars: int = 0
    members: int = 0
    inflated: int = 0

    def add(self, text: str) -> None:
        if not text:
            return
        self.chars += len(text) + 1
        if self.chars > self.limits.max_text_chars:
            raise Unchecked(f"holds more than {self.limits.max_text_chars:,} characters of text")
        self.parts.append(text)

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise Unchecked("took too long to read")


def sniffed_text(data: bytes) -> str | None:
    """The text of bytes that are text whatever their name or declared type says (UTF-8, UTF-16
    with a byte-order mark, or single-byte text that is nearly all printable), else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:_SNIFF_BYTES]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    head = text[:_SNIFF_BYTES]
    printable = sum(1 for c in head if c.isprintable() or c in "\r\n\t")
    return text if head and printable >= 0.95 * len(head) else None


def document_format(content: bytes, filename: str, content_type: str, detected: str | None) -> str | None:
    """The format of a document this module reads ("pdf", "zip", "tar" or "gzip"), else None.

    By the bytes, not the name: a PDF header anywhere in the first KiB (as PDF readers accept it)
    and a ZIP central directory at the end (as unzip and office suites accept it, even after an
    image or other leading bytes). A text file that merely mentions "%PDF-" (without the end-of-file
    marker, a .pdf name or a PDF type) stays text.
    """
    if detected == "zip":
        return "zip"
    if _PDF_MARKER in content[:_PDF_HEADER_WINDOW]:
        says_pdf = filename.lower().endswith(".pdf") or "pdf" in content_type or b"%%EOF" in content[-1024:]
        if detected == "pdf" or says_pdf or sniffed_text(content[:_SNIFF_BYTES]) is None:
            return "pdf"
    if _has_zip_directory(content):
        return "zip"
    if detected == "gzip":
        return "gzip"
    if content[257:262] == b"ustar":  # POSIX and GNU tar headers carry this magic
        return "tar"
    return None


def _has_zip_directory(content: bytes) -> bool:
    if b"PK\x05\x06" not in content[-65_600:]:
        return False
    return zipfile.is_zipfile(io.BytesIO(content))


def document_text(
    content: bytes, kind: str, limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS
) -> DocumentText:
    """All the text in a "pdf" or "zip" document (see the module docstring); `Unchecked` when it
    cannot all be read within `limits`. Never raises anything else for any input bytes."""
    budget = _Budget(limits, time.monotonic() + limits.max_seconds, kind=_KIND_NAMES[kind])
    try:
        _READERS[kind](content, budget, 0)
    except Unchecked as exc:
        exc.kind = budget.kind
        raise
    except Exception:  # noqa: BLE001 - any failure of a parser on hostile bytes means "not checked", never a crash
        raise Unchecked("could not be read", budget.kind) from None
    return DocumentText(budget.kind, "\n".join(budget.parts))


def check_document(
    content: bytes,
    kind: str,
    check: Callable[[str], ScanResult],
    limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS,
) -> None:
    """Return when the document may be kept as sent; ValueError with a staff-facing reason when not.

    Not kept: a document whose text holds anything `check` (the guard, with the retailer's policy)
    would redact, and a document that cannot be checked (`Unchecked`): a file we cannot read might
    hold a secret as well as any other, so it is withheld too, with a reason the staff can act on.
    """
    try:
        found = document_text(content, kind, limits)
    except Unchecked as exc:
        raise ValueError(unchecked_reason(exc.kind, exc.problem)) from None
    if not found.text.strip():
        return
    names = secret_names(check(found.text).findings)
    if names:
        raise ValueError(withheld_reason(found.kind, names))


def secret_names(findings: Iterable[Finding]) -> list[str]:
    """Plain names of the secrets the guard would redact, in order, each once (no values)."""
    names: list[str] = []
    for finding in findings:
        if finding.action != "redact" or finding.is_ask:
            continue
        plain = named(finding.type, for_staff=True)
        if plain not in names:
            names.append(plain)
    return names


def withheld_reason(kind: str, names: list[str]) -> str:
    """The staff-facing reason a document with secrets is not stored (fits the 200-character column)."""
    shown = names[:3] if len(names) <= 3 else [*names[:2], "other secrets"]
    what = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    secret = "the secret" if len(names) == 1 else "the secrets"
    return f"withheld: the {kind} contained {what}; ask the customer to send it without {secret}"


def unchecked_reason(kind: str, problem: str) -> str:
    """The staff-facing reason a document that could not be checked is not stored."""
    return (
        f"withheld: the {kind} {problem}, so it could not be checked for secrets; "
        "ask the customer to send it another way"
    )


# ---- PDF ---------------------------------------------------------------------------------


def _read_pdf(content: bytes, budget: _Budget, depth: int) -> None:
    from pypdf.errors import LimitReachedError

    local = _PDF_TROUBLE.local
    outer = getattr(local, "reading", False)  # a PDF inside a PDF: the outer read's flags stay
    local.reading, local.skipped = True, getattr(local, "skipped", False) if outer else False
    try:
        _read_pdf_within_limits(content, budget, depth)
    except LimitReachedError:
        raise Unchecked("has a part too large to check") from None
    finally:
        local.reading = outer
    if local.skipped:
        raise Unchecked("has a part too large to check, or one that could not be decoded")


def _read_pdf_within_limits(content: bytes, budget: _Budget, depth: int) -> None:
    from pypdf import PdfReader, apply_configuration

    limits = budget.limits
    stream_bytes = min(limits.max_pdf_stream_bytes, limits.max_member_bytes)
    with apply_configuration(
        jbig2dec_binary=None,  # never run an external decoder on customer bytes
        disable_legacy_handling=True,
        maximum_declared_stream_length=stream_bytes,
        zlib_maximum_output_length=stream_bytes,
        lzw_maximum_output_length=stream_bytes,
        run_length_maximum_output_length=stream_bytes,
        brotli_maximum_output_length=stream_bytes,
        array_based_stream_maximum_output_length=stream_bytes,
        stream_decoding_work_maximum_length=limits.max_total_bytes,
        page_tree_maximum_entries=max(10_000, limits.max_pages * 20),
        page_tree_maximum_page_entries=max(100_000, limits.max_pages * 200),
        form_fields_maximum_entries=10_000,
        xform_maximum_invocations_per_extraction=1_000,
    ):
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):  # an empty user password opens it for anyone
            raise Unchecked("is encrypted")
        pages = reader.pages
        if len(pages) > limits.max_pages:
            raise Unchecked(f"has more than {limits.max_pages} pages")
        budget.add(_pdf_strings(reader.metadata, None))
        for page in pages:
            budget.tick()
            # The deadline holds inside a page too: one page can repeat a form XObject for minutes.
            budget.add(page.extract_text(visitor_operand_before=lambda *_: budget.tick()))
            annotations = _resolved(page["/Annots"]) if "/Annots" in page else None
            for annotation in annotations if isinstance(annotations, list) else ():
                budget.add(_pdf_strings(_resolved(annotation), ("/Contents", "/T", "/RC", "/V")))
        budget.tick()
        fields = reader.get_fields() or {}
        for name, value in fields.items():
            budget.add(str(name))
            budget.add(_pdf_strings(value, ("/V", "/DV", "/TU")))
        for name, files in reader.attachments.items():
            budget.add(str(name))
            for data in files:
                budget.inflated += len(data)
                if budget.inflated > limits.max_total_bytes:
                    raise Unchecked("unpacks to too much data")
                _read_member(bytes(data), str(name), budget, depth + 1)


def _resolved(obj: object) -> object:
    get_object = getattr(obj, "get_object", None)
    return get_object() if callable(get_object) else obj


def _pdf_strings(obj: object, keys: tuple[str, ...] | None) -> str:
    """The string values of a PDF dictionary under `keys` (None: all of them)."""
    if not isinstance(obj, dict):
        return ""
    found: list[str] = []
    for key in obj if keys is None else keys:
        value = _resolved(obj.get(key))
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            found.extend(str(v) for v in value if isinstance(v, str))
    return "\n".join(found)


# ---- ZIP, Office Open XML, OpenDocument ---------------------------------------------------


def _read_zip(content: bytes, budget: _Budget, depth: int) -> None:
    """Read an archive's text (member names, text members, nested documents) into the budget."""
    limits = budget.limits
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        kind = _zip_kind(archive, names)
        office = kind != "ZIP archive"
        if depth == 0:
            budget.kind = kind
        if budget.members + len(infos) > limits.max_members:
            raise Unchecked(f"holds more than {limits.max_members:,} files")
        budget.members += len(infos)
        for info in infos:
            budget.tick()
            budget.add(info.filename)
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise Unchecked("is encrypted" if depth == 0 else "contains an encrypted file")
            extension = info.filename.rpartition(".")[2].lower() if "." in info.filename else ""
            if extension in _IMAGE_EXTENSIONS and _binary_head(archive, info):
                continue  # images are not read (no OCR), whatever is around them; text is, whatever its name
            data = _inflate(archive, info, budget)
            if office and extension in _XML_EXTENSIONS:
                budget.add(xml_text(data))
            else:
                _read_member(data, info.filename, budget, depth + 1)


def _zip_kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "Word document"
        if any(n.startswith("xl/") for n in names):
            return "spreadsheet"
        if any(n.startswith("ppt/") for n in names):
            return "presentation"
        return "Office document"
    if "mimetype" in names:
        info = archive.getinfo("mimetype")
        if info.file_size <= 100 and not info.flag_bits & 0x1:
            mimetype = archive.read(info).decode("ascii", errors="replace")
            if mimetype.startswith(_ODF_MIMETYPE):
                return "OpenDocument " + {
                    "text": "text",
                    "spreadsheet": "spreadsheet",
                    "presentation": "presentation",
                }.get(mimetype[len(_ODF_MIMETYPE) :], "file")
    return "ZIP archive"


def _binary_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a member's first bytes are not text (an image by its bytes, not just by its name)."""
    with archive.open(info) as handle:
        head = handle.read(_SNIFF_BYTES)
    return sniff_type(head) in _IMAGE_TYPES or sniffed_text(head) is None


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> bytes:
    """A member's bytes, refused from its declared sizes before anything is inflated."""
    limits = budget.limits
    size = info.file_size
    bomb = "unpacks to too much data (a possible zip bomb)"
    if size > limits.max_member_bytes or budget.inflated + size > limits.max_total_bytes:
        raise Unchecked(bomb)
    if size > limits.ratio_floor_bytes and size > limits.max_ratio * max(1, info.compress_size):
        raise Unchecked(bomb)
    budget.inflated += size
    with archive.open(info) as handle:  # reads at most the declared size, then checks the CRC
        data = handle.read(size + 1)
    if len(data) > size:
        raise Unchecked(bomb)
    return data


def _read_member(data: bytes, name: str, budget: _Budget, depth: int) -> None:
    """One file inside a document or archive, read like an attachment of its own."""
    detected = sniff_type(data)
    if detected in _IMAGE_TYPES:
        return
    kind = document_format(data, name, "", detected)
    if kind is not None:
        if depth > budget.limits.max_depth:
            raise Unchecked(f"nests files more than {budget.limits.max_depth} levels deep")
        _READERS[kind](data, budget, depth)
        return
    text = sniffed_text(data) if detected in (None, "script") else None
    if text is not None:
        budget.add(text)
    # Anything else (legacy Office, RAR, 7z, unknown binary) is not read, as at the top level.


def _read_tar(content: bytes, budget: _Budget, depth: int) -> None:
    """An uncompressed tar archive: member names, and each regular file read like a ZIP member."""
    limits = budget.limits
    with tarfile.open(fileobj=io.BytesIO(content), mode="r:") as archive:
        for info in archive:  # headers are read one by one: a huge member list stops at the limit
            budget.tick()
            budget.members += 1
            if budget.members > limits.max_members:
                raise Unchecked(f"holds more than {limits.max_members:,} files")
            budget.add(info.name)
            if not info.isfile():
                continue  # links, folders, devices: nothing of their own to read
            # The declared size, checked before reading (a sparse member unpacks to its full size).
            if info.size > limits.max_member_bytes or budget.inflated + info.size > limits.max_total_bytes:
                raise Unchecked("unpacks to too much data")
            budget.inflated += info.size
            handle = archive.extractfile(info)
            _read_member(handle.read(info.size) if handle is not None else b"", info.name, budget, depth + 1)


def _read_gzip(content: bytes, budget: _Budget, depth: int) -> None:
    """A gzip file: inflated within the limits (never past them: a gzip bomb stops at the limit)."""
    limits = budget.limits
    room = max(0, min(limits.max_member_bytes, limits.max_total_bytes - budget.inflated))
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    data = inflater.decompress(content, room + 1)
    bomb = len(data) > limits.ratio_floor_bytes and len(data) > limits.max_ratio * max(1, len(content))
    if len(data) > room or bomb:
        raise Unchecked("unpacks to too much data (a possible gzip bomb)")
    if not inflater.eof or inflater.unused_data.strip(b"\0"):
        raise Unchecked("could not be read")  # cut short, or more members after the first
    budget.inflated += len(data)
    _read_member(data, "", budget, depth + 1)


class _XmlText:
    """Text nodes of one XML document, with line and cell breaks, refusing DTDs (no entities)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.parser = expat.ParserCreate()
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = self._refuse
        self.parser.EntityDeclHandler = self._refuse
        self.parser.CharacterDataHandler = self.parts.append
        self.parser.EndElementHandler = self._end
        self.parser.StartElementHandler = self._start

    @staticmethod
    def _refuse(*_: object) -> None:
        raise Unchecked("contains XML with a document type declaration")

    def _start(self, name: str, _attrs: object) -> None:
        if name.rpartition(":")[2] == "s":  # OpenDocument's run of spaces
            self.parts.append(" ")

    def _end(self, name: str) -> None:
        local = name.rpartition(":")[2]
        if local in _XML_BREAKS:
            self.parts.append("\n")
        elif local in _XML_SPACES:
            self.parts.append(" ")


def xml_text(data: bytes) -> str:
    """The text nodes of an office XML part (runs of one paragraph joined, paragraphs on lines)."""
    reader = _XmlText()
    try:
        reader.parser.Parse(data, True)
    except expat.ExpatError:
        raise Unchecked("could not be read") from None
    return "".join(reader.parts).strip()


_READERS: dict[str, Callable[[bytes, _Budget, int], None]] = {
    "pdf": _read_pdf,
    "zip": _read_zip,
    "tar": _read_tar,
    "gzip": _read_gzip,
}
_KIND_NAMES = {"pdf": "PDF", "zip": "ZIP archive", "tar": "tar archive", "gzip": "gzip file"}
