using PointsEngine.Store.Sqlite;

namespace PointsEngine.Store.Tests.Contract;

/// The contract against real SQLite files: one temp file per store, in a temp directory per test.
public sealed class SqliteEventStoreContract : EventStoreContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("points-store-contract-").FullName;
    private int _files;

    protected override bool UsesContractClock => true;

    protected override async Task<IEventStore> CreateStoreAsync()
    {
        var path = Path.Combine(_directory, $"store-{Interlocked.Increment(ref _files)}.db");
        return await SqliteEventStore.OpenAsync(new SqliteStoreOptions(path) { Clock = Clock });
    }

    protected override Task DisposeBackendAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
