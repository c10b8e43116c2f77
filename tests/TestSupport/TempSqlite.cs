using PointsEngine.Store.Sqlite;

namespace PointsEngine.TestSupport;

/// A SQLite store on a real file in a fresh temp directory, removed with it.
public sealed class TempSqlite : IAsyncDisposable
{
    private TempSqlite(string directory, SqliteEventStore store)
    {
        Directory = directory;
        Store = store;
    }

    public string Directory { get; }
    public SqliteEventStore Store { get; }
    public string Path => Store.Path;

    public static async Task<TempSqlite> OpenAsync(Func<SqliteStoreOptions, SqliteStoreOptions>? configure = null)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("pe-sqlite-").FullName;
        var options = new SqliteStoreOptions(System.IO.Path.Combine(dir, "points.db"));
        var store = await SqliteEventStore.OpenAsync(configure is null ? options : configure(options));
        return new TempSqlite(dir, store);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { /* a reader still closing: the OS temp cleaner gets it */ }
    }
}
