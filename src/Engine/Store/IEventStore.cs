using System.Runtime.CompilerServices;

namespace PointsEngine.Store;

/// The event store contract, mirroring EventStoreDB's: streams with revisions, atomic idempotent
/// appends checked against an expected revision, one global ordered log, and catch-up subscriptions.
/// Every backend passes the same contract test suite (tests/Store.Tests).
public interface IEventStore : IAsyncDisposable
{
    /// Appends the events atomically, after the stream's last event.
    /// Throws <see cref="WrongExpectedRevisionException"/> or <see cref="EventIdConflictException"/>
    /// when refused; in that case nothing was written. Returns only once the events are durable.
    Task<AppendResult> AppendToStreamAsync(
        StreamName stream, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken ct = default);

    /// The same append, in a lane: what the engine derives itself (scoring's awards, snapshots) goes in
    /// <see cref="AppendLane.Derived"/>, so that a person's fact is not queued behind thousands of them (#7).
    /// A backend without lanes appends in order of arrival.
    Task<AppendResult> AppendToStreamAsync(
        StreamName stream, ExpectedRevision expected, IReadOnlyList<EventData> events, AppendLane lane, CancellationToken ct = default) =>
        AppendToStreamAsync(stream, expected, events, ct);

    /// Appends taken in the <see cref="AppendLane.Recorded"/> lane since the store opened (0 where a backend
    /// does not count them). While it moves, people are recording, and scoring steps back for them (#7).
    long RecordedAppends => 0;

    /// Events of one stream in revision order, starting at <paramref name="from"/>.
    IAsyncEnumerable<RecordedEvent> ReadStreamAsync(
        StreamName stream, StreamRevision from, int maxCount = int.MaxValue, CancellationToken ct = default);

    /// The global log in position order, strictly after <paramref name="after"/>. Only returns events no
    /// earlier-positioned commit can still appear before, so a reader can take the last position it saw as
    /// its checkpoint.
    IAsyncEnumerable<RecordedEvent> ReadAllAsync(
        LogPosition after, int maxCount = int.MaxValue, CancellationToken ct = default);

    /// The stream's last revision, or null when it has no events.
    Task<StreamRevision?> ReadStreamRevisionAsync(StreamName stream, CancellationToken ct = default);

    /// The position of the last event a reader may safely have seen (see <see cref="ReadAllAsync"/>).
    Task<LogPosition> ReadHeadPositionAsync(CancellationToken ct = default);

    /// Catch-up subscription: delivers every event after <paramref name="after"/> exactly once in position
    /// order, then follows live appends (this process's at once, other processes' within a poll interval)
    /// until cancelled.
    IAsyncEnumerable<RecordedEvent> SubscribeToAllAsync(LogPosition after, CancellationToken ct = default);

    /// The catch-up subscription for a consumer that reads only some streams (EventStoreDB's server-side
    /// filter): events of streams <paramref name="streams"/> accepts come whole; of the others only how far
    /// the log has passed (an entry without event, at most one between two delivered events), so the
    /// consumer's checkpoint still moves. Backends skip reading what is filtered out.
    IAsyncEnumerable<LogEntry> SubscribeToAllAsync(LogPosition after, Func<string, bool> streams, CancellationToken ct = default) =>
        LogEntry.Filter(SubscribeToAllAsync(after, ct), streams, ct);
}

/// Which queue an append waits in where a backend commits appends in batches.
public enum AppendLane
{
    /// Facts people record (HTTP, import, commands): committed first.
    Recorded,

    /// What the engine derives from them (member decisions, snapshots): fills each batch after the recorded
    /// appends, with a share of every batch kept for it so that scoring never stops behind a busy API.
    Derived,
}

/// One step of a filtered subscription: an event of a stream the consumer reads, or (Event null) only the
/// position up to which the log was passed without one.
public readonly record struct LogEntry(LogPosition Position, RecordedEvent? Event)
{
    /// The filter applied after reading, for a backend that cannot skip rows.
    public static async IAsyncEnumerable<LogEntry> Filter(
        IAsyncEnumerable<RecordedEvent> events, Func<string, bool> streams, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var e in events.WithCancellation(ct).ConfigureAwait(false))
            yield return new LogEntry(e.Position, streams(e.Stream.Value) ? e : null);
    }
}
