"""one follow-up per survey link; conflicts remember the link they came with

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 23:00:00

Existing follow-ups of one link (or two reasons of one response) are merged
into the oldest: the others become notes in its more_reasons. Existing
conflicts get their link from the token hash kept in their raw item.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

follow_up = sa.table(
    'follow_up',
    sa.column('id', sa.Integer()),
    sa.column('response_id', sa.String()),
    sa.column('invitation_id', sa.Integer()),
    sa.column('area_id', sa.Integer()),
    sa.column('review_id', sa.Integer()),
    sa.column('reason', sa.String()),
    sa.column('more_reasons', sa.JSON()),
    sa.column('created_at', sa.DateTime()),
    sa.column('acknowledged_at', sa.DateTime()),
    sa.column('acknowledged_by', sa.String()),
)
response = sa.table('response', sa.column('id', sa.String()), sa.column('invitation_id', sa.Integer()))
response_conflict = sa.table('response_conflict', sa.column('id', sa.Integer()), sa.column('raw', sa.JSON()), sa.column('invitation_id', sa.Integer()))
invitation = sa.table('invitation', sa.column('id', sa.Integer()), sa.column('token_hash', sa.String()))


def upgrade():
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('more_reasons', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
    with op.batch_alter_table('response_conflict', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_id', sa.Integer(), nullable=True))

    _merge_follow_ups_per_link()
    _link_conflicts()

    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_constraint('uq_follow_up_response_id_reason', type_='unique')
        batch_op.drop_index(batch_op.f('ix_follow_up_response_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_follow_up_response_id'), ['response_id'])
        batch_op.create_unique_constraint(batch_op.f('uq_follow_up_invitation_id'), ['invitation_id'])
        batch_op.create_foreign_key(batch_op.f('fk_follow_up_invitation_id_invitation'), 'invitation', ['invitation_id'], ['id'])
    with op.batch_alter_table('response_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_conflict_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_response_conflict_invitation_id_invitation'), 'invitation', ['invitation_id'], ['id'])


def _merge_follow_ups_per_link():
    connection = op.get_bind()
    links = dict(connection.execute(sa.select(response.c.id, response.c.invitation_id)).all())
    rows = connection.execute(sa.select(follow_up).order_by(follow_up.c.created_at, follow_up.c.id)).mappings().all()
    kept = {}
    for row in rows:
        link_id = links.get(row['response_id'])
        key = ('link', link_id) if link_id is not None else ('response', row['response_id'])
        first = kept.get(key)
        if first is None:
            kept[key] = {**row, 'more_reasons': [], 'invitation_id': link_id}
            continue
        first['more_reasons'].append(
            {'response_id': row['response_id'], 'reason': row['reason'], 'received_at': row['created_at'].isoformat() + '+00:00'}
        )
        connection.execute(sa.delete(follow_up).where(follow_up.c.id == row['id']))
    for first in kept.values():
        connection.execute(
            sa.update(follow_up)
            .where(follow_up.c.id == first['id'])
            .values(invitation_id=first['invitation_id'], more_reasons=first['more_reasons'])
        )


def _link_conflicts():
    connection = op.get_bind()
    link_of_hash = dict(connection.execute(sa.select(invitation.c.token_hash, invitation.c.id)).all())
    for conflict_id, raw in connection.execute(sa.select(response_conflict.c.id, response_conflict.c.raw)).all():
        link_id = link_of_hash.get((raw or {}).get('invitation_hash'))
        if link_id is not None:
            connection.execute(sa.update(response_conflict).where(response_conflict.c.id == conflict_id).values(invitation_id=link_id))


def downgrade():
    with op.batch_alter_table('response_conflict', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_response_conflict_invitation_id_invitation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_response_conflict_invitation_id'))
        batch_op.drop_column('invitation_id')

    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_follow_up_invitation_id_invitation'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_follow_up_invitation_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_follow_up_response_id'), type_='unique')
    _split_follow_up_notes()
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_response_id'), ['response_id'], unique=False)
        batch_op.create_unique_constraint('uq_follow_up_response_id_reason', ['response_id', 'reason'])
        batch_op.drop_column('more_reasons')
        batch_op.drop_column('invitation_id')


def _split_follow_up_notes():
    """Each note becomes a follow-up row of its own again, once per response and reason."""
    connection = op.get_bind()
    rows = connection.execute(sa.select(follow_up)).mappings().all()
    seen = {(row['response_id'], row['reason']) for row in rows}
    for row in rows:
        for note in row['more_reasons'] or []:
            if (note['response_id'], note['reason']) in seen:
                continue
            seen.add((note['response_id'], note['reason']))
            connection.execute(
                sa.insert(follow_up).values(
                    response_id=note['response_id'],
                    area_id=row['area_id'],
                    review_id=row['review_id'],
                    reason=note['reason'],
                    more_reasons=[],
                    created_at=row['created_at'],
                    acknowledged_at=row['acknowledged_at'],
                    acknowledged_by=row['acknowledged_by'],
                )
            )
