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

/// The prepared statements one group commit reuses for every request in the batch.
internal sealed class SqliteAppendCommands : IDisposable
{
    private readonly SqliteCommand _findById;
    private readonly SqliteCommand _streamRevision;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _savepoint;
    private readonly SqliteCommand _release;
    private readonly SqliteCommand _rollbackTo;
    private readonly SqliteCommand _rollbackToKeeping;

    // The chain's tip moves with every insert; a request rolled back to its savepoint takes its rows out
    // of the chain, so the tip goes back to where it stood at the savepoint.
    private ChainTip _tip;
    private ChainTip _tipAtSavepoint;

    /// <param name="tip">The last event in the log (sealed), read inside this write transaction.</param>
    public SqliteAppendCommands(SqliteConnection c, ChainTip tip)
    {
        _tip = tip;
        _tipAtSavepoint = tip;
        _findById = Command(c, "SELECT stream, revision, position FROM events WHERE event_id = $id", "$id");
        _streamRevision = Command(c, "SELECT max(revision) FROM events WHERE stream = $s", "$s");
        _insert = Command(c, """
            INSERT INTO events (position, stream, revision, event_id, type, data, occurred_at, recorded_at, recorded_by, correlation_id, causation_id, hash)
            VALUES ($p, $s, $r, $id, $t, $d, $o, $ra, $rb, $corr, $caus, $h)
            """, "$p", "$s", "$r", "$id", "$t", "$d", "$o", "$ra", "$rb", "$corr", "$caus", "$h");
        _savepoint = Command(c, "SAVEPOINT append_request");
        _release = Command(c, "RELEASE append_request");
        _rollbackTo = Command(c, "ROLLBACK TO append_request; RELEASE append_request");
        _rollbackToKeeping = Command(c, "ROLLBACK TO append_request");
    }

    private static SqliteCommand Command(SqliteConnection c, string sql, params string[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var p in parameters) cmd.Parameters.Add(new SqliteParameter { ParameterName = p });
        return cmd;
    }

    public void Savepoint()
    {
        _savepoint.ExecuteNonQuery();
        _tipAtSavepoint = _tip;
    }

    public void Release() => _release.ExecuteNonQuery();

    public void RollbackToSavepoint()
    {
        _rollbackTo.ExecuteNonQuery();
        _tip = _tipAtSavepoint;
    }

    /// Undoes the request's rows but stays inside its savepoint, so the request can be decided again.
    public void RollbackToSavepointKeepingIt()
    {
        _rollbackToKeeping.ExecuteNonQuery();
        _tip = _tipAtSavepoint;
    }

    public List<CommittedEventLocation> FindCommitted(IReadOnlyList<EventData> events)
    {
        var found = new List<CommittedEventLocation>();
        foreach (var e in events)
        {
            _findById.Parameters[0].Value = e.EventId.ToByteArray();
            using var r = _findById.ExecuteReader();
            if (r.Read())
                found.Add(new CommittedEventLocation(e.EventId, new StreamName(r.GetString(0)),
                    new StreamRevision(r.GetInt64(1)), new LogPosition(r.GetInt64(2))));
        }
        return found;
    }

    public StreamRevision? StreamRevision(StreamName stream)
    {
        _streamRevision.Parameters[0].Value = stream.Value;
        return _streamRevision.ExecuteScalar() is long r ? new StreamRevision(r) : null;
    }

    // The position is given, not left to SQLite, because the hash covers it: it is the rowid SQLite would
    // pick (max + 1), as the tip is the last row and this transaction holds the write lock.
    public LogPosition Insert(StreamName stream, StreamRevision revision, EventData e, DateTimeOffset recordedAt)
    {
        var fields = ChainedFields.Of(new LogPosition(_tip.Position.Value + 1), stream, revision, e, recordedAt);
        var next = _tip.Next(fields);
        var p = _insert.Parameters;
        p[0].Value = fields.Position.Value;
        p[1].Value = stream.Value;
        p[2].Value = revision.Value;
        p[3].Value = e.EventId.ToByteArray();
        p[4].Value = e.Type;
        p[5].Value = e.Data;
        p[6].Value = fields.OccurredAtMicroseconds;
        p[7].Value = fields.RecordedAtMicroseconds;
        p[8].Value = e.Metadata.RecordedBy;
        p[9].Value = e.Metadata.CorrelationId is { } corr ? corr.ToByteArray() : DBNull.Value;
        p[10].Value = e.Metadata.CausationId is { } caus ? caus.ToByteArray() : DBNull.Value;
        p[11].Value = next.Hash;
        _insert.ExecuteNonQuery();
        _tip = next;
        return fields.Position;
    }

    public void Dispose()
    {
        _findById.Dispose();
        _streamRevision.Dispose();
        _insert.Dispose();
        _savepoint.Dispose();
        _release.Dispose();
        _rollbackTo.Dispose();
        _rollbackToKeeping.Dispose();
    }
}
