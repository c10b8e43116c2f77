using Npgsql;

namespace PointsEngine.Store.Postgres;

/// A session-level advisory lock held on a connection of its own, outside any pool, so the lock lives exactly
/// as long as the session. When the holding process dies its connection closes, the server ends the session
/// and releases the lock, and the next process to try takes it. The one mechanism behind "which process
/// leads" (the scoring dispatcher, the projection runner) and the cluster's split-brain lease (#17).
public sealed class PostgresSessionLock(string connectionString, long key, string applicationName) : IAsyncDisposable
{
    /// "PE" + "PROJLD": the projection runner's leader.
    public const long ProjectionsKey = 0x5045_5052_4F4A_4C44;

    /// "PE" + "SCORLD": the scoring dispatcher's leader.
    public const long DispatcherKey = 0x5045_5343_4F52_4C44;

    /// "PE" + "SBRLSE": the split-brain resolver's lease (lease-majority).
    public const long ClusterLeaseKey = 0x5045_5342_524C_5345;

    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
    {
        Pooling = false,
        // Detects a holder whose server vanished without closing the socket (a network partition).
        KeepAlive = 5,
        ApplicationName = applicationName,
    }.ToString();

    private readonly SemaphoreSlim _gate = new(1, 1);
    private NpgsqlConnection? _session;

    public long Key => key;

    /// Whether this process believes it holds the lock (its session was alive when last asked).
    public bool Held => Volatile.Read(ref _session) is not null;

    /// Tries to take the lock; true once this process holds it (also when it held it already).
    public async Task<bool> TryAcquireAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_session is not null) return await StillHeldLockedAsync(ct).ConfigureAwait(false);
            var c = new NpgsqlConnection(_connectionString);
            try
            {
                await c.OpenAsync(ct).ConfigureAwait(false);
                await using var cmd = new NpgsqlCommand($"SELECT pg_try_advisory_lock({key})", c);
                if (await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is true)
                {
                    Volatile.Write(ref _session, c);
                    return true;
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // The database is unreachable: not the holder now; the caller tries again.
            }
            await c.DisposeAsync().ConfigureAwait(false);
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// Whether the lock is still held; false once it is lost (the lock's session died).
    public async Task<bool> StillHeldAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await StillHeldLockedAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> StillHeldLockedAsync(CancellationToken ct)
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
            Volatile.Write(ref _session, null);
            await c.DisposeAsync().ConfigureAwait(false);
            return false;
        }
    }

    /// Gives the lock up (closing the unpooled connection ends the session, which releases it).
    public async Task ReleaseAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Interlocked.Exchange(ref _session, null) is { } c) await c.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync() => await ReleaseAsync().ConfigureAwait(false);
}
