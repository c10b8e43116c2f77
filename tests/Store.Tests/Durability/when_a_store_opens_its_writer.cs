using Npgsql;
using PointsEngine.Store.Postgres;
using PointsEngine.Store.Sqlite;
using PointsEngine.TestSupport;
using static PointsEngine.Store.Tests.Postgres.PostgresScenario;

namespace PointsEngine.Store.Tests.Durability;

/// #16 item 3.1: the crash test kills a process, which keeps the OS page cache, so it passes even with
/// synchronous=OFF. These check the settings an acknowledged append is committed with, as the database
/// itself reports them; tests/Reliability.Tests/PowerLoss drops the unsynced writes for real.
public sealed class when_a_sqlite_store_opens_its_writer
{
    [Fact]
    public async Task acknowledged_appends_are_committed_in_wal_mode_with_synchronous_full()
    {
        await using var db = await TempSqlite.OpenAsync();
        // FULL fsyncs the WAL at every commit; NORMAL in WAL mode may lose the last commits on power loss.
        Assert.Equal(new SqliteWriterSettings("wal", "FULL"), db.Store.WriterSettings);
    }

    [Fact]
    public async Task the_settings_are_read_back_from_sqlite_not_echoed_from_the_options()
    {
        // The same reading says NORMAL when the store is told to be NORMAL: the check above can fail.
        await using var db = await TempSqlite.OpenAsync(o => o with { Durability = SqliteDurability.Normal });
        Assert.Equal(new SqliteWriterSettings("wal", "NORMAL"), db.Store.WriterSettings);
    }
}

[Collection(PostgresFixture.Collection)]
public sealed class when_a_postgres_store_opens_its_writer(PostgresFixture pg)
{
    [Fact]
    public async Task a_database_set_to_synchronous_commit_off_still_gets_flushed_commits_from_the_store()
    {
        // Given a database whose sessions default to synchronous_commit=off (commits acknowledged before the WAL flush)
        var db = await pg.CreateDatabaseAsync("sync_off");
        var name = new NpgsqlConnectionStringBuilder(db).Database;
        await using (var admin = new NpgsqlConnection(db))
        {
            await admin.OpenAsync();
            await using var alter = new NpgsqlCommand($"ALTER DATABASE \"{name}\" SET synchronous_commit = off", admin);
            await alter.ExecuteNonQueryAsync();
        }

        // When the store opens on it and appends
        await using var store = await OpenAsync(db);
        await store.AppendToStreamAsync(new StreamName("durable-1"), ExpectedRevision.NoStream, [NewEvent()]);

        // Then its writer session commits with synchronous_commit=on, whatever the database says
        Assert.Equal("on", store.WriterSettings.SynchronousCommit);
        // A session of its own (not a pooled one from before the ALTER): the database's default really is off.
        await using var check = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db) { Pooling = false }.ToString());
        await check.OpenAsync();
        await using var show = new NpgsqlCommand("SHOW synchronous_commit", check);
        Assert.Equal("off", (string?)await show.ExecuteScalarAsync());
    }

    [Fact]
    public async Task a_server_without_fsync_or_full_page_writes_is_named_in_the_stores_warnings()
    {
        // The throwaway test server runs with fsync=off and full_page_writes=off (tests/TestSupport/PostgresServer.cs).
        await using var store = await OpenAsync(await pg.CreateDatabaseAsync("no_fsync"));
        Assert.Equal(("off", "off"), (store.WriterSettings.Fsync, store.WriterSettings.FullPageWrites));
        Assert.Collection(store.WriterSettings.Warnings,
            w => Assert.StartsWith("fsync is off", w, StringComparison.Ordinal),
            w => Assert.StartsWith("full_page_writes is off", w, StringComparison.Ordinal));
        // A server that flushes raises none.
        Assert.Empty(new PostgresWriterSettings("on", "on", "on").Warnings);
    }
}
