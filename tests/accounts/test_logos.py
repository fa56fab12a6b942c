"""An organisation's logo: only a PNG or JPEG that decodes is kept, re-encoded, resized
and renamed; everything else is refused with a message that says what to do."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.logos import LOGO_MAX_BYTES, logo_prepare

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def image_upload(name="logo.png", *, kind="PNG", size=(200, 60), mode="RGBA", extra=b""):
    buffer = BytesIO()
    colour = (18, 67, 109) if mode in ("RGB", "RGBA") else 0
    Image.new(mode, size, colour).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue() + extra, content_type="image/png")


def decoded(content):
    image = Image.open(BytesIO(content.read()))
    image.load()
    return image


def test_a_png_is_accepted_re_encoded_and_renamed():
    upload = image_upload(extra=b"<script>hidden after the image</script>")

    prepared = logo_prepare(upload)

    assert prepared.name.endswith(".png")
    assert prepared.name != "logo.png"
    assert len(prepared.name) == len("0" * 32 + ".png")
    content = prepared.read()
    assert b"<script>" not in content
    prepared.seek(0)
    image = decoded(prepared)
    assert (image.format, image.size) == ("PNG", (200, 60))


def test_two_uploads_of_one_file_get_different_names():
    assert logo_prepare(image_upload()).name != logo_prepare(image_upload()).name


def test_a_jpeg_is_kept_a_jpeg():
    prepared = logo_prepare(image_upload("logo.jpeg", kind="JPEG", mode="RGB"))

    assert prepared.name.endswith(".jpg")
    assert decoded(prepared).format == "JPEG"


def test_a_large_picture_is_made_to_fit_the_logo_slot():
    image = decoded(logo_prepare(image_upload(size=(1600, 400))))

    assert image.size == (400, 100)


def test_an_svg_is_refused():
    with pytest.raises(ValidationError, match="Choose a PNG or JPEG image") as error:
        logo_prepare(SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml"))
    assert error.value.code == "not_an_image"


def test_a_file_named_png_that_is_not_an_image_is_refused():
    with pytest.raises(ValidationError, match="Choose a PNG or JPEG image"):
        logo_prepare(SimpleUploadedFile("logo.png", SVG, content_type="image/png"))


def test_an_image_of_another_kind_is_refused():
    with pytest.raises(ValidationError, match="Choose a PNG or JPEG image"):
        logo_prepare(image_upload("logo.png", kind="GIF", mode="P"))


def test_a_file_over_the_size_limit_is_refused():
    upload = image_upload(extra=b"\0" * LOGO_MAX_BYTES)

    with pytest.raises(ValidationError, match="200 KB or smaller") as error:
        logo_prepare(upload)
    assert error.value.code == "too_large"


def test_a_picture_with_too_many_pixels_is_refused_before_it_is_decoded():
    upload = image_upload(size=(5000, 4000), mode="L")

    with pytest.raises(ValidationError, match="at most 4000 by 4000 pixels"):
        logo_prepare(upload)
