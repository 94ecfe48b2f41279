"""Images, their licenses and variants."""

from __future__ import annotations

import strawberry

from gql_server.db import models
from gql_server.graphql.types._base import RowType
from gql_server.graphql.types.fields import listed, ll2_id, name_of, reference


@strawberry.type(description="The license under which an LL2 image may be used.")
class ImageLicense(RowType):
    _table = models.ImageLicense.__table__
    id: int = ll2_id("license")
    name: str | None = name_of("license")
    priority: int | None = strawberry.field(
        description="LL2's ranking of the license; 0 is the most permissive."
    )
    link: str | None = strawberry.field(description="Where the license text is published.")


@strawberry.type(description="The kind of an image variant (a thumbnail, a social card, ...).")
class ImageVariantType(RowType):
    _table = models.ImageVariantType.__table__
    id: int = ll2_id("variant type")
    name: str | None = name_of("variant type")


@strawberry.type(description="Another rendition of an image, at another size or crop.")
class ImageVariant(RowType):
    _table = models.ImageVariant.__table__
    id: int = ll2_id("variant")
    image_url: str | None = strawberry.field(description="Where this rendition is served.")
    type_id: strawberry.Private[int | None]

    type: ImageVariantType | None = reference("type_id", "What kind of rendition this is.")


@strawberry.type(description="An image LL2 shows for an object, with its credit and license.")
class Image(RowType):
    _table = models.Image.__table__
    id: int = ll2_id("image")
    name: str = name_of("image")
    image_url: str | None = strawberry.field(description="Address of the full-size image.")
    thumbnail_url: str | None = strawberry.field(description="Address of a small thumbnail.")
    credit: str | None = strawberry.field(description="Who made the image, when known.")
    single_use: bool | None = strawberry.field(
        description="True when LL2 uses this image for one object only."
    )
    license_id: strawberry.Private[int | None]

    license: ImageLicense | None = reference(
        "license_id", "The license under which the image may be used."
    )

    variants: list[ImageVariant] = listed(
        models.ImageVariantLink.__table__, "Other renditions of the image; often empty."
    )
