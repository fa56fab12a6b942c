"""An organisation's logo, as an administrator uploads it in the Django admin.

Only PNG and JPEG are accepted, and only what Pillow can decode as one: the file's name
and declared type are not trusted. The picture is then drawn again into a fresh file
(no metadata, nothing hidden after the image data), made to fit the header's logo slot,
and stored under a random name. SVG is refused: it can carry script.
"""

import secrets
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

LOGO_MAX_BYTES = 200 * 1024
LOGO_MAX_SIZE = (400, 120)
# Larger pictures are refused before they are decoded (a small file can hold a huge one).
LOGO_MAX_PIXELS = 4000 * 4000
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg"}

TYPE_MESSAGE = (
    "Choose a PNG or JPEG image for the logo. The file you chose is not one "
    "(SVG and other kinds of file are not accepted)."
)


def logo_prepare(upload) -> ContentFile:
    """The uploaded logo, checked and re-encoded, under a random name; ValidationError
    with a message for the administrator when it cannot be used."""
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            "The logo must be 200 KB or smaller. Save it at a smaller size and try again.",
            code="too_large",
        )
    image, kind = _decoded(upload)
    image.thumbnail(LOGO_MAX_SIZE)
    output = BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(output, "JPEG", quality=90, optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(output, "PNG", optimize=True)
    extension = LOGO_FORMATS[kind]
    return ContentFile(output.getvalue(), name=f"{secrets.token_hex(16)}.{extension}")


def _decoded(upload) -> tuple[Image.Image, str]:
    """The image and its format (PNG or JPEG), as Pillow reads them from the bytes."""
    upload.seek(0)
    try:
        with Image.open(upload, formats=list(LOGO_FORMATS)) as probe:
            kind = str(probe.format)
            if probe.width * probe.height > LOGO_MAX_PIXELS:
                raise ValidationError(
                    "The logo's picture is too large. Make it at most 4000 by 4000 pixels.",
                    code="too_many_pixels",
                )
            probe.verify()
        # verify() leaves the image unusable: open it again to draw it.
        upload.seek(0)
        image = Image.open(upload, formats=list(LOGO_FORMATS))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(TYPE_MESSAGE, code="not_an_image") from None
    return image, kind
