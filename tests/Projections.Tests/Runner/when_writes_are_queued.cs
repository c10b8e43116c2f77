using System.Data.Common;
using PointsEngine.Projections.Storage;
using PointsEngine.Projections.Tests.Support;
using PointsEngine.TestSupport;

namespace PointsEngine.Projections.Tests.Runner;

/// Writes whose row count nobody needs (Sql.QueueAsync) go to PostgreSQL together, in one round trip, before
/// the next statement that needs an answer or at FlushAsync; on SQLite they run at once. Either way a read sees
/// every write queued before it, a commit after the flush keeps them all, and a failing write fails the batch.
public abstract class when_writes_are_queued
{
    protected abstract Backend Backend { get; }

    [Fact]
    public Task a_read_sees_every_write_queued_before_it_and_the_flushed_writes_commit() => OnAFreshStoreAsync(async c =>
    {
        await using (var tx = await c.BeginTransactionAsync())
        await using (var sql = new Sql(c, tx, queueWrites: true))
        {
            await sql.ExecuteAsync("CREATE TABLE queued (k TEXT PRIMARY KEY, n BIGINT NOT NULL)", default);
            for (var i = 0; i < 3; i++) await sql.QueueAsync("INSERT INTO queued (k, n) VALUES (@k, @n)", default, ("@k", $"k{i}"), ("@n", (long)i));
            Assert.Equal(3L, Convert.ToInt64(await sql.ScalarAsync("SELECT COUNT(*) FROM queued", default)));
            await sql.QueueAsync("UPDATE queued SET n = n + @d WHERE k = @k", default, ("@d", 10L), ("@k", "k1"));
            await sql.QueueAsync("INSERT INTO queued (k, n) VALUES (@k, @n)", default, ("@k", "k3"), ("@n", 3L));
            Assert.Equal(["k0=0", "k1=11", "k2=2", "k3=3"], await RowsAsync(sql));
            await sql.QueueAsync("DELETE FROM queued WHERE k = @k", default, ("@k", "k0"));
            await sql.FlushAsync(default);
            await tx.CommitAsync();
        }
        await using var read = new Sql(c);
        Assert.Equal(["k1=11", "k2=2", "k3=3"], await RowsAsync(read));
    });

    [Fact]
    public Task a_failing_queued_write_fails_by_the_flush_and_nothing_of_the_transaction_is_kept() => OnAFreshStoreAsync(async c =>
    {
        await using (var sql = new Sql(c))
            await sql.ExecuteAsync("CREATE TABLE queued (k TEXT PRIMARY KEY, n BIGINT NOT NULL)", default);
        await using (var tx = await c.BeginTransactionAsync())
        await using (var sql = new Sql(c, tx, queueWrites: true))
        {
            await sql.QueueAsync("INSERT INTO queued (k, n) VALUES (@k, @n)", default, ("@k", "a"), ("@n", 1L));
            await Assert.ThrowsAnyAsync<DbException>(async () =>
            {
                await sql.QueueAsync("INSERT INTO queued (k, n) VALUES (@k, @n)", default, ("@k", "a"), ("@n", 2L)); // the key again
                await sql.FlushAsync(default);
            });
        } // disposed without a commit: rolled back
        await using var read = new Sql(c);
        Assert.Empty(await RowsAsync(read));
    });

    /// A connection to the read models of a store of its own.
    private async Task OnAFreshStoreAsync(Func<DbConnection, Task> test)
    {
        var (store, dispose) = await Backend.OpenAsync();
        try
        {
            await using var c = await ReadModelDatabase.For(store).OpenAsync();
            await test(c);
        }
        finally
        {
            await dispose();
        }
    }

    private static Task<List<string>> RowsAsync(Sql sql) =>
        sql.QueryAsync("SELECT k, n FROM queued ORDER BY k", r => $"{r.GetString(0)}={Sql.Long(r, 1)}", default);
}

public sealed class when_writes_are_queued_on_sqlite : when_writes_are_queued
{
    protected override Backend Backend { get; } = new SqliteBackend();
}

[Collection(PostgresFixture.Collection)]
public sealed class when_writes_are_queued_on_postgres(PostgresFixture postgres) : when_writes_are_queued
{
    protected override Backend Backend { get; } = new PostgresBackend(postgres);
}
