using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using PointsEngine.Store.Chain;

namespace PointsEngine.Store.Sqlite;

/// How hard a commit waits for the disk. FULL fsyncs the WAL at every commit, so an acknowledged append
/// survives power loss; NORMAL survives a process crash but may lose the last commits on power loss.
public enum SqliteDurability { Full, Normal }

/// What the group-commit writer's connection actually runs with, read back from SQLite after it was set:
/// `PRAGMA journal_mode = WAL` silently keeps the old mode where WAL is impossible, so the store checks.
public sealed record SqliteWriterSettings(string JournalMode, string Synchronous);

public sealed record SqliteStoreOptions(string Path)
{
    public SqliteDurability Durability { get; init; } = SqliteDurability.Full;
    public GroupCommitOptions GroupCommit { get; init; } = new();
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// When the WAL file has grown past this many bytes, the group-commit writer checkpoints it into the
    /// database and truncates it between two commits (#7). SQLite's own checkpoints never restart the WAL
    /// while some reader holds a snapshot in it, and subscriptions, projections and queries overlap all the
    /// time: without this the WAL grew to 8.7 GB beside a 424 MB database.
    public long WalCheckpointThreshold { get; init; } = 64L << 20;

    /// How long that checkpoint waits for readers still using the WAL. It holds off every other writer
    /// meanwhile, so it is short; when readers have not finished by then, it is tried again a little later
    /// with twice the wait (up to 8 times this).
    public TimeSpan WalCheckpointWait { get; init; } = TimeSpan.FromMilliseconds(20);

    /// SQLite's page cache on the group-commit writer's connection. Each append touches a random page of the
    /// event-id and stream indexes; with SQLite's default 2 MB those pages were read back from the OS on most
    /// commits (`read` calls, each with its `lseek`, were 11 % of the ingest's CPU samples). 64 MB: ingest
    /// 6,065 → 8,241 activities/s back to back (#7, docs/PERFORMANCE.md).
    public long WriterPageCacheBytes { get; init; } = 64L << 20;
}

/// The embedded default: one SQLite file in WAL mode. Appends go through group commit on one writer
/// connection; positions are rowids, which SQLite's single-writer lock hands out in commit order, so a
/// reader's last position is always a safe checkpoint. Every event is hashed into the tamper-evidence
/// chain as it is inserted (SqliteChain).
public sealed partial class SqliteEventStore : GroupCommitEventStore, IChainVerifiable
{
    private readonly SqliteStoreOptions _options;
    private readonly string _connectionString;
    private readonly string _derivedConnectionString;
    private readonly string _walPath; // SQLite's name for the WAL: the database's path with "-wal"
    private SqliteConnection? _writer;
    private SqliteAppendCommands? _append; // prepared once on the writer, reused by every group commit

