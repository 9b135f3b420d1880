"""Safe audio import: a partner's audio file is stored as a document in the partner's collection.

Like an image, an audio file is hostile input: we decide what it is by its first bytes (never its
name or Content-Type), bound its size, and name the stored file after what it is, so a page
renamed .mp3 is never stored, and an MP3 named .html is served as audio/mpeg.
"""

import hashlib
import math
import mimetypes
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import File
from django.utils.text import slugify
from mutagen import File as AudioFile
from mutagen import MutagenError
from wagtail.documents import get_document_model
from wagtail.documents.models import AbstractDocument

from mediahub.media import partner_collection
from mediahub.models import Partner

__all__ = [
    "AUDIO_TYPES",
    "AudioRejected",
    "AudioTooLarge",
    "audio_duration",
    "audio_type",
    "import_audio",
]

# Extension → the media type players are told: the formats current browsers play.
AUDIO_TYPES = {
    "mp3": "audio/mpeg",
    "aac": "audio/aac",
    "m4a": "audio/mp4",
    "ogg": "audio/ogg",
    "opus": "audio/ogg",
    "wav": "audio/wav",
}
_HEAD = 12


class AudioRejected(ValueError):
    """The data is not audio we accept; str(exc) is a plain-words message for a partner."""


class AudioTooLarge(AudioRejected):
    """The file is over API_MAX_AUDIO_BYTES."""


def audio_type(name: str) -> str:
    """The media type of an audio file or URL, by its extension ("" when unknown)."""
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    return AUDIO_TYPES.get(extension) or mimetypes.guess_type(name)[0] or ""


def audio_duration(upload: File) -> int | None:
    """Whole seconds of play, read from the file's headers; None when they do not tell.

    Podcast apps and feeds show it; a file whose length cannot be read is still played.
    """
    upload.seek(0)
    try:
        info = AudioFile(upload)
    except (MutagenError, ValueError, EOFError):
        info = None
    finally:
        upload.seek(0)
    length = getattr(getattr(info, "info", None), "length", 0)
    return max(1, round(length)) if length and math.isfinite(length) else None


def _format(head: bytes) -> str | None:
    """The extension the first bytes belong to, or None when they are no audio we know."""
    if head.startswith(b"ID3"):
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:  # MPEG frame sync
        layer = (head[1] >> 1) & 0b11
        return "mp3" if layer else "aac"  # layer bits 00: an AAC ADTS frame
    if head.startswith(b"OggS"):
        return "ogg"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    return None


def _filename(filename_hint: str, title: str, extension: str) -> str:
    hint = PurePosixPath(filename_hint)
    if hint.suffix.lower() == ".opus" and extension == "ogg":
        extension = "opus"
    stem = slugify(hint.stem)[:60] or slugify(title)[:60] or "audio"
    return f"{stem}.{extension}"


def import_audio(
    upload: File, *, title: str, filename_hint: str = "", partner: Partner | None = None
) -> AbstractDocument:
    """Store an uploaded audio file as a Wagtail document in `partner`'s collection.

    Raises AudioTooLarge over API_MAX_AUDIO_BYTES, AudioRejected when the file does not begin
    as MP3, AAC, MP4/M4A, Ogg (Vorbis, Opus) or WAV audio does.
    """
    limit = settings.API_MAX_AUDIO_BYTES
    if upload.size > limit:
        raise AudioTooLarge(
            f"The audio file is too large ({upload.size / 1_048_576:.1f} MB); "
            f"the limit is {limit / 1_048_576:.1f} MB."
        )
    upload.seek(0)
    extension = _format(upload.read(_HEAD))
    if extension is None:
        raise AudioRejected("The file is not an audio file we accept: MP3, AAC, M4A, Ogg or WAV.")
    upload.seek(0)
    digest = hashlib.sha1(usedforsecurity=False)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = get_document_model()(
        title=title[:255] or "Audio",
        file=File(upload, name=_filename(filename_hint, title, extension)),
        file_size=upload.size,
        file_hash=digest.hexdigest(),  # the SHA-1 Wagtail computes for its own uploads
        collection=partner_collection(partner),
    )
    document.save()
    return document
