using Microsoft.Data.Sqlite;
using PointsEngine.Store.Chain;
using SQLitePCL;

namespace PointsEngine.Store.Sqlite;

/// The statements of the append path, prepared once on the writer connection and reused by every group
/// commit. They run on SQLite's own API rather than through SqliteCommand, which opens a data reader,
/// boxes every value and encodes every string per statement: the writer's hottest allocations.
internal sealed class SqliteAppendCommands : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly RawStatement _streamRevision;
    private readonly RawStatement _insert;
    private readonly RawStatement _savepoint;
    private readonly RawStatement _release;
    private readonly RawStatement _rollbackTo;

    // The chain's tip moves with every insert; a request rolled back to its savepoint takes its rows out
    // of the chain, so the tip goes back to where it stood at the savepoint.
    private ChainTip _tip;
    private ChainTip _tipAtSavepoint;

    public SqliteAppendCommands(SqliteConnection c)
    {
        _connection = c;
        var db = c.Handle ?? throw new InvalidOperationException("The writer connection is not open.");
        _streamRevision = new RawStatement(db, "SELECT max(revision) FROM events WHERE stream = ?1");
        _insert = new RawStatement(db, """
            INSERT INTO events (position, stream, revision, event_id, type, data, occurred_at, recorded_at, recorded_by, correlation_id, causation_id, hash)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
            """);
        _savepoint = new RawStatement(db, "SAVEPOINT append_request");
        _release = new RawStatement(db, "RELEASE append_request");
        _rollbackTo = new RawStatement(db, "ROLLBACK TO append_request");
    }

    /// Starts a group commit. <paramref name="tip"/> is the last event in the log (sealed), read inside
    /// this write transaction.
    public void Begin(ChainTip tip)
    {
        _tip = tip;
        _tipAtSavepoint = tip;
    }

    public void Savepoint()
    {
        _savepoint.Execute();
        _tipAtSavepoint = _tip;
    }

    public void Release() => _release.Execute();

    public void RollbackToSavepoint()
    {
        _rollbackTo.Execute();
        _release.Execute();
        _tip = _tipAtSavepoint;
    }

    /// Undoes the request's rows but stays inside its savepoint, so the request can be decided again.
    public void RollbackToSavepointKeepingIt()
    {
        _rollbackTo.Execute();
        _tip = _tipAtSavepoint;
    }

    /// Only on the slow path (a retry or a conflicting id): the ordinary command is fine there.
    public List<CommittedEventLocation> FindCommitted(IReadOnlyList<EventData> events)
    {
        var found = new List<CommittedEventLocation>();
        using var find = _connection.CreateCommand();
        find.CommandText = "SELECT stream, revision, position FROM events WHERE event_id = $id";
        var id = find.Parameters.Add(new SqliteParameter { ParameterName = "$id" });
        foreach (var e in events)
        {
            id.Value = e.EventId.ToByteArray();
            using var r = find.ExecuteReader();
            if (r.Read())
                found.Add(new CommittedEventLocation(e.EventId, new StreamName(r.GetString(0)),
                    new StreamRevision(r.GetInt64(1)), new LogPosition(r.GetInt64(2))));
        }
        return found;
    }

    public StreamRevision? StreamRevision(StreamName stream)
    {
        _streamRevision.Bind(1, stream.Value);
        return _streamRevision.QueryInt64() is { } r ? new StreamRevision(r) : null;
    }

    // The position is given, not left to SQLite, because the hash covers it: it is the rowid SQLite would
    // pick (max + 1), as the tip is the last row and this transaction holds the write lock.
    public LogPosition Insert(StreamName stream, StreamRevision revision, EventData e, DateTimeOffset recordedAt)
    {
        var fields = ChainedFields.Of(new LogPosition(_tip.Position.Value + 1), stream, revision, e, recordedAt);
        var next = _tip.Next(fields);
        var s = _insert;
        s.Bind(1, fields.Position.Value);
        s.Bind(2, stream.Value);
        s.Bind(3, revision.Value);
        s.Bind(4, e.EventId);
        s.Bind(5, e.Type);
        s.Bind(6, e.Data);
        s.Bind(7, fields.OccurredAtMicroseconds);
        s.Bind(8, fields.RecordedAtMicroseconds);
        s.Bind(9, e.Metadata.RecordedBy);
        s.Bind(10, e.Metadata.CorrelationId);
        s.Bind(11, e.Metadata.CausationId);
        s.Bind(12, next.Hash);
        s.Execute();
        _tip = next;
        return fields.Position;
    }

    /// Finalizes the statements; call before the connection closes.
    public void Dispose()
    {
        _streamRevision.Dispose();
        _insert.Dispose();
        _savepoint.Dispose();
        _release.Dispose();
        _rollbackTo.Dispose();
    }
}

/// One prepared statement on SQLite's API. Values are bound as Microsoft.Data.Sqlite binds them (text as
/// text, a uuid as its 16 bytes in Guid.ToByteArray order), so rows read back exactly as before.
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(sqlite3 db, string sql)
    {
        _db = db;
        Check(raw.sqlite3_prepare_v2(db, sql, out _statement));
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, string value) => Check(raw.sqlite3_bind_text16(_statement, index, value.AsSpan()));

    public void Bind(int index, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_blob(_statement, index, value));

    public void Bind(int index, Guid? value)
    {
        if (value is not { } id)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
            return;
        }
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        Bind(index, bytes);
    }

    /// Runs a statement that returns no rows; throws SqliteException (with SQLite's code) when it fails.
    public void Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        try
        {
            if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW) SqliteException.ThrowExceptionForRC(rc, _db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// The first column of the first row, or null when there is no row or it is NULL.
    public long? QueryInt64()
    {
        var rc = raw.sqlite3_step(_statement);
        try
        {
            if (rc == raw.SQLITE_ROW)
                return raw.sqlite3_column_type(_statement, 0) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int64(_statement, 0);
            if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _db);
            return null;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
    }

    public void Dispose() => _statement.Dispose();
}
