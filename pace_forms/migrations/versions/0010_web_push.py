"""web push: subscriptions, devices' waiting counts, and deliveries (never twice)

Revision ID: 0010
Revises: 0009

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('push_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=1000), nullable=False),
    sa.Column('p256dh', sa.String(length=200), nullable=False),
    sa.Column('auth', sa.String(length=100), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('sealed_link', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("purpose IN ('reminder','outbox-waiting','follow-up')", name=op.f('ck_push_subscription_purpose')),
    sa.CheckConstraint('(user_id IS NULL) <> (invitation_id IS NULL)', name=op.f('ck_push_subscription_one_owner')),
    sa.CheckConstraint("(purpose = 'reminder') = (invitation_id IS NOT NULL)", name=op.f('ck_push_subscription_reminder_is_a_link')),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name=op.f('fk_push_subscription_invitation_id_invitation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_push_subscription_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscription')),
    sa.UniqueConstraint('endpoint', 'purpose', name=op.f('uq_push_subscription_endpoint_purpose'))
    )
    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscription_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_subscription_user_id'), ['user_id'], unique=False)

    op.create_table('push_outbox_report',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('waiting', sa.Integer(), nullable=False),
    sa.Column('waiting_since', sa.DateTime(), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_push_outbox_report_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_push_outbox_report'))
    )

    op.create_table('push_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('reason_key', sa.String(length=100), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('first_tried_at', sa.DateTime(), nullable=False),
    sa.Column('last_tried_at', sa.DateTime(), nullable=False),
    sa.Column('retry_after', sa.DateTime(), nullable=True),
    sa.CheckConstraint("outcome IN ('sending','sent','retry','gone','failed')", name=op.f('ck_push_delivery_outcome')),
    sa.ForeignKeyConstraint(['subscription_id'], ['push_subscription.id'], name=op.f('fk_push_delivery_subscription_id_push_subscription'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_delivery')),
    sa.UniqueConstraint('subscription_id', 'reason_key', name=op.f('uq_push_delivery_subscription_id_reason_key'))
    )
    with op.batch_alter_table('push_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_delivery_subscription_id'), ['subscription_id'], unique=False)


def downgrade():
    with op.batch_alter_table('push_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_delivery_subscription_id'))
    op.drop_table('push_delivery')
    op.drop_table('push_outbox_report')
    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_subscription_user_id'))
        batch_op.drop_index(batch_op.f('ix_push_subscription_invitation_id'))
    op.drop_table('push_subscription')
