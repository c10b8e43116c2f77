namespace PointsEngine.Store;

/// Base of every error the store reports for an append it refused; nothing of the batch was written.
public abstract class AppendRejectedException(StreamName stream, string message) : Exception(message)
{
    public StreamName Stream { get; } = stream;
}

/// The stream was not where the writer expected it (optimistic concurrency).
public sealed class WrongExpectedRevisionException(StreamName stream, ExpectedRevision expected, StreamRevision? actual)
    : AppendRejectedException(stream,
        $"Stream '{stream}' expected at revision {expected} but it is at {(actual is { } a ? a.ToString() : "no-stream")}.")
{
    public ExpectedRevision Expected { get; } = expected;

    /// The stream's last revision when the append was checked; null when the stream has no events.
    public StreamRevision? ActualRevision { get; } = actual;
}

/// Some of the batch's event ids are committed and others are not, or they are committed elsewhere
/// (another stream, another order): the batch is not a faithful retry and cannot be applied.
public sealed class EventIdConflictException(StreamName stream, IReadOnlyList<Guid> conflictingIds, string reason)
    : AppendRejectedException(stream, $"Append to '{stream}' conflicts with committed events: {reason}.")
{
    public IReadOnlyList<Guid> ConflictingIds { get; } = conflictingIds;
}
