"""Images, their licenses and their variants."""

from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from gql_server.db.base import Base, Link, child_key, parent_key, ref


class ImageLicense(Base):
    __tablename__ = "image_license"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str | None]
    priority: Mapped[int | None]
    link: Mapped[str | None]


class ImageVariantType(Base):
    __tablename__ = "image_variant_type"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str | None]


class ImageVariant(Base):
    __tablename__ = "image_variant"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    type_id: Mapped[int | None] = ref("image_variant_type")
    image_url: Mapped[str | None]


class ImageVariantLink(Link):
    __tablename__ = "image_variant_link"
    parent_id: Mapped[int] = parent_key("image")
    child_id: Mapped[int] = child_key("image_variant")


class Image(Base):
    __tablename__ = "image"
    __ll2_lists__ = {"variants": ImageVariantLink}
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str]
    image_url: Mapped[str | None]
    thumbnail_url: Mapped[str | None]
    credit: Mapped[str | None]
    license_id: Mapped[int | None] = ref("image_license")
    single_use: Mapped[bool | None]
