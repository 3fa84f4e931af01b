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
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from learningcity.core.audit import record_event
from learningcity.core.models import User

from . import permissions
from .models import Proposal, ProposalImage

MAX_IMAGES = 3
MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 16_000_000
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


def _too_many_pixels(name: str) -> ValidationError:
    return ValidationError(
        {
            "images": _(
                "“%(name)s” has too many pixels (at most %(max)s million): send a smaller picture."
            )
            % {"name": name, "max": MAX_PIXELS // 1_000_000}
        }
    )


def _shrink(probe: Any) -> Any:
    """The picture at most ``IMAGE_SIDE`` a side, made small before any full copy: a JPEG
    is decoded at a reduced scale (``draft``), then ``thumbnail`` shrinks it in place."""
    if probe.format == "JPEG":
        probe.draft("RGB", (IMAGE_SIDE, IMAGE_SIDE))
    picture = probe
    if picture.mode not in ("RGB", "RGBA", "L", "LA"):
        # Palettes and unusual modes are converted once (keeping transparency) so the
        # shrinking can smooth them.
        picture = picture.convert("RGBA" if picture.mode in ("P", "PA") else "RGB")
    picture.thumbnail((IMAGE_SIDE, IMAGE_SIDE))
    return picture


def _flatten(picture: Any) -> Any:
    from PIL import Image

    if picture.mode in ("RGBA", "LA"):
        flat = Image.new("RGB", picture.size, (255, 255, 255))
        flat.paste(picture.convert("RGBA"), mask=picture.getchannel("A"))
        return flat
    return picture.convert("RGB")


def reencode(data: bytes, name: str) -> tuple[bytes, int, int]:
    """The picture as a metadata-free JPEG at most ``IMAGE_SIDE`` a side."""
    from PIL import Image, ImageOps

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
        with Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_FORMATS)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise _not_a_picture(name)
            if probe.size[0] * probe.size[1] > MAX_PIXELS:
                raise _too_many_pixels(name)
            picture = _shrink(probe)
            ImageOps.exif_transpose(picture, in_place=True)
            picture = _flatten(picture)
            out = io.BytesIO()
            picture.save(out, format="JPEG", quality=82, optimize=True)
            return out.getvalue(), picture.width, picture.height
    except ValidationError:
        raise
    except Exception:
        # Pillow raises many kinds for a broken file (OSError, SyntaxError from a bad
        # PNG chunk, struct.error from malformed EXIF, DecompressionBombError…): all are
        # a picture we cannot use, never a server error.
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
    """The author adds pictures to a proposal (all, or none when one is refused). The
    proposal's row is locked while its pictures are counted, so two submissions at once
    cannot make more than ``MAX_IMAGES``; files written before a failure are removed."""
    if proposal.author_id != actor.pk:
        raise ValidationError(_("Only the author can add pictures to a proposal."))
    _lock(proposal)
    saved: list[ProposalImage] = []
    try:
        prepared = prepare_images(uploads, already=proposal.images.count())
        saved = attach_images(proposal, prepared)
        record_event(
            actor,
            "participation.proposal_images_added",
            city=proposal.process.city,
            target=proposal.title,
            count=len(saved),
        )
    except Exception:
        delete_files(saved)
        raise
    return saved


def _lock(proposal: Proposal) -> None:
    list(Proposal.objects.select_for_update().filter(pk=proposal.pk).values_list("pk"))


@transaction.atomic
def remove_proposal_image(*, actor: User, image: ProposalImage) -> None:
    """The author, or a coordinator of the city, removes one picture; its file goes
    once the removal is committed (``delete_file_of_image``)."""
    proposal = image.proposal
    if not permissions.can_remove_proposal_image(actor, proposal):
        raise ValidationError(_("Only the author can remove pictures of a proposal."))
    image.delete()
    record_event(
        actor,
        "participation.proposal_image_removed",
        city=proposal.process.city,
        target=proposal.title,
    )


def delete_file_of_image(sender: Any, instance: ProposalImage, **kwargs: Any) -> None:
    """``post_delete`` of ``ProposalImage`` (connected in ``apps.ready``): the stored file
    goes once the deletion is committed, whether one picture, its proposal or its whole
    process was deleted."""
    name = str(instance.file.name or "")
    if name:
        storage = instance.file.storage
        transaction.on_commit(lambda: storage.delete(name), robust=True)
