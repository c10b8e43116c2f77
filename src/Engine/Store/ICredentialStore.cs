namespace PointsEngine.Store;

/// Side tables of the event store's own database for what must never enter the hash-chained log (#18):
/// password hashes, keyed by the digest ("stamp") the log records; the failed sign-ins counted per login
/// name; and when each session was last seen (its sliding idle time). In the database rather than a file
/// or a process's memory, so every process on one PostgreSQL (or one SQLite file) shares them. Not events:
/// an export or a copy of the log leaves them behind.
public interface ICredentialStore
{
    Task<string?> FindHashAsync(string stamp, CancellationToken ct = default);

    /// Keeps a hash under its stamp (the same pair again is a no-op).
    Task PutHashAsync(string stamp, string hash, CancellationToken ct = default);

    /// Forgets one hash (a replaced password, an abandoned attempt).
    Task ForgetHashAsync(string stamp, CancellationToken ct = default);

    /// When the login name is locked until (unix milliseconds; 0 when not locked or unknown).
    Task<long> LockedUntilAsync(string login, CancellationToken ct = default);

    /// Counts one more failure for the name at <paramref name="atMs"/> and returns the count, starting again
    /// from 1 when the previous failure is older than <paramref name="forgetAfterMs"/>. Atomic across processes.
    Task<int> AddFailureAsync(string login, long atMs, long forgetAfterMs, CancellationToken ct = default);

    /// Locks the name until <paramref name="untilMs"/> (never shortens a lock already set).
    Task LockAsync(string login, long untilMs, CancellationToken ct = default);

    Task ClearFailuresAsync(string login, CancellationToken ct = default);

    /// When a session was last seen by any process (unix milliseconds; 0 when never recorded).
    Task<long> SessionSeenAsync(string session, CancellationToken ct = default);

    /// Records that a session was seen at <paramref name="atMs"/> (never moves back).
    Task SeeSessionAsync(string session, long atMs, CancellationToken ct = default);

    /// Drops the counts of names neither failing since <paramref name="beforeMs"/> nor locked (a bound on the
    /// table under a spray of names).
    Task PruneFailuresAsync(long beforeMs, CancellationToken ct = default);
}
