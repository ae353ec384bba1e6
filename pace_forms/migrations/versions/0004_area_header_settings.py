"""area settings for the respondent's page header: display name, contact
line, privacy notice link and logo

Revision ID: 0004
Revises: 0003

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('contact_text', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('privacy_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('logo_url', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.drop_column('logo_url')
        batch_op.drop_column('privacy_url')
        batch_op.drop_column('contact_text')
        batch_op.drop_column('display_name')
