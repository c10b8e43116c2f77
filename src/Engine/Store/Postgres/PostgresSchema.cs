using Npgsql;

namespace PointsEngine.Store.Postgres;

internal static class PostgresSchema
{
    // Fixed advisory-lock keys (any bigint works, they only need to be the same in every process).
    // "PE" + "SCHEMA" / "PE" + "APPEND" spelled in hex so they are recognisable in pg_locks.
    public const long SchemaLockKey = 0x5045_5343_4845_4D41;
    public const long AppendLockKey = 0x5045_4150_5045_4E44;

    // The identity sequence keeps CACHE 1 (the default) on purpose: with a per-session cache, two
    // writers would hand out positions out of order even under the append lock.
    // tx_id records the appending transaction so readers can stop below the oldest in-flight one
    // (see PostgresEventStore). data is text, not jsonb: jsonb would re-format the payload and its
    // bytes must round-trip exactly.
    public const string Events = """
        CREATE TABLE IF NOT EXISTS events (
            position       bigint      GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
            stream         text        NOT NULL,
            revision       bigint      NOT NULL,
            event_id       uuid        NOT NULL,
            type           text        NOT NULL,
            data           text        NOT NULL,
            occurred_at    timestamptz NOT NULL,
            recorded_at    timestamptz NOT NULL,
            recorded_by    text        NOT NULL,
            correlation_id uuid,
            causation_id   uuid,
            tx_id          xid8        NOT NULL DEFAULT pg_current_xact_id(),
            CONSTRAINT events_event_id UNIQUE (event_id),
            CONSTRAINT events_stream_revision UNIQUE (stream, revision)
        );
        CREATE TABLE IF NOT EXISTS checkpoints (
            consumer text   PRIMARY KEY,
            position bigint NOT NULL
        );
        """;

    public const string Columns =
        "position, stream, revision, event_id, type, data, occurred_at, recorded_at, recorded_by, correlation_id, causation_id";

    // Evaluated once per statement (an InitPlan), against the statement's own snapshot: every
    // transaction with a smaller xid has finished, committed or not, as far as this statement can see.
    public const string BelowOldestInFlight = "tx_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))";

    public static RecordedEvent ReadEvent(NpgsqlDataReader r) => new(
        new StreamName(r.GetString(1)),
        new StreamRevision(r.GetInt64(2)),
        new LogPosition(r.GetInt64(0)),
        r.GetGuid(3),
        r.GetString(4),
        r.GetString(5),
        new EventMetadata(r.GetFieldValue<DateTimeOffset>(6), r.GetString(8))
        {
            CorrelationId = r.IsDBNull(9) ? null : r.GetGuid(9),
            CausationId = r.IsDBNull(10) ? null : r.GetGuid(10),
        },
        r.GetFieldValue<DateTimeOffset>(7));
}
