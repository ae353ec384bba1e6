"""accounts: users with a role, their areas and duty contacts

Revision ID: 0005
Revises: 0004

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('is_disabled', sa.Boolean(), nullable=False),
    sa.Column('failed_sign_ins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('password_changed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role IN ('admin','consultant','worker')", name=op.f('ck_app_user_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('email', name=op.f('uq_app_user_email'))
    )
    op.create_table('user_area',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('is_duty_contact', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_user_area_area_id_area')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_user_area_user_id_app_user')),
    sa.PrimaryKeyConstraint('user_id', 'area_id', name=op.f('pk_user_area'))
    )
    with op.batch_alter_table('user_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_area_area_id'), ['area_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_area_area_id'))

    op.drop_table('user_area')
    op.drop_table('app_user')
