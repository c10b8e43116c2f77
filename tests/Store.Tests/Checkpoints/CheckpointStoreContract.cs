using PointsEngine.Store.Postgres;
using PointsEngine.Store.Sqlite;
using PointsEngine.TestSupport;

namespace PointsEngine.Store.Tests.Checkpoints;

/// The checkpoint contract, once for every backend: a consumer starts at the log's start, gets back what
/// it saved, never moves backwards, and does not see another consumer's checkpoint.
public abstract class CheckpointStoreContract : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    /// A checkpoint store on a fresh, empty database, and what to dispose to remove it.
    protected abstract Task<(ICheckpointStore Checkpoints, IAsyncDisposable Owner)> OpenAsync();

    private async Task<ICheckpointStore> Checkpoints()
    {
        var (checkpoints, owner) = await OpenAsync();
        _owned.Add(owner);
        return checkpoints;
    }

    [Fact]
    public async Task a_consumer_never_seen_starts_at_the_start_of_the_log()
    {
        var checkpoints = await Checkpoints();

        Assert.Equal(LogPosition.Start, await checkpoints.LoadAsync("scoring"));
    }

    [Fact]
    public async Task a_saved_checkpoint_is_loaded_back_per_consumer()
    {
        var checkpoints = await Checkpoints();

        await checkpoints.SaveAsync("scoring", new LogPosition(42));
        await checkpoints.SaveAsync("standings", new LogPosition(7));

        Assert.Equal(new LogPosition(42), await checkpoints.LoadAsync("scoring"));
        Assert.Equal(new LogPosition(7), await checkpoints.LoadAsync("standings"));
    }

    [Fact]
    public async Task a_checkpoint_never_moves_backwards()
    {
        var checkpoints = await Checkpoints();

        await checkpoints.SaveAsync("scoring", new LogPosition(100));
        await checkpoints.SaveAsync("scoring", new LogPosition(60));
        await checkpoints.SaveAsync("scoring", new LogPosition(101));

        Assert.Equal(new LogPosition(101), await checkpoints.LoadAsync("scoring"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var o in _owned) await o.DisposeAsync();
    }
}

public sealed class SqliteCheckpointStoreContract : CheckpointStoreContract
{
    protected override async Task<(ICheckpointStore, IAsyncDisposable)> OpenAsync()
    {
        var temp = await TempSqlite.OpenAsync();
        return (new SqliteCheckpointStore(temp.Store), temp);
    }
}

[Collection(PostgresFixture.Collection)]
public sealed class PostgresCheckpointStoreContract(PostgresFixture postgres) : CheckpointStoreContract
{
    protected override async Task<(ICheckpointStore, IAsyncDisposable)> OpenAsync()
    {
        var store = await PostgresEventStore.OpenAsync(new PostgresStoreOptions(await postgres.CreateDatabaseAsync("checkpoints")));
        return (new PostgresCheckpointStore(store), store);
    }
}
