namespace PointsEngine.Store;

/// Where a log consumer (the dispatcher, a projection) remembers how far it got, in the same database
/// as the events. A consumer re-reads from its checkpoint after a restart, so everything it does per
/// event must be idempotent or committed together with the checkpoint.
public interface ICheckpointStore
{
    Task<LogPosition> LoadAsync(string consumer, CancellationToken ct = default);
    Task SaveAsync(string consumer, LogPosition position, CancellationToken ct = default);
}
