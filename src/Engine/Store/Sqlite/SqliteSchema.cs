using Microsoft.Data.Sqlite;
using PointsEngine.Store.Chain;

namespace PointsEngine.Store.Sqlite;

internal static class SqliteRuntime
{
    private static int _initialized;

    // Microsoft.Data.Sqlite.Core leaves the choice of native SQLite to us: the bundled e_sqlite3.
    public static void EnsureInitialized()
    {
        if (Interlocked.Exchange(ref _initialized, 1) == 0)
            SQLitePCL.Batteries_V2.Init();
    }
}

internal static class SqliteSchema
{
    // position is the rowid: the global log order. Times are UTC unix microseconds. hash is the event's
    // link in the tamper-evidence chain (EventChain), written with the row; null only on rows written
    // before the column existed, until the store seals them at open.
    public const string Events = """
        CREATE TABLE IF NOT EXISTS events (
            position       INTEGER PRIMARY KEY,
            stream         TEXT    NOT NULL,
            revision       INTEGER NOT NULL,
            event_id       BLOB    NOT NULL,
            type           TEXT    NOT NULL,
            data           TEXT    NOT NULL,
            occurred_at    INTEGER NOT NULL,
            recorded_at    INTEGER NOT NULL,
            recorded_by    TEXT    NOT NULL,
            correlation_id BLOB,
            causation_id   BLOB,
            hash           BLOB
        );
        CREATE UNIQUE INDEX IF NOT EXISTS events_event_id ON events (event_id);
        CREATE UNIQUE INDEX IF NOT EXISTS events_stream_revision ON events (stream, revision);
        CREATE TABLE IF NOT EXISTS checkpoints (
            consumer TEXT PRIMARY KEY,
            position INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS credentials (
            stamp TEXT PRIMARY KEY,
            hash  TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS sign_in_failures (
            login        TEXT    PRIMARY KEY,
            failures     INTEGER NOT NULL,
            locked_until INTEGER NOT NULL,
            last_at      INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS session_seen (
            session TEXT    PRIMARY KEY,
            seen_at INTEGER NOT NULL
        );
        """;

    public const string Columns =
        "position, stream, revision, event_id, type, data, occurred_at, recorded_at, recorded_by, correlation_id, causation_id";

    public const string ChainColumns = Columns + ", hash";

    // A database created before the chain existed lacks the column (CREATE TABLE IF NOT EXISTS kept the old table).
    public const string HasHashColumn = "SELECT count(*) FROM pragma_table_info('events') WHERE name = 'hash'";
    public const string AddHashColumn = "ALTER TABLE events ADD COLUMN hash BLOB";

    /// A row read for the chain, whatever a direct edit left in it: SQLite columns take any type, so
    /// values that no longer read as an event make a row with a problem rather than an exception.
    public static StoredLink ReadLink(SqliteDataReader r)
    {
        var position = new LogPosition(r.GetInt64(0));
        var hash = r.IsDBNull(11) ? null : r.GetFieldValue<byte[]>(11);
        string? stream = null;
        StreamRevision? revision = null;
        Guid? eventId = null;
        try
        {
            stream = r.GetString(1);
            revision = new StreamRevision(r.GetInt64(2));
            eventId = Uuid(r, 3, "event_id") ?? throw new FormatException("event_id is null");
            var fields = new ChainedFields(position, stream, revision.Value.Value, eventId.Value, r.GetString(4), r.GetString(5),
                r.GetInt64(6), r.GetInt64(7), r.GetString(8), Uuid(r, 9, "correlation_id"), Uuid(r, 10, "causation_id"));
            return StoredLink.Readable(fields, hash);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException)
        {
            return new StoredLink(position, null, hash, e.Message, stream, revision, eventId);
        }
    }

    private static Guid? Uuid(SqliteDataReader r, int ordinal, string column)
    {
        if (r.IsDBNull(ordinal)) return null;
        var bytes = r.GetFieldValue<byte[]>(ordinal);
        return bytes.Length == 16 ? new Guid(bytes) : throw new FormatException($"{column} is not a 16-byte uuid");
    }

    public static RecordedEvent ReadEvent(SqliteDataReader r) => new(
        new StreamName(r.GetString(1)),
        new StreamRevision(r.GetInt64(2)),
        new LogPosition(r.GetInt64(0)),
        new Guid((byte[])r.GetValue(3)),
        r.GetString(4),
        r.GetString(5),
        new EventMetadata(Timestamps.FromUnixMicroseconds(r.GetInt64(6)), r.GetString(8))
        {
            CorrelationId = r.IsDBNull(9) ? null : new Guid((byte[])r.GetValue(9)),
            CausationId = r.IsDBNull(10) ? null : new Guid((byte[])r.GetValue(10)),
        },
        Timestamps.FromUnixMicroseconds(r.GetInt64(7)));
}
