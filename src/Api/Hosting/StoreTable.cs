using System.Data.Common;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;

namespace PointsEngine.Api.Hosting;

/// A table of the application's own in the store's database (the claims' files, the rule drafts), created on first
/// use by whichever process comes first, so one backup holds it with the log.
public sealed class StoreTable(IEventStore store, string create)
{
    private readonly ReadModelDatabase _database = ReadModelDatabase.For(store);
    private readonly SemaphoreSlim _schema = new(1, 1);
    private volatile bool _ready;

    /// A connection to the database, the table created if it was not yet.
    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        await EnsureAsync(ct).ConfigureAwait(false);
        return await _database.OpenAsync(ct).ConfigureAwait(false);
    }

    private async Task EnsureAsync(CancellationToken ct)
    {
        if (_ready) return;
        await _schema.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_ready) return;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var c = await _database.OpenAsync(ct).ConfigureAwait(false);
                    await using var sql = new Sql(c);
                    await sql.ExecuteAsync(create, ct).ConfigureAwait(false);
                    break;
                }
                catch (DbException) when (attempt < 3)
                {
                    // Another process creating it at the same instant (PostgreSQL's IF NOT EXISTS is not atomic).
                }
            }
            _ready = true;
        }
        finally
        {
            _schema.Release();
        }
    }
}
