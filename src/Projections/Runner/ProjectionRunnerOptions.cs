using PointsEngine.Store;

namespace PointsEngine.Projections.Runner;

public sealed record ProjectionRunnerOptions
{
    /// Events applied per transaction at most. A catch-up after downtime takes full batches; live
    /// following takes whatever has arrived, so a quiet log still commits each event promptly.
    public int BatchSize { get; init; } = 2_000;

    /// Least time between two commits of one projection while events keep arriving: what arrives meanwhile
    /// waits and commits with them. Each commit takes SQLite's one write lock, which the appends need too;
    /// unpaced, a busy log made each projection commit dozens of small batches a second (#7). After a quiet
    /// spell the next event still commits at once.
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// Events per transaction while a rebuild fills its new generation (nothing reads it yet, so larger
    /// transactions cost no one a wait).
    public int RebuildBatchSize { get; init; } = 10_000;

    /// First wait before a failed projection (database unreachable) tries again from its checkpoint.
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// Test seam: awaited at each step of each batch; throwing there is the runner dying at that step.
    public Func<ProjectionStep, CancellationToken, Task>? AtStep { get; init; }

    /// Test seam: a rebuild's fill stops here rather than at the log's end, so the rest is applied the ordinary
    /// way on top of what the fill derived (as with events that arrive during a long fill).
    internal LogPosition? FillUpTo { get; init; }
}

public enum ProjectionStep
{
    BatchRead,      // events in memory, nothing written
    BatchApplied,   // rows written and checkpoint moved, not committed
    BatchCommitted, // committed, the in-memory position not yet moved
    FillCompleted,  // a rebuild's fill derived its bulk rows and built its indexes, not committed
}

/// How far a rebuild has got: events applied, where in the log, and an estimate of the rest.
public sealed record RebuildProgress(string Projection, long Events, LogPosition Position, LogPosition Head, double EventsPerSecond, TimeSpan? Remaining)
{
    public double Fraction => Head.Value <= 0 ? 1 : Math.Min(1, (double)Position.Value / Head.Value);
}
