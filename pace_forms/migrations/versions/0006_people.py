"""people: the audit log, API tokens, decisions on held responses, what was
done about a follow-up, who recorded a review, when a link was first opened

Revision ID: 0006
Revises: 0005

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('area_code', sa.String(length=32), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.JSON(), server_default=sa.text("'{}'"), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_area_code'), ['area_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_user_id'), ['user_id'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_api_token_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('held_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.String(length=36), nullable=False),
    sa.Column('conflict_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=254), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("decision IN ('released','set_aside','kept_stored','kept_changed')", name=op.f('ck_held_decision_decision')),
    sa.ForeignKeyConstraint(['conflict_id'], ['response_conflict.id'], name=op.f('fk_held_decision_conflict_id_response_conflict')),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_held_decision_response_id_response')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_decision')),
    sa.UniqueConstraint('conflict_id', name=op.f('uq_held_decision_conflict_id'))
    )
    with op.batch_alter_table('held_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_held_decision_response_id'), ['response_id'], unique=False)

    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_by_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('action_taken', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_follow_up_acknowledged_by_user_id_app_user'), 'app_user', ['acknowledged_by_user_id'], ['id'])

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opened_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_by_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recorded_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_review_recorded_by_user_id_app_user'), 'app_user', ['recorded_by_user_id'], ['id'])



def downgrade():
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_review_recorded_by_user_id_app_user'), type_='foreignkey')
        batch_op.drop_column('recorded_at')
        batch_op.drop_column('recorded_by_user_id')

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_column('opened_at')

    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_follow_up_acknowledged_by_user_id_app_user'), type_='foreignkey')
        batch_op.drop_column('action_taken')
        batch_op.drop_column('acknowledged_by_user_id')

    with op.batch_alter_table('held_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_held_decision_response_id'))

    op.drop_table('held_decision')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_area_code'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
