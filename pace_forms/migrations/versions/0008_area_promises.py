"""area settings for what respondents are promised: how long answers are
kept, who is told about a follow-up and within how many days, and the child's
"seeing my family" picture card (own words, or left out)

Revision ID: 0008
Revises: 0007

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_months', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('follow_up_who', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('follow_up_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('family_card_words', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('family_card_hidden', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.drop_column('family_card_hidden')
        batch_op.drop_column('family_card_words')
        batch_op.drop_column('follow_up_days')
        batch_op.drop_column('follow_up_who')
        batch_op.drop_column('retention_months')
