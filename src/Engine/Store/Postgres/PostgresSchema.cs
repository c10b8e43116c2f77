using Npgsql;
using PointsEngine.Store.Chain;

namespace PointsEngine.Store.Postgres;

internal static class PostgresSchema
{
    // Fixed advisory-lock keys (any bigint works, they only need to be the same in every process).
    // "PE" + "SCHEMA" / "PE" + "APPEND" spelled in hex so they are recognisable in pg_locks.
    public const long SchemaLockKey = 0x5045_5343_4845_4D41;
    public const long AppendLockKey = 0x5045_4150_5045_4E44;
    public const long SealLockKey = 0x5045_4348_4149_4E53; // "PECHAINS"

    // The identity sequence keeps CACHE 1 (the default) on purpose: with a per-session cache, two
    // writers would hand out positions out of order even under the append lock.
    // tx_id records the appending transaction so readers can stop below the oldest in-flight one
    // (see PostgresEventStore). data is text, not jsonb: jsonb would re-format the payload and its
    // bytes must round-trip exactly. hash is the event's link in the tamper-evidence chain, null until the
    // row is sealed (see PostgresEventStore.Chain).
    // A database created before the chain existed keeps its old table (IF NOT EXISTS): the DO block adds the
    // column. It looks first, because ALTER TABLE takes an exclusive lock on the log even when there is
    // nothing to do.
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
            hash           bytea,
            tx_id          xid8        NOT NULL DEFAULT pg_current_xact_id(),
            CONSTRAINT events_event_id UNIQUE (event_id),
            CONSTRAINT events_stream_revision UNIQUE (stream, revision)
        );
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_attribute
                           WHERE attrelid = 'events'::regclass AND attname = 'hash' AND NOT attisdropped) THEN
                ALTER TABLE events ADD COLUMN hash bytea;
            END IF;
        END $$;
        CREATE TABLE IF NOT EXISTS checkpoints (
            consumer text   PRIMARY KEY,
            position bigint NOT NULL
        );
        CREATE TABLE IF NOT EXISTS credentials (
            stamp text PRIMARY KEY,
            hash  text NOT NULL
        );
        CREATE TABLE IF NOT EXISTS sign_in_failures (
            login        text   PRIMARY KEY,
            failures     integer NOT NULL,
            locked_until bigint NOT NULL,
            last_at      bigint NOT NULL
        );
        CREATE TABLE IF NOT EXISTS session_seen (
            session text   PRIMARY KEY,
            seen_at bigint NOT NULL
        );
        """;

    public const string Columns =
        "position, stream, revision, event_id, type, data, occurred_at, recorded_at, recorded_by, correlation_id, causation_id";

    public const string ChainColumns = Columns + ", hash";

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

    /// A row read for the chain. Columns are typed here, so only a timestamp a direct edit moved outside
    /// what .NET can hold fails to read; that makes a row with a problem rather than an exception.
    public static StoredLink ReadLink(NpgsqlDataReader r)
    {
        var position = new LogPosition(r.GetInt64(0));
        var hash = r.IsDBNull(11) ? null : r.GetFieldValue<byte[]>(11);
        var stream = r.GetString(1);
        var revision = new StreamRevision(r.GetInt64(2));
        var eventId = r.GetGuid(3);
        try
        {
            var fields = new ChainedFields(position, stream, revision.Value, eventId, r.GetString(4), r.GetString(5),
                Microseconds(r, 6), Microseconds(r, 7), r.GetString(8),
                r.IsDBNull(9) ? null : r.GetGuid(9), r.IsDBNull(10) ? null : r.GetGuid(10));
            return StoredLink.Readable(fields, hash);
        }
        catch (Exception e) when (e is InvalidCastException or ArgumentOutOfRangeException or OverflowException)
        {
            return new StoredLink(position, null, hash, e.Message, stream, revision, eventId);
        }
    }

    private static long Microseconds(NpgsqlDataReader r, int ordinal) =>
        Timestamps.ToUnixMicroseconds(r.GetFieldValue<DateTimeOffset>(ordinal));
}
