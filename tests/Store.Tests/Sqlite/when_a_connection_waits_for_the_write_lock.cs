using Microsoft.Data.Sqlite;
using PointsEngine.Store.Sqlite;
using PointsEngine.TestSupport;

namespace PointsEngine.Store.Tests.Sqlite;

/// #7: the e_sqlite3 build sleeps a whole second per retry under `PRAGMA busy_timeout`, which made every
/// lock contention a 1–3 s stall. The store's connections wait with SqliteBusyWait instead.
public sealed class when_a_connection_waits_for_the_write_lock : IAsyncLifetime
{
    private TempSqlite _db = null!;

    public async Task InitializeAsync() => _db = await TempSqlite.OpenAsync();
    public async Task DisposeAsync() => await _db.DisposeAsync();

    /// Another process's connection: no handler of ours.
    private SqliteConnection Foreign()
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _db.Path, Pooling = false }.ToString());
        c.Open();
        return c;
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    [Fact]
    public async Task a_reader_connection_of_the_store_waits_with_its_own_handler_and_gets_the_lock()
    {
        // Given another connection holding the write lock for a moment
        using var holder = Foreign();
        Exec(holder, "BEGIN IMMEDIATE;");
        var release = Task.Run(async () => { await Task.Delay(50); Exec(holder, "COMMIT;"); });
        await using var waiter = await _db.Store.OpenReaderAsync(CancellationToken.None);

        // When the store's connection asks for it (synchronously: the handler runs on this thread)
        var before = SqliteBusyWait.RetriesOnThisThread;
        Exec(waiter, "BEGIN IMMEDIATE; COMMIT;");
        await release;

        // Then it waited through our handler (SQLite's own would not count), and got the lock
        Assert.True(SqliteBusyWait.RetriesOnThisThread > before, "the store's connection waited without SqliteBusyWait");
    }

    [Fact]
    public async Task a_lock_held_past_the_deadline_gives_up_with_busy()
    {
        // Given a lock that is never released while we wait
        using var holder = Foreign();
        Exec(holder, "BEGIN IMMEDIATE;");
        await using var waiter = await _db.Store.OpenReaderAsync(CancellationToken.None);
        SqliteBusyWait.Install(waiter, TimeSpan.FromMilliseconds(100));

        // When / Then: SQLITE_BUSY once the deadline passed (Microsoft.Data.Sqlite retries up to the command's timeout)
        using var cmd = waiter.CreateCommand();
        cmd.CommandText = "BEGIN IMMEDIATE;";
        cmd.CommandTimeout = 1;
        var error = Assert.Throws<SqliteException>(() => cmd.ExecuteNonQuery());
        Assert.Equal(5, error.SqliteErrorCode); // SQLITE_BUSY
        Exec(holder, "ROLLBACK;");
    }

    [Fact]
    public async Task an_append_waits_for_another_writer_and_commits()
    {
        // Given another process's writer holding the lock
        using var holder = Foreign();
        Exec(holder, "BEGIN IMMEDIATE;");

        // When the store appends meanwhile, and the other writer finishes
        var append = _db.Store.AppendToStreamAsync(new StreamName("member-m1"), ExpectedRevision.NoStream,
            [new EventData(Guid.NewGuid(), "V1.Test", """{"n":1}""", new EventMetadata(DateTimeOffset.UnixEpoch, "test"))]);
        await Task.Delay(50);
        Assert.False(append.IsCompleted);
        Exec(holder, "COMMIT;");

        // Then the append commits
        var result = await append;
        Assert.Equal(new StreamRevision(0), result.NextExpectedRevision);
    }
}
