"""Safe image import: only real images within limits get stored, always without their metadata."""

import io
import struct
import zlib

import pytest
from PIL import Image as PILImage
from wagtail.images import get_image_model

from mediahub.fetch import UnsafeURL
from mediahub.images import ImageRejected, fetch_image, import_image

GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def image_bytes(fmt: str = "PNG", size=(40, 30), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    PILImage.new(mode, size, "teal" if mode != "1" else 1).save(out, format=fmt, **save)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    exif = PILImage.Exif()
    exif[0x010F] = "Spy Camera Inc."  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 22.0, 0.0), 3: "E", 4: (4.0, 53.0, 0.0)})
    return image_bytes("JPEG", exif=exif)


def png_declaring(width: int, height: int, *, rows: int | None = None) -> bytes:
    """A 1-bit PNG of the given size; compressing all-zero rows makes a tiny file for a huge one."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height if rows is None else rows))
    idat += packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def stored_bytes(image) -> bytes:
    with image.open_file() as f:
        return f.read()


@pytest.mark.django_db
def test_a_png_is_stored_as_a_wagtail_image():
    image = import_image(image_bytes("PNG"), title="Marktplein", filename_hint="markt plein.PNG")
    assert (image.width, image.height) == (40, 30)
    assert image.title == "Marktplein"
    assert image.file.name.endswith(".png")
    assert "markt-plein" in image.file.name
    assert image.file_size == len(stored_bytes(image))
    assert PILImage.open(io.BytesIO(stored_bytes(image))).format == "PNG"


@pytest.mark.django_db
def test_exif_and_gps_are_gone_from_the_stored_file():
    data = jpeg_with_gps()
    assert PILImage.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the test image has GPS
    image = import_image(data, title="Foto")
    stored = stored_bytes(image)
    reopened = PILImage.open(io.BytesIO(stored))
    assert reopened.format == "JPEG"
    assert not reopened.getexif()
    assert "exif" not in reopened.info
    assert b"Exif" not in stored
    assert b"Spy Camera" not in stored


@pytest.mark.django_db
def test_exif_orientation_is_applied_before_it_is_dropped():
    exif = PILImage.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise for display
    image = import_image(image_bytes("JPEG", size=(40, 30), exif=exif), title="Staand")
    assert (image.width, image.height) == (30, 40)


@pytest.mark.django_db
def test_gif_becomes_a_png_of_its_first_frame():
    frames = [PILImage.new("P", (10, 10), colour) for colour in (1, 2)]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
    image = import_image(out.getvalue(), title="Animatie")
    assert image.file.name.endswith(".png")
    assert PILImage.open(io.BytesIO(stored_bytes(image))).format == "PNG"


@pytest.mark.django_db
def test_webp_stays_webp():
    image = import_image(image_bytes("WEBP"), title="Web")
    assert PILImage.open(io.BytesIO(stored_bytes(image))).format == "WEBP"


@pytest.mark.django_db
def test_the_same_image_twice_is_stored_once():
    data = image_bytes("PNG")
    first = import_image(data, title="Een")
    second = import_image(data, title="Twee")
    assert first.pk == second.pk
    assert get_image_model().objects.count() == 1


@pytest.mark.django_db
def test_anything_appended_to_an_image_is_not_stored():
    polyglot = image_bytes("PNG") + b"<html><script>alert(document.cookie)</script></html>"
    image = import_image(polyglot, title="Polyglot")
    assert b"<script>" not in stored_bytes(image)


@pytest.mark.django_db
def test_too_many_bytes_are_refused(settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1000
    with pytest.raises(ImageRejected, match="too large"):
        import_image(image_bytes("PNG", size=(400, 400), mode="RGB", compress_level=0), title="x")
    assert not get_image_model().objects.exists()


@pytest.mark.django_db
def test_a_decompression_bomb_is_refused():
    bomb = png_declaring(20_000, 20_000)
    assert len(bomb) < 200_000  # tiny file, 400 megapixels
    with pytest.raises(ImageRejected, match="pixels"):
        import_image(bomb, title="Bom")
    assert not get_image_model().objects.exists()


@pytest.mark.django_db
def test_more_pixels_than_our_own_limit_are_refused_before_decoding():
    # 48 megapixels is below Pillow's own bomb warning but above our 40 MP limit; the data
    # holds one row only, so decoding it would fail with another message.
    with pytest.raises(ImageRejected, match="megapixels"):
        import_image(png_declaring(8_000, 6_000, rows=1), title="Groot")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9"/></svg>',
        b"<!doctype html><html><body><script>alert(1)</script></body></html>",
        b"%PDF-1.4 not an image",
        b"",
        image_bytes("BMP"),
        image_bytes("JPEG")[:200],  # truncated
    ],
    ids=["svg", "html", "pdf", "empty", "bmp", "truncated-jpeg"],
)
def test_anything_but_a_whole_jpeg_png_gif_or_webp_is_refused(data):
    with pytest.raises(ImageRejected):
        import_image(data, title="Nep", filename_hint="foto.png")
    assert not get_image_model().objects.exists()


@pytest.mark.django_db
def test_fetch_image_downloads_through_the_safe_fetcher(settings, http_server):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = True
    http_server.route(
        "/media/kop.png", body=image_bytes("PNG"), headers={"Content-Type": "image/png"}
    )
    image = fetch_image(http_server.url("/media/kop.png"), title="Kop")
    assert image.file.name.endswith(".png")
    assert "kop" in image.file.name
    assert http_server.requests[0].headers["Accept"] == "image/*"


@pytest.mark.django_db
def test_fetch_image_refuses_private_addresses_by_default(settings, http_server):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = False
    http_server.route("/kop.png", body=image_bytes("PNG"))
    with pytest.raises(UnsafeURL):
        fetch_image(http_server.url("/kop.png"), title="Kop")
    assert http_server.requests == []


@pytest.mark.django_db
def test_fetch_image_refuses_what_is_not_an_image(settings, http_server):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = True
    http_server.route("/kop.png", body=b"<svg/>", headers={"Content-Type": "image/png"})
    with pytest.raises(ImageRejected):
        fetch_image(http_server.url("/kop.png"), title="Kop")
