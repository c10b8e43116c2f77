using System.Runtime.CompilerServices;
using PointsEngine.Store;

namespace PointsEngine.TestSupport;

/// A real store wrapped so a test can tell it to fail or stall appends (Akka's test journal does
/// `write.Fail()`), and count what passes through.
public sealed class FaultyEventStore(IEventStore inner) : IEventStore
{
    private int _failNext;
    private volatile TaskCompletionSource? _gate;
    private int _appends;
    private int _held;
    private long _streamEventsRead;

    public IEventStore Inner => inner;
    public int Appends => Volatile.Read(ref _appends);

    /// Appends currently waiting for <see cref="ReleaseAppends"/>.
    public int AppendsHeld => Volatile.Read(ref _held);
    public long StreamEventsRead => Interlocked.Read(ref _streamEventsRead);

    /// The next <paramref name="count"/> appends throw without reaching the store.
    public void FailNextAppends(int count = 1) => Interlocked.Exchange(ref _failNext, count);

    private volatile Func<StreamName, bool>? _holding;

    /// Appends (to the streams <paramref name="which"/> picks, all by default) wait until <see cref="ReleaseAppends"/>.
    public void HoldAppends(Func<StreamName, bool>? which = null)
    {
        _holding = which;
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void ReleaseAppends() => Interlocked.Exchange(ref _gate, null)?.TrySetResult();

    public Task<AppendResult> AppendToStreamAsync(StreamName stream, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken ct = default) =>
        AppendToStreamAsync(stream, expected, events, AppendLane.Recorded, ct);

    public long RecordedAppends => inner.RecordedAppends;

    public async Task<AppendResult> AppendToStreamAsync(StreamName stream, ExpectedRevision expected, IReadOnlyList<EventData> events, AppendLane lane, CancellationToken ct = default)
    {
        if (_gate is { } gate && (_holding is not { } which || which(stream)))
        {
            Interlocked.Increment(ref _held);
            try { await gate.Task.WaitAsync(ct); }
            finally { Interlocked.Decrement(ref _held); }
        }
        if (TakeFailure())
            throw new IOException("disk unavailable (injected by the test)");
        Interlocked.Increment(ref _appends);
        return await inner.AppendToStreamAsync(stream, expected, events, lane, ct);
    }

    private bool TakeFailure()
    {
        while (true)
        {
            var n = Volatile.Read(ref _failNext);
            if (n <= 0) return false;
            if (Interlocked.CompareExchange(ref _failNext, n - 1, n) == n) return true;
        }
    }

    public async IAsyncEnumerable<RecordedEvent> ReadStreamAsync(StreamName stream, StreamRevision from, int maxCount = int.MaxValue, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var e in inner.ReadStreamAsync(stream, from, maxCount, ct))
        {
            Interlocked.Increment(ref _streamEventsRead);
            yield return e;
        }
    }

    public IAsyncEnumerable<RecordedEvent> ReadAllAsync(LogPosition after, int maxCount = int.MaxValue, CancellationToken ct = default) =>
        inner.ReadAllAsync(after, maxCount, ct);

    public Task<StreamRevision?> ReadStreamRevisionAsync(StreamName stream, CancellationToken ct = default) =>
        inner.ReadStreamRevisionAsync(stream, ct);

    public Task<LogPosition> ReadHeadPositionAsync(CancellationToken ct = default) => inner.ReadHeadPositionAsync(ct);

    public IAsyncEnumerable<RecordedEvent> SubscribeToAllAsync(LogPosition after, CancellationToken ct = default) =>
        inner.SubscribeToAllAsync(after, ct);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
