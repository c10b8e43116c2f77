using Npgsql;

namespace PointsEngine.Api.Hosting;

/// Which process runs the projection runner. Several engine processes on one PostgreSQL database all
/// score (the member streams' expected revisions make that safe), but only one should project: a
/// second runner would only lose every checkpoint race to the first (issue #8 item 2).
public interface IProjectionLeadership : IAsyncDisposable
{
    /// Tries to become the process that projects; true once this process holds leadership.
    Task<bool> TryAcquireAsync(CancellationToken ct);

    /// Whether leadership is still held; false once it is lost (the lock's session died).
    Task<bool> StillHeldAsync(CancellationToken ct);
}

/// SQLite: one server process owns the database file, so it always leads. A second process on the same
/// file is not a supported deployment (use PostgreSQL for several processes).
public sealed class SingleProcessLeadership : IProjectionLeadership
{
    public Task<bool> TryAcquireAsync(CancellationToken ct) => Task.FromResult(true);

    public Task<bool> StillHeldAsync(CancellationToken ct) => Task.FromResult(true);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// PostgreSQL: a session-level advisory lock held on a connection of its own, outside any pool, so the
/// lock lives exactly as long as the session. When the leading process dies its connection closes, the
/// server ends the session and releases the lock, and the next follower to try takes it.
public sealed class PostgresAdvisoryLeadership(string connectionString) : IProjectionLeadership
{
    /// "PE" + "PROJLD" in hex, beside the store's and the read models' schema lock keys.
    public const long LockKey = 0x5045_5052_4F4A_4C44;

    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
    {
        Pooling = false,
        // Detects a leader whose server vanished without closing the socket (a network partition).
        KeepAlive = 5,
        ApplicationName = "pointsengine-projection-leader",
    }.ToString();

    private NpgsqlConnection? _session;

    public async Task<bool> TryAcquireAsync(CancellationToken ct)
    {
        if (_session is not null) return await StillHeldAsync(ct).ConfigureAwait(false);
        var c = new NpgsqlConnection(_connectionString);
        try
        {
            await c.OpenAsync(ct).ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand($"SELECT pg_try_advisory_lock({LockKey})", c);
            if (await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is true)
            {
                _session = c;
                return true;
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The database is unreachable: not the leader now; the caller tries again.
        }
        await c.DisposeAsync().ConfigureAwait(false);
        return false;
    }

    public async Task<bool> StillHeldAsync(CancellationToken ct)
    {
        if (_session is not { } c) return false;
        try
        {
            // The lock is the session's: a session that still answers still holds it.
            await using var cmd = new NpgsqlCommand("SELECT 1", c);
            await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            _session = null;
            await c.DisposeAsync().ConfigureAwait(false);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Closing the unpooled connection ends the session, which releases the lock.
        if (Interlocked.Exchange(ref _session, null) is { } c) await c.DisposeAsync().ConfigureAwait(false);
    }
}
