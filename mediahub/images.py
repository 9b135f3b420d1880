"""Safe image import for every path that stores an outside image: API uploads, admin, thumbnails.

An image from a partner or a feed is hostile input. We decide what it is by its content (never
its name or Content-Type), bound its bytes and pixels before decoding, and store a re-encoded
copy so EXIF/GPS, comments and anything appended to the file (polyglots) never reach the site.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError
from wagtail.images import get_image_model
from wagtail.images.forms import BaseImageForm
from wagtail.images.models import AbstractImage

from mediahub.fetch import fetch
from mediahub.media import partner_collection
from mediahub.models import Partner

__all__ = ["ImageRejected", "SafeImageForm", "fetch_image", "import_image", "safe_image_file"]

# Source format → (format we store, file extension).
_OUTPUT = {
    "JPEG": ("JPEG", "jpg"),
    "PNG": ("PNG", "png"),
    "GIF": ("PNG", "png"),  # first frame only: no animations on the wall
    "WEBP": ("WEBP", "webp"),
}
_PNG_MODES = frozenset({"1", "L", "LA", "RGB", "RGBA"})


class ImageRejected(ValueError):
    """The data is not an image we accept; str(exc) is a plain-words message for a partner."""


def _limits() -> tuple[int, int]:
    return (
        settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE,
        settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS,
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _reencode(data: bytes, max_pixels: int) -> tuple[bytes, str]:
    """Decode the first frame within our limits and encode it again without any metadata."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            with PILImage.open(io.BytesIO(data), formats=list(_OUTPUT)) as source:
                width, height = source.size
                if width * height > max_pixels:
                    raise ImageRejected(
                        f"The image is {width}×{height} pixels; "
                        f"the limit is {max_pixels // 1_000_000} megapixels."
                    )
                output_format, extension = _OUTPUT[source.format]
                source.seek(0)
                picture = ImageOps.exif_transpose(source)  # keep the orientation EXIF gave
        except ImageRejected:
            raise
        except (PILImage.DecompressionBombWarning, PILImage.DecompressionBombError) as exc:
            raise ImageRejected("The image has too many pixels to be processed safely.") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise ImageRejected("The file is not a readable JPEG, PNG, GIF or WebP image.") from exc

    if output_format == "JPEG":
        if picture.mode not in ("L", "RGB"):
            picture = picture.convert("RGB")
        options = {"quality": 85, "optimize": True}
    elif output_format == "PNG":
        if picture.mode not in _PNG_MODES:
            picture = picture.convert("RGBA")
        options = {"optimize": True}
    else:
        if picture.mode not in ("RGB", "RGBA"):
            picture = picture.convert("RGBA")
        options = {"quality": 85}
    picture.info = {}  # nothing from the source file travels along: no EXIF, XMP, ICC, text
    out = io.BytesIO()
    picture.save(out, format=output_format, **options)
    return out.getvalue(), extension


def _filename(filename_hint: str, title: str, extension: str) -> str:
    stem = slugify(PurePosixPath(filename_hint).stem)[:60] or slugify(title)[:60] or "image"
    return f"{stem}.{extension}"


def safe_image_file(data: bytes, *, title: str = "", filename_hint: str = "") -> ContentFile:
    """The checked, re-encoded image as a file to store, named after the hint or the title.

    Raises ImageRejected when the data is too large, not a JPEG/PNG/GIF/WebP, or too many pixels.
    """
    max_bytes, max_pixels = _limits()
    if not data:
        raise ImageRejected("The image is empty.")
    if len(data) > max_bytes:
        raise ImageRejected(
            f"The image is too large ({_megabytes(len(data))}); "
            f"the limit is {_megabytes(max_bytes)}."
        )
    encoded, extension = _reencode(data, max_pixels)
    return ContentFile(encoded, name=_filename(filename_hint, title, extension))


def import_image(
    data: bytes, *, title: str, filename_hint: str = "", partner: Partner | None = None
) -> AbstractImage:
    """Store `data` as a Wagtail image after checking and re-encoding it; reuse an identical one.

    The image goes into `partner`'s collection (the root collection, editors' only, without
    one). Raises ImageRejected as safe_image_file does.
    """
    file = safe_image_file(data, title=title, filename_hint=filename_hint)
    encoded = file.read()
    collection = partner_collection(partner)
    image_model = get_image_model()
    file_hash = hashlib.sha1(encoded, usedforsecurity=False).hexdigest()
    existing = image_model.objects.filter(file_hash=file_hash, collection=collection).first()
    if existing is not None:
        return existing
    image = image_model(
        title=title[:255] or "Image",
        file=file,
        file_size=len(encoded),
        file_hash=file_hash,  # the same SHA-1 of the stored file that Wagtail computes
        collection=collection,
    )
    image.save()
    return image


def fetch_image(url: str, *, title: str, partner: Partner | None = None) -> AbstractImage:
    """Download an image through the safe fetcher and import it into `partner`'s collection.

    Raises mediahub.fetch.FetchError (UnsafeURL for refused addresses) or ImageRejected.
    """
    max_bytes, _ = _limits()
    result = fetch(url, max_bytes=max_bytes, accept="image/*")
    name = unquote(PurePosixPath(urlsplit(result.url).path).name)
    return import_image(result.content, title=title, filename_hint=name, partner=partner)


class SafeImageForm(BaseImageForm):
    """The admin's image form (WAGTAILIMAGES_IMAGE_FORM_BASE): every upload, single, multiple or
    from a chooser, is stored re-encoded like any other outside image."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or upload == self.instance.file:
            return upload  # no new file: editing the title or tags only
        upload.seek(0)
        try:
            return safe_image_file(upload.read(), filename_hint=upload.name or "")
        except ImageRejected as exc:
            raise ValidationError(str(exc)) from exc
