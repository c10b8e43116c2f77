using Akka.Actor;
using Akka.Coordination;
using PointsEngine.Store.Postgres;

namespace PointsEngine.Engine.Actors;

/// The split-brain resolver's lease (lease-majority, #17) as a PostgreSQL session-level advisory lock: the side
/// of a split cluster whose leader takes it survives and downs the other side; a side that cannot take it downs
/// itself. A killed node's session ends with its process, so its lease is free at once, and a survivor alone
/// (two nodes, one killed; keep-majority downed the survivor when the lower address died) takes it and lives.
public sealed class PostgresLease : Lease
{
    private readonly PostgresSessionLock _lock;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _heartbeat;
    private CancellationTokenSource? _watch;

    public PostgresLease(LeaseSettings settings, ExtendedActorSystem system) : base(settings)
    {
        _lock = new PostgresSessionLock(
            LeaseDatabase.Of(system).ConnectionString, PostgresSessionLock.ClusterLeaseKey, $"pointsengine-lease {settings.OwnerName}");
        _timeout = settings.TimeoutSettings.OperationTimeout;
        _heartbeat = settings.TimeoutSettings.HeartbeatInterval;
    }

    public override Task<bool> Acquire() => Acquire(_ => { });

    public override async Task<bool> Acquire(Action<Exception> leaseLostCallback)
    {
        using var timeout = new CancellationTokenSource(_timeout);
        bool acquired;
        try
        {
            acquired = await _lock.TryAcquireAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            throw new LeaseTimeoutException($"The lease {Settings.LeaseName} was not answered within {_timeout}.", e);
        }
        if (acquired) Watch(leaseLostCallback);
        return acquired;
    }

    public override async Task<bool> Release()
    {
        if (Interlocked.Exchange(ref _watch, null) is { } watch) await watch.CancelAsync().ConfigureAwait(false);
        await _lock.ReleaseAsync().ConfigureAwait(false);
        return true;
    }

    public override bool CheckLease() => _lock.Held;

    /// Tells the holder when the lock's session dies (the database restarted or became unreachable).
    private void Watch(Action<Exception> lost)
    {
        var watch = new CancellationTokenSource();
        if (Interlocked.Exchange(ref _watch, watch) is { } previous) previous.Cancel();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await Task.Delay(_heartbeat, watch.Token).ConfigureAwait(false);
                    if (await _lock.StillHeldAsync(watch.Token).ConfigureAwait(false)) continue;
                    lost(new LeaseException($"The lease {Settings.LeaseName} was lost: its database session ended."));
                    return;
                }
            }
            catch (OperationCanceledException) { }
        });
    }
}

/// Where the lease's database is: registered on the actor system when a several-node cluster starts.
public sealed class LeaseDatabase(string connectionString) : IExtension
{
    public string ConnectionString { get; } = connectionString;

    public static LeaseDatabase Of(ActorSystem system) =>
        system.GetExtension<LeaseDatabase>()
        ?? throw new InvalidOperationException("The PostgreSQL lease needs its database: start the cluster with EngineCluster.");
}

public sealed class LeaseDatabaseId(string connectionString) : ExtensionIdProvider<LeaseDatabase>
{
    public override LeaseDatabase CreateExtension(ExtendedActorSystem system) => new(connectionString);
}
