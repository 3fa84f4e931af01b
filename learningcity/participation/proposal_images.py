"""Pictures of proposals: at most ``MAX_IMAGES`` per proposal, each a JPEG, PNG or
WebP file of at most 5 MB with alternative text. Every picture is opened with Pillow
(the format read from the content, never from the name), re-encoded as a JPEG of at
most ``IMAGE_SIDE`` pixels a side, so nothing of the original file is kept (EXIF, GPS
position, comments, extra frames). All pictures of a submission are checked before
anything is saved: one bad picture refuses them all, naming the file and what to
change. Files go to Django's default storage (``MEDIA_ROOT``) and are served by the
``proposal_image`` view, which applies the proposal's visibility."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from learningcity.core.audit import record_event
from learningcity.core.models import User

from .models import Proposal, ProposalImage

MAX_IMAGES = 3
MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
IMAGE_SIDE = 1600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
ALT_MAX = 300


@dataclass(frozen=True)
class PreparedImage:
    content: bytes
    width: int
    height: int
    alt_text: str


def _not_a_picture(name: str) -> ValidationError:
    return ValidationError(
        {
            "images": _("“%(name)s” is not a picture we can use: send a JPEG, PNG or WebP file.")
            % {"name": name}
        }
    )


def reencode(data: bytes, name: str) -> tuple[bytes, int, int]:
    """The picture as a metadata-free JPEG at most ``IMAGE_SIDE`` a side."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(data) > MAX_BYTES:
        raise ValidationError(
            {
                "images": _(
                    "“%(name)s” is too large (%(size)s MB): send a picture of at most 5 MB."
                )
                % {"name": name, "size": round(len(data) / 1024 / 1024, 1)}
            }
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise _not_a_picture(name)
            if probe.size[0] * probe.size[1] > MAX_PIXELS:
                raise ValidationError(
                    {
                        "images": _("“%(name)s” has too many pixels: send a smaller picture.")
                        % {"name": name}
                    }
                )
            probe.load()
            picture = ImageOps.exif_transpose(probe)
            if picture.mode in ("RGBA", "LA", "P"):
                picture = picture.convert("RGBA")
                flat = Image.new("RGB", picture.size, (255, 255, 255))
                flat.paste(picture, mask=picture.getchannel("A"))
                picture = flat
            else:
                picture = picture.convert("RGB")
            picture.thumbnail((IMAGE_SIDE, IMAGE_SIDE))
            out = io.BytesIO()
            picture.save(out, format="JPEG", quality=82, optimize=True)
            return out.getvalue(), picture.width, picture.height
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise _not_a_picture(name) from None


def prepare_images(
    uploads: Sequence[tuple[str, bytes, str]], *, already: int = 0
) -> list[PreparedImage]:
    """Check and re-encode every (file name, content, alternative text); nothing is
    saved here, so a refusal leaves everything as it was."""
    if already + len(uploads) > MAX_IMAGES:
        raise ValidationError(
            {
                "images": _("A proposal has at most %(max)s pictures; it would have %(n)s.")
                % {"max": MAX_IMAGES, "n": already + len(uploads)}
            }
        )
    prepared = []
    for name, data, alt_text in uploads:
        alt_text = (alt_text or "").replace("\x00", "").strip()
        if not alt_text:
            raise ValidationError(
                {
                    "images": _(
                        "Describe “%(name)s” in the alternative text, for people who cannot see it."
                    )
                    % {"name": name}
                }
            )
        if len(alt_text) > ALT_MAX:
            raise ValidationError(
                {
                    "images": _(
                        "The alternative text of “%(name)s” is too long: at most %(max)s "
                        "characters."
                    )
                    % {"name": name, "max": ALT_MAX}
                }
            )
        content, width, height = reencode(data, name)
        prepared.append(PreparedImage(content, width, height, alt_text))
    return prepared


def attach_images(proposal: Proposal, images: Sequence[PreparedImage]) -> list[ProposalImage]:
    """Save prepared pictures (inside the caller's transaction). Files written before a
    rollback are removed, so nothing is half-saved."""
    start = proposal.images.count()
    saved: list[ProposalImage] = []
    try:
        for offset, prepared in enumerate(images):
            image = ProposalImage(
                proposal=proposal,
                alt_text=prepared.alt_text,
                width=prepared.width,
                height=prepared.height,
                position=start + offset,
            )
            image.file.save("picture.jpg", ContentFile(prepared.content), save=False)
            saved.append(image)
            image.save()
    except Exception:
        delete_files(saved)
        raise
    return saved


def delete_files(images: Sequence[ProposalImage]) -> None:
    """Remove stored files of pictures whose rows were rolled back."""
    for image in images:
        if image.file.name:
            image.file.storage.delete(str(image.file.name))


@transaction.atomic
def add_proposal_images(
    *, actor: User, proposal: Proposal, uploads: Sequence[tuple[str, bytes, str]]
) -> list[ProposalImage]:
    """The author adds pictures to a proposal (all, or none when one is refused)."""
    if proposal.author_id != actor.pk:
        raise ValidationError(_("Only the author can add pictures to a proposal."))
    prepared = prepare_images(uploads, already=proposal.images.count())
    saved = attach_images(proposal, prepared)
    record_event(
        actor,
        "participation.proposal_images_added",
        city=proposal.process.city,
        target=proposal.title,
        count=len(saved),
    )
    return saved


@transaction.atomic
def remove_proposal_image(*, actor: User, image: ProposalImage) -> None:
    proposal = image.proposal
    if proposal.author_id != actor.pk:
        raise ValidationError(_("Only the author can remove pictures of a proposal."))
    name = str(image.file.name)
    storage = image.file.storage
    image.delete()
    transaction.on_commit(lambda: storage.delete(name))
    record_event(
        actor,
        "participation.proposal_image_removed",
        city=proposal.process.city,
        target=proposal.title,
    )
