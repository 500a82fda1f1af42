"""Remote sources: what the server says of a file, so an unchanged one is not downloaded.

``source_location`` gains ``version_tag``: the ETag a web server or object store answered
for the location when it was last read (``mtime_ns`` holds its Last-Modified time, as it
holds a local file's mtime). Size, time and tag matching what the listing shows again means
"unchanged" without fetching the bytes. Local files keep ``version_tag`` null.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source_location") as batch:
        batch.add_column(sa.Column("version_tag", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("source_location") as batch:
        batch.drop_column("version_tag")
