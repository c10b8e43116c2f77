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

    protected override async Task<IEventStore> OpenOnSameDataAsync(IEventStore store) =>
        await SqliteEventStore.OpenAsync(new SqliteStoreOptions(((SqliteEventStore)store).Path) { Clock = Clock });

    protected override Task DisposeBackendAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    // SQLite-only: a backend detail, but a store that keeps its file open after disposal cannot be
    // deleted or replaced on Windows, and on Linux keeps a deleted file's space.
    [Fact]
    public async Task disposing_the_store_closes_every_handle_on_its_files()
    {
        if (!OperatingSystem.IsLinux()) return; // it reads the process's open files from /proc
        var store = await CreateStoreAsync();
        var path = ((SqliteEventStore)store).Path;
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(3));
        Assert.Equal(3, (await ReadAll(store)).Count);
        Assert.Equal(3, (await ReadStream(store, MemberA)).Count);
        await new SqliteCheckpointStore((SqliteEventStore)store).SaveAsync("scoring", new LogPosition(3)); // its own pool
        Assert.NotEmpty(OpenHandlesOn(path));

        await store.DisposeAsync();

        Assert.Empty(OpenHandlesOn(path));
    }

    private static List<string> OpenHandlesOn(string path) =>
        Directory.GetFiles("/proc/self/fd")
            .Select(fd =>
            {
                try { return new FileInfo(fd).LinkTarget ?? ""; }
                catch (IOException) { return ""; } // closed between listing and reading
            })
            .Where(target => target.StartsWith(path, StringComparison.Ordinal))
            .ToList();
}
