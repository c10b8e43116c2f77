using System.Data;
using System.Runtime.CompilerServices;
using Npgsql;
using PointsEngine.Store.Chain;

namespace PointsEngine.Store.Postgres;

public sealed record PostgresStoreOptions(string ConnectionString)
{
    public GroupCommitOptions GroupCommit { get; init; } = new();
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// Test seam: awaited just before the COMMIT of each group-commit transaction, after the append lock
    /// is released, so a test can hold a transaction open that has already taken its positions.
    public Func<CancellationToken, Task>? BeforeCommit { get; init; }
}

/// The durability settings the store's writer session runs with (#16 item 3.1), and what in them could lose an
/// acknowledged append on power loss.
public sealed record PostgresWriterSettings(string Fsync, string SynchronousCommit, string FullPageWrites)
{
    /// fsync and full_page_writes are the server's (postgresql.conf, `-c`): a store cannot change them, and a
    /// throwaway test server turns them off on purpose. Each one off is named here; the host logs them.
    public IReadOnlyList<string> Warnings =>
    [
        .. Fsync == "on" ? Array.Empty<string>() : ["fsync is off on the PostgreSQL server: a power loss can lose acknowledged appends and corrupt the database."],
        .. FullPageWrites == "on" ? Array.Empty<string>() : ["full_page_writes is off on the PostgreSQL server: a power loss during a page write can corrupt the database."],
    ];
}

/// PostgreSQL backend, for several engine processes sharing one database.
///
/// The problem: a sequence hands out positions in one order, but transactions commit in another. If
/// transaction T1 takes position 10 and T2 takes 11 and commits first, a reader that trusts
/// max(position) reads 11, checkpoints there and never sees 10.
///
/// The approach (issue: "solve out-of-order commits explicitly and prove it"):
/// * Writers: each group-commit transaction takes a session-level advisory lock, then forces its
///   transaction id (xid) to be assigned, then takes all its positions, then releases the lock and
///   commits. Xid and positions are both assigned inside the same lock, so across appending
///   transactions xid order equals position order. The commits (the fsyncs) run outside the lock and
///   overlap freely.
/// * Readers: only rows whose tx_id is below the xmin of the statement's snapshot. Every transaction
///   with a smaller xid has finished; every in-flight or future appender has a larger xid and hence
///   larger positions. So a read returns a stable prefix of the log that can only grow at its end,
///   and a reader's last position is always a safe checkpoint.
/// * Several processes: a process may decide an append while another's transaction with the same ids
///   or revision is past the lock but not yet committed. Its insert then waits on the unique index and
///   fails with a unique violation once the other commits; the request is rolled back to its savepoint
///   and decided again, now seeing the committed rows (Duplicate, WrongExpectedRevision, or for Any the
///   next revision).
/// * Each batch is first decided from one read and written with one insert (PostgresEventStore.AppendBatch);
///   on any conflict it falls back to deciding request by request, each in its own savepoint. Both apply
///   AppendDecision.Decide exactly as SQLite does.
///
/// Costs: a reader lags behind the oldest in-flight transaction that has an xid, in any database of
/// the cluster (xids are cluster-wide). Short transactions delay it by milliseconds; a transaction left
/// idle stalls subscriptions (they resume when it ends), so set idle_in_transaction_session_timeout.
/// Anything inserting into events without this protocol breaks the guarantee.
/// Tamper evidence (the hash chain) is sealed lazily over the same stable prefix: see PostgresEventStore.Chain.
/// Needs PostgreSQL 13+ (xid8, pg_current_snapshot) and a UTF8 database (exact text round-trip).
public sealed partial class PostgresEventStore : GroupCommitEventStore, IChainVerifiable
{
    private readonly PostgresStoreOptions _options;

    // Readers share a pool. The writer uses an unpooled connection so that closing it really ends the
    // session, which releases the append lock and aborts the transaction whatever state it was in.
    private readonly NpgsqlDataSource _readers;
    private readonly NpgsqlDataSource _unpooled;
    private NpgsqlConnection? _writer;

