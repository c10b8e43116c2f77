using Microsoft.Data.Sqlite;

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
    // position is the rowid: the global log order. Times are UTC unix microseconds.
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
            causation_id   BLOB
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

    public SqliteAppendCommands(SqliteConnection c)
    {
        _findById = Command(c, "SELECT stream, revision, position FROM events WHERE event_id = $id", "$id");
        _streamRevision = Command(c, "SELECT max(revision) FROM events WHERE stream = $s", "$s");
        _insert = Command(c, """
            INSERT INTO events (stream, revision, event_id, type, data, occurred_at, recorded_at, recorded_by, correlation_id, causation_id)
            VALUES ($s, $r, $id, $t, $d, $o, $ra, $rb, $corr, $caus) RETURNING position
            """, "$s", "$r", "$id", "$t", "$d", "$o", "$ra", "$rb", "$corr", "$caus");
        _savepoint = Command(c, "SAVEPOINT append_request");
        _release = Command(c, "RELEASE append_request");
        _rollbackTo = Command(c, "ROLLBACK TO append_request; RELEASE append_request");
    }

    private static SqliteCommand Command(SqliteConnection c, string sql, params string[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var p in parameters) cmd.Parameters.Add(new SqliteParameter { ParameterName = p });
        return cmd;
    }

    public void Savepoint() => _savepoint.ExecuteNonQuery();
    public void Release() => _release.ExecuteNonQuery();
    public void RollbackToSavepoint() => _rollbackTo.ExecuteNonQuery();

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

    public LogPosition Insert(StreamName stream, StreamRevision revision, EventData e, DateTimeOffset recordedAt)
    {
        var p = _insert.Parameters;
        p[0].Value = stream.Value;
        p[1].Value = revision.Value;
        p[2].Value = e.EventId.ToByteArray();
        p[3].Value = e.Type;
        p[4].Value = e.Data;
        p[5].Value = Timestamps.ToUnixMicroseconds(e.Metadata.OccurredAt);
        p[6].Value = Timestamps.ToUnixMicroseconds(recordedAt);
        p[7].Value = e.Metadata.RecordedBy;
        p[8].Value = e.Metadata.CorrelationId is { } corr ? corr.ToByteArray() : DBNull.Value;
        p[9].Value = e.Metadata.CausationId is { } caus ? caus.ToByteArray() : DBNull.Value;
        return new LogPosition((long)_insert.ExecuteScalar()!);
    }

    public void Dispose()
    {
        _findById.Dispose();
        _streamRevision.Dispose();
        _insert.Dispose();
        _savepoint.Dispose();
        _release.Dispose();
        _rollbackTo.Dispose();
    }
}
