using Akka.Configuration;
using PointsEngine.Engine.Persistence;
using PointsEngine.Engine.Tests.Actors;
using PointsEngine.Store;
using PointsEngine.Store.Postgres;
using PointsEngine.TestSupport;

namespace PointsEngine.Engine.Tests.Persistence;

/// The journal and snapshot-store contract (#17), written once; each backend says how to open a store.
public abstract partial class PersistenceContract()
    : Akka.TestKit.Xunit2.TestKit(EventStorePersistence.Config.WithFallback(ConfigurationFactory.ParseString(
        "akka.loglevel = WARNING\nakka.test.single-expect-default = 20s"))), IAsyncLifetime
{
    protected EventSerializer Serializer { get; } = TallyDomain.Serializer();
    protected IEventStore Store { get; private set; } = null!;

    /// A fresh, empty store of the backend.
    protected abstract Task<IEventStore> CreateStoreAsync();
    protected virtual Task DisposeBackendAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        EventStorePersistence.Register(Sys, Store, Serializer);
    }

    public async Task DisposeAsync()
    {
        await Sys.Terminate();
        await Store.DisposeAsync();
        await DisposeBackendAsync();
    }

    protected Task<List<RecordedEvent>> RowsAsync(string stream) => RowsAsync(Store, stream);

    protected static async Task<List<RecordedEvent>> RowsAsync(IEventStore store, string stream)
    {
        var rows = new List<RecordedEvent>();
        await foreach (var e in store.ReadStreamAsync(new StreamName(stream), StreamRevision.Start)) rows.Add(e);
        return rows;
    }
}

public sealed class SqlitePersistenceContract : PersistenceContract
{
    private readonly List<TempSqlite> _files = [];

    protected override async Task<IEventStore> CreateStoreAsync()
    {
        var file = await TempSqlite.OpenAsync();
        lock (_files) _files.Add(file);
        return file.Store;
    }

    protected override async Task DisposeBackendAsync()
    {
        foreach (var file in _files) await file.DisposeAsync();
    }
}

[Collection(PostgresFixture.Collection)]
public sealed class PostgresPersistenceContract(PostgresFixture postgres) : PersistenceContract
{
    protected override async Task<IEventStore> CreateStoreAsync() =>
        await PostgresEventStore.OpenAsync(new PostgresStoreOptions(await postgres.CreateDatabaseAsync("akka")));
}
