"""free text read by people: each comment's machine sentiment, a consultant's
confirmed themes and sentiment, and areas' "you said, we did" notes

Revision ID: 0009
Revises: 0008

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sentiment', sa.Float(), nullable=True))

    op.create_table('comment_reading',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('themes', sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
    sa.Column('sentiment', sa.String(length=16), nullable=True),
    sa.Column('read_by_user_id', sa.Integer(), nullable=True),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("sentiment IS NULL OR sentiment IN ('negative','neutral','positive')", name=op.f('ck_comment_reading_sentiment')),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], name=op.f('fk_comment_reading_answer_id_answer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_comment_reading_area_id_area')),
    sa.ForeignKeyConstraint(['read_by_user_id'], ['app_user.id'], name=op.f('fk_comment_reading_read_by_user_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_reading')),
    sa.UniqueConstraint('answer_id', name=op.f('uq_comment_reading_answer_id'))
    )
    with op.batch_alter_table('comment_reading', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_reading_area_id'), ['area_id'], unique=False)

    op.create_table('area_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('you_said', sa.Text(), nullable=False),
    sa.Column('we_did', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by_user_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_area_note_area_id_area')),
    sa.ForeignKeyConstraint(['published_by_user_id'], ['app_user.id'], name=op.f('fk_area_note_published_by_user_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['withdrawn_by_user_id'], ['app_user.id'], name=op.f('fk_area_note_withdrawn_by_user_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_area_note'))
    )
    with op.batch_alter_table('area_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_area_note_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_area_note_published_at'), ['published_at'], unique=False)

    score_existing_comments()


def score_existing_comments():
    """Free-text answers recorded before this revision get their machine
    sentiment now (VADER ships its lexicon: nothing is downloaded)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    answer = sa.table('answer', sa.column('id', sa.Integer), sa.column('measure', sa.String), sa.column('value_text', sa.Text),
                      sa.column('sentiment', sa.Float))
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(
            sa.select(answer.c.id, answer.c.value_text)
            .where(answer.c.measure == 'TXT', answer.c.value_text.is_not(None), answer.c.id > last)
            .order_by(answer.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        bind.execute(
            answer.update().where(answer.c.id == sa.bindparam('answer_id')).values(sentiment=sa.bindparam('score')),
            [{'answer_id': row.id, 'score': max(-1.0, min(1.0, float(analyzer.polarity_scores(row.value_text)['compound'])))}
             for row in rows],
        )
        last = rows[-1].id


def downgrade():
    with op.batch_alter_table('area_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_area_note_published_at'))
        batch_op.drop_index(batch_op.f('ix_area_note_area_id'))
    op.drop_table('area_note')
    with op.batch_alter_table('comment_reading', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_reading_area_id'))
    op.drop_table('comment_reading')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_column('sentiment')