    private PostgresEventStore(PostgresStoreOptions options) : base(options.GroupCommit)
    {
        _options = options;
        _readers = NpgsqlDataSource.Create(options.ConnectionString);
        _unpooled = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            Pooling = false,
        });
    }

    /// What the writer session acknowledges appends with, read when the store opened.
    public PostgresWriterSettings WriterSettings { get; private set; } = new("unknown", "unknown", "unknown");

    /// Pooled connections for readers and for tables beside the log (checkpoints, read models).
    internal NpgsqlDataSource Readers => _readers;

    public static async Task<PostgresEventStore> OpenAsync(PostgresStoreOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = new PostgresEventStore(options);
        try
        {
            await store.InitializeAsync(ct).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task InitializeAsync(CancellationToken ct)
    {
        await using var c = await _unpooled.OpenConnectionAsync(ct).ConfigureAwait(false);
        await CheckServerAsync(c, ct).ConfigureAwait(false);
        WriterSettings = await MakeDurableAsync(c, ct).ConfigureAwait(false);
        // CREATE TABLE IF NOT EXISTS is not safe against itself: two sessions can both find the table
        // missing and one fails on the catalog's unique index. The lock makes concurrent starts queue; it
        // is a transaction lock so that it is held until the table is committed (a session lock released
        // before COMMIT would let the next session in while the table is still invisible to it).
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand($"""
            SELECT pg_advisory_xact_lock({PostgresSchema.SchemaLockKey});
            {PostgresSchema.Events}
            """, c, tx);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        // Events written before the chain existed (or by a store that does not know it) are hashed now.
        await SealAsync(c, waitForLock: true, ct).ConfigureAwait(false);
    }

    private static async Task CheckServerAsync(NpgsqlConnection c, CancellationToken ct)
    {
        if (c.PostgreSqlVersion.Major < 13)
            throw new NotSupportedException(
                $"The PostgreSQL event store needs PostgreSQL 13 or later (xid8, pg_current_snapshot); the server is {c.PostgreSqlVersion}.");
        await using var cmd = new NpgsqlCommand("SHOW server_encoding", c);
        var encoding = (string?)await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
        // In another encoding (e.g. GBK) some characters cannot be stored and event data would not
        // round-trip byte for byte.
        if (!string.Equals(encoding, "UTF8", StringComparison.OrdinalIgnoreCase))
            throw new NotSupportedException($"The PostgreSQL event store needs a UTF8 database; this one is {encoding}.");
    }

    private async Task<NpgsqlConnection> WriterAsync(CancellationToken ct)
    {
        if (_writer is { State: ConnectionState.Open }) return _writer;
        await DropWriterAsync().ConfigureAwait(false);
        var c = _unpooled.CreateConnection();
        await c.OpenAsync(ct).ConfigureAwait(false);
        try
        {
            await MakeDurableAsync(c, ct).ConfigureAwait(false);
        }
        catch
        {
            await c.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        _writer = c;
        return c;
    }

    /// An append is acknowledged only once its commit is flushed to the server's WAL: a database or role
    /// set to synchronous_commit=off (ALTER DATABASE … SET, or the connection string's Options) would
    /// acknowledge commits a server crash loses, so the writer session turns it back on. Other values
    /// (local, remote_write, on, remote_apply) all wait for the local flush and are kept.
    private static async Task<PostgresWriterSettings> MakeDurableAsync(NpgsqlConnection c, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT CASE WHEN current_setting('synchronous_commit') = 'off' THEN set_config('synchronous_commit', 'on', false) END;
            SELECT current_setting('fsync'), current_setting('synchronous_commit'), current_setting('full_page_writes');
            """, c);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.NextResultAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        return new PostgresWriterSettings(reader.GetString(0), reader.GetString(1), reader.GetString(2));
    }

    private async Task DropWriterAsync()
    {
        var c = _writer;
        _writer = null;
        if (c is null) return;
        try { await c.DisposeAsync().ConfigureAwait(false); }
        catch (Exception) { /* the connection is gone either way, which is all we need */ }
    }

    public override async IAsyncEnumerable<RecordedEvent> ReadStreamAsync(
        StreamName stream, StreamRevision from, int maxCount = int.MaxValue, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        // A stream needs no in-flight guard: revision r+1 is only ever decided after revision r is
        // visible, so a stream read cannot have holes, and a writer reads its own appends at once.
        await using var c = await _readers.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(
            $"SELECT {PostgresSchema.Columns} FROM events WHERE stream = @s AND revision >= @r ORDER BY revision LIMIT @n", c);
        cmd.Parameters.AddWithValue("s", stream.Value);
        cmd.Parameters.AddWithValue("r", from.Value);
        cmd.Parameters.AddWithValue("n", (long)maxCount);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            yield return PostgresSchema.ReadEvent(reader);
    }

    public override async IAsyncEnumerable<RecordedEvent> ReadAllAsync(
        LogPosition after, int maxCount = int.MaxValue, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        await using var c = await _readers.OpenConnectionAsync(ct).ConfigureAwait(false);
        // One statement: the xmin bound and the rows come from the same snapshot.
        await using var cmd = new NpgsqlCommand($"""
            SELECT {PostgresSchema.Columns} FROM events
            WHERE position > @p AND {PostgresSchema.BelowOldestInFlight}
            ORDER BY position LIMIT @n
            """, c);
        cmd.Parameters.AddWithValue("p", after.Value);
        cmd.Parameters.AddWithValue("n", (long)maxCount);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            yield return PostgresSchema.ReadEvent(reader);
    }

    public override async Task<StreamRevision?> ReadStreamRevisionAsync(StreamName stream, CancellationToken ct = default)
    {
        await using var c = await _readers.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("SELECT max(revision) FROM events WHERE stream = @s", c);
        cmd.Parameters.AddWithValue("s", stream.Value);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is long r ? new StreamRevision(r) : null;
    }

    public override async Task<LogPosition> ReadHeadPositionAsync(CancellationToken ct = default)
    {
        await using var c = await _readers.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(
            $"SELECT coalesce(max(position), 0) FROM events WHERE {PostgresSchema.BelowOldestInFlight}", c);
        return new LogPosition((long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!);
    }

    protected override async ValueTask DisposeCoreAsync()
    {
        await DropWriterAsync().ConfigureAwait(false);
        await _readers.DisposeAsync().ConfigureAwait(false);
        await _unpooled.DisposeAsync().ConfigureAwait(false);
    }
}