    private SqliteEventStore(SqliteStoreOptions options) : base(options.GroupCommit)
    {
        _options = options;
        _walPath = System.IO.Path.GetFullPath(options.Path) + "-wal";
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        }.ToString();
        // Its own pool (connections are pooled by their connection string; the default timeout spelled out
        // changes nothing else), so a connection set to synchronous=NORMAL never serves anyone else.
        _derivedConnectionString = new SqliteConnectionStringBuilder(_connectionString) { DefaultTimeout = 30 }.ToString();
    }

    public string Path => _options.Path;

    /// The journal mode and synchronous level the writer's connection acknowledges appends with (#16 item 3.1):
    /// WAL with FULL unless the store was opened with <see cref="SqliteDurability.Normal"/>.
    public SqliteWriterSettings WriterSettings { get; private set; } = new("unknown", "unknown");

    public static async Task<SqliteEventStore> OpenAsync(SqliteStoreOptions options, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.WalCheckpointThreshold);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WalCheckpointWait, TimeSpan.Zero);
        SqliteRuntime.EnsureInitialized();
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(options.Path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var store = new SqliteEventStore(options);
        await store.InitializeAsync(ct).ConfigureAwait(false);
        return store;
    }

    private async Task InitializeAsync(CancellationToken ct)
    {
        _writer = new SqliteConnection(_connectionString);
        await _writer.OpenAsync(ct).ConfigureAwait(false);
        var sync = _options.Durability == SqliteDurability.Full ? "FULL" : "NORMAL";
        await ExecAsync(_writer, $"""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = {sync};
            PRAGMA journal_size_limit = {_options.WalCheckpointThreshold};
            PRAGMA cache_size = -{Math.Max(1, _options.WriterPageCacheBytes >> 10)};
            """, ct).ConfigureAwait(false);
        WriterSettings = await ReadWriterSettingsAsync(_writer, ct).ConfigureAwait(false);
        // Without WAL (a file system without shared memory, say) every claim made above about commits,
        // readers and checkpoints is void: refuse rather than acknowledge appends on other terms.
        if (!string.Equals(WriterSettings.JournalMode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new NotSupportedException(
                $"SQLite kept journal_mode={WriterSettings.JournalMode} for {_options.Path}; the event store needs WAL (is the file on a local file system?).");
        SqliteBusyWait.Install(_writer, SqliteBusyWait.DefaultTimeout);
        // In one write transaction, so two processes opening an old file at once do not both add the column.
        await ExecAsync(_writer, "BEGIN IMMEDIATE;", ct).ConfigureAwait(false);
        try
        {
            await ExecAsync(_writer, SqliteSchema.Events, ct).ConfigureAwait(false);
            await using (var hasHash = _writer.CreateCommand())
            {
                hasHash.CommandText = SqliteSchema.HasHashColumn;
                if ((long)(await hasHash.ExecuteScalarAsync(ct).ConfigureAwait(false))! == 0)
                    await ExecAsync(_writer, SqliteSchema.AddHashColumn, ct).ConfigureAwait(false);
            }
            await ExecAsync(_writer, "COMMIT;", ct).ConfigureAwait(false);
        }
        catch
        {
            await RollbackQuietlyAsync(_writer).ConfigureAwait(false);
            throw;
        }
        // Events written before the chain existed are hashed now, in position order.
        await SqliteChain.SealAsync(_writer, ct).ConfigureAwait(false);
    }

    private static async Task<SqliteWriterSettings> ReadWriterSettingsAsync(SqliteConnection c, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        var mode = (string)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        cmd.CommandText = "PRAGMA synchronous";
        var level = (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        // SQLite answers the level as a number: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA.
        string[] names = ["OFF", "NORMAL", "FULL", "EXTRA"];
        return new SqliteWriterSettings(mode, level is >= 0 and <= 3 ? names[level] : level.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    internal Task<SqliteConnection> OpenReaderAsync(CancellationToken ct) => OpenPooledAsync(_connectionString, ct);

    /// A connection for state derived from the log that carries its own log position in the same
    /// transaction: projection batches and consumer checkpoints. Its commits do not wait for the disk
    /// (synchronous=NORMAL), which took half the time SQLite's one write lock was held away from the
    /// appends under load (#7). Safe because the WAL is written in order: the next durable append makes
    /// every commit before it durable too, and a power loss before that can only lose such commits whole,
    /// so their consumer resumes from its previous position (a projection re-applies the batch; scoring
    /// re-delivers facts, and awards are idempotent). A process crash loses nothing.
    internal async Task<SqliteConnection> OpenDerivedAsync(CancellationToken ct)
    {
        var c = await OpenPooledAsync(_derivedConnectionString, ct).ConfigureAwait(false);
        await ExecAsync(c, "PRAGMA synchronous = NORMAL;", ct).ConfigureAwait(false);
        return c;
    }

    private static async Task<SqliteConnection> OpenPooledAsync(string connectionString, CancellationToken ct)
    {
        var c = new SqliteConnection(connectionString);
        await c.OpenAsync(ct).ConfigureAwait(false);
        SqliteBusyWait.Install(c, SqliteBusyWait.DefaultTimeout);
        return c;
    }

    private static async Task ExecAsync(SqliteConnection c, string sql, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    protected override async Task CommitBatchAsync(IReadOnlyList<PendingAppend> batch, CancellationToken ct)
    {
        var c = _writer ?? throw new ObjectDisposedException(nameof(SqliteEventStore));
        var recordedAt = Timestamps.Normalize(_options.Clock.GetUtcNow());
        // BEGIN IMMEDIATE takes the write lock up front, so another process's writer cannot slip in
        // between our revision check and our insert.
        await ExecAsync(c, "BEGIN IMMEDIATE;", ct).ConfigureAwait(false);
        try
        {
            var commands = _append ??= new SqliteAppendCommands(c);
            commands.Begin(SqliteChain.Tip(c));
            foreach (var pending in batch)
                AppendOne(commands, pending, recordedAt);
            await ExecAsync(c, "COMMIT;", ct).ConfigureAwait(false);
        }
        catch
        {
            await RollbackQuietlyAsync(c).ConfigureAwait(false);
            throw;
        }
    }

    private static void AppendOne(SqliteAppendCommands commands, PendingAppend pending, DateTimeOffset recordedAt)
    {
        commands.Savepoint();
        try
        {
            var current = commands.StreamRevision(pending.Stream);
            // Insert first: a request whose expected revision holds is written straight away, without
            // looking its event ids up one by one; the unique index on event_id checks them. Only when it
            // objects (a retry of a committed batch, or an id used elsewhere) is the request undone to its
            // savepoint and decided from what the log holds, as below. Nothing of it stays half-written.
            if (pending.Events.Count > 0 && pending.Expected.IsSatisfiedBy(current))
            {
                if (TryWrite(commands, pending, current, recordedAt) is { } written)
                {
                    pending.Succeeded(written);
                    commands.Release();
                    return;
                }
                commands.RollbackToSavepointKeepingIt();
            }

            var committed = commands.FindCommitted(pending.Events);
            switch (AppendDecision.Decide(pending.Stream, pending.Expected, pending.Events, current, committed))
            {
                case AppendDecision.Write w:
                    pending.Succeeded(Write(commands, pending, w.FirstRevision, recordedAt, current));
                    commands.Release();
                    break;
                case AppendDecision.Duplicate d:
                    pending.Succeeded(d.Result);
                    commands.Release();
                    break;
                case AppendDecision.Reject r:
                    pending.Rejected(r.Error);
                    commands.RollbackToSavepoint();
                    break;
            }
        }
        catch
        {
            commands.RollbackToSavepoint();
            throw;
        }
    }

    /// Writes the request after <paramref name="current"/>, or returns null when a unique index refuses one
    /// of its rows (the caller rolls the request back to its savepoint).
    private static AppendResult? TryWrite(SqliteAppendCommands commands, PendingAppend pending, StreamRevision? current, DateTimeOffset recordedAt)
    {
        try
        {
            return Write(commands, pending, current is { } r ? r.Next() : StreamRevision.Start, recordedAt, current);
        }
        catch (SqliteException e) when ((e.SqliteErrorCode & 0xFF) == SqliteConstraint)
        {
            return null;
        }
    }

    private const int SqliteConstraint = 19; // SQLITE_CONSTRAINT (a unique index refused the row)

    private static AppendResult Write(
        SqliteAppendCommands commands, PendingAppend pending, StreamRevision first, DateTimeOffset recordedAt, StreamRevision? current)
    {
        LogPosition? last = null;
        var revision = first;
        foreach (var e in pending.Events)
        {
            last = commands.Insert(pending.Stream, revision, e, recordedAt);
            revision = revision.Next();
        }
        var lastRevision = pending.Events.Count > 0 ? new StreamRevision(revision.Value - 1) : current;
        return new AppendResult(lastRevision, last, AlreadyCommitted: false);
    }

    private static async Task RollbackQuietlyAsync(SqliteConnection c)
    {
        try { await ExecAsync(c, "ROLLBACK;", CancellationToken.None).ConfigureAwait(false); }
        catch (SqliteException) { /* no transaction left to roll back */ }
    }

    public override async IAsyncEnumerable<RecordedEvent> ReadStreamAsync(
        StreamName stream, StreamRevision from, int maxCount = int.MaxValue, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        await using var c = await OpenReaderAsync(ct).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {SqliteSchema.Columns} FROM events WHERE stream = $s AND revision >= $r ORDER BY revision LIMIT $n";
        cmd.Parameters.AddWithValue("$s", stream.Value);
        cmd.Parameters.AddWithValue("$r", from.Value);
        cmd.Parameters.AddWithValue("$n", maxCount);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            yield return SqliteSchema.ReadEvent(reader);
    }

    public override async IAsyncEnumerable<RecordedEvent> ReadAllAsync(
        LogPosition after, int maxCount = int.MaxValue, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        await using var c = await OpenReaderAsync(ct).ConfigureAwait(false);
        await using var cmd = ReadAllCommand(c, after, maxCount);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            yield return SqliteSchema.ReadEvent(reader);
    }

    private static SqliteCommand ReadAllCommand(SqliteConnection c, LogPosition after, int maxCount)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {SqliteSchema.Columns} FROM events WHERE position > $p ORDER BY position LIMIT $n";
        cmd.Parameters.AddWithValue("$p", after.Value);
        cmd.Parameters.AddWithValue("$n", maxCount);
        return cmd;
    }

    /// Reads a row's stream first and the rest only when the consumer wants it: the scoring dispatcher
    /// passes over the engine's own awards (most of the log) without building an event for each.
    protected override async IAsyncEnumerable<LogEntry> ReadAllAsync(
        LogPosition after, int maxCount, Func<string, bool> streams, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        await using var c = await OpenReaderAsync(ct).ConfigureAwait(false);
        await using var cmd = ReadAllCommand(c, after, maxCount);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            yield return streams(reader.GetString(1))
                ? new LogEntry(new LogPosition(reader.GetInt64(0)), SqliteSchema.ReadEvent(reader))
                : new LogEntry(new LogPosition(reader.GetInt64(0)), null);
        }
    }

    public override async Task<StreamRevision?> ReadStreamRevisionAsync(StreamName stream, CancellationToken ct = default)
    {
        await using var c = await OpenReaderAsync(ct).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT max(revision) FROM events WHERE stream = $s";
        cmd.Parameters.AddWithValue("$s", stream.Value);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is long r ? new StreamRevision(r) : null;
    }

    public override async Task<LogPosition> ReadHeadPositionAsync(CancellationToken ct = default)
    {
        await using var c = await OpenReaderAsync(ct).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT coalesce(max(position), 0) FROM events";
        return new LogPosition((long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!);
    }

    /// Walks the whole log on a reader connection; appends go on meanwhile. Positions have no gaps here
    /// (SQLite hands out max + 1, also after a rollback), so a missing position is a deleted event.
    public async Task<ChainReport> VerifyChainAsync(ChainVerifyOptions? options = null, CancellationToken ct = default)
    {
        await using var c = await OpenReaderAsync(ct).ConfigureAwait(false);
        await SqliteChain.SealAsync(c, ct).ConfigureAwait(false);
        return await ChainVerifier.VerifyAsync(ReadLinksAsync(c, ct), positionsAreGapless: true, options ?? new(), ct)
            .ConfigureAwait(false);
    }

    private static async IAsyncEnumerable<StoredLink> ReadLinksAsync(SqliteConnection c, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {SqliteSchema.ChainColumns} FROM events ORDER BY position";
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            yield return SqliteSchema.ReadLink(reader);
    }

    protected override async ValueTask DisposeCoreAsync()
    {
        _append?.Dispose();
        _append = null;
        if (_writer is not null)
        {
            // Readers come from Microsoft.Data.Sqlite's pool, which would otherwise keep the file (and its
            // WAL) open after the store is gone. The writer shares their connection string, hence their pool.
            SqliteConnection.ClearPool(_writer);
            using (var derived = new SqliteConnection(_derivedConnectionString)) SqliteConnection.ClearPool(derived);
            await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }
    }
}
