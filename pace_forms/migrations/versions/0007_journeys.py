"""journeys: children's care episodes imported from case data, areas' local
targets, and dated change ideas for the run charts

Revision ID: 0007
Revises: 0006

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('aim_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=32), nullable=False),
    sa.Column('target_value', sa.Integer(), nullable=False),
    sa.Column('by_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('set_by', sa.String(length=254), nullable=False),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_aim_target_area_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aim_target')),
    sa.UniqueConstraint('area_id', 'measure', name=op.f('uq_aim_target_area_id_measure'))
    )
    op.create_table('annotation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=32), nullable=True),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_annotation_area_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotation'))
    )
    with op.batch_alter_table('annotation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annotation_area_id'), ['area_id'], unique=False)

    op.create_table('journey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('looked_after_at_home_on', sa.Date(), nullable=True),
    sa.Column('looked_after_away_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('first_review_on', sa.Date(), nullable=True),
    sa.Column('home_plan_review_on', sa.Date(), nullable=True),
    sa.Column('recommendation_on', sa.Date(), nullable=True),
    sa.Column('recommendation', sa.String(length=16), nullable=True),
    sa.Column('permanence_decision_on', sa.Date(), nullable=True),
    sa.Column('adm_approval_on', sa.Date(), nullable=True),
    sa.Column('court_lodged_on', sa.Date(), nullable=True),
    sa.Column('order_granted_on', sa.Date(), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("recommendation IS NULL OR recommendation IN ('return_home','permanence_away')", name=op.f('ck_journey_recommendation')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_journey_area_id_area')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_journey_child_id_child')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey')),
    sa.UniqueConstraint('child_id', name=op.f('uq_journey_child_id'))
    )
    with op.batch_alter_table('journey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journey_area_id'), ['area_id'], unique=False)



def downgrade():
    with op.batch_alter_table('journey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journey_area_id'))

    op.drop_table('journey')
    with op.batch_alter_table('annotation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annotation_area_id'))

    op.drop_table('annotation')
    op.drop_table('aim_target')
