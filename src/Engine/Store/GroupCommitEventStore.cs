using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace PointsEngine.Store;

public sealed record GroupCommitOptions
{
    /// Most append requests committed in one transaction.
    public int MaxRequestsPerCommit { get; init; } = 512;

    /// Most events committed in one transaction (a request is never split).
    public int MaxEventsPerCommit { get; init; } = 20_000;

    /// How long a live subscription waits before polling for other processes' commits.
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// Events read per page by subscriptions.
    public int PageSize { get; init; } = 2_000;
}

/// One append waiting in the group-commit queue. The backend records its outcome while the batch's
/// transaction is open; callers are told only after the transaction committed (or failed).
/// It is its own completion source: one object per request, not two.
public sealed class PendingAppend(StreamName stream, ExpectedRevision expected, IReadOnlyList<EventData> events)
    : TaskCompletionSource<AppendResult>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    private object? _outcome;

    public StreamName Stream { get; } = stream;
    public ExpectedRevision Expected { get; } = expected;
    public AppendLane Lane { get; init; }
    public IReadOnlyList<EventData> Events { get; } = events;
    internal Task<AppendResult> Completion => Task;

    public void Succeeded(AppendResult result) => _outcome = result;
    public void Rejected(AppendRejectedException error) => _outcome = error;

    internal void Complete()
    {
        switch (_outcome)
        {
            case AppendResult r: TrySetResult(r); break;
            case Exception e: TrySetException(e); break;
            default: TrySetException(new InvalidOperationException("The backend recorded no outcome for an append.")); break;
        }
    }

    internal void Fail(Exception e) => TrySetException(e);
}

/// Appends from many concurrent callers are queued and committed together in one transaction, so a
/// durable commit (an fsync) is paid once per batch instead of once per caller. Each caller still gets
/// its own result: the backend isolates each request (savepoints), so one refused request does not
/// affect the others in the batch.
public abstract class GroupCommitEventStore : IEventStore
{
    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private Task? _writer;
    private readonly Lock _startLock = new();
    private int _disposed;
    private long _recordedAppends;
    private static readonly TimeSpan MaxRetry = TimeSpan.FromMilliseconds(16);
    private long _committedUpTo; // the highest position this process has committed (0: none yet)

    protected GroupCommitEventStore(GroupCommitOptions options) => Options = options;

    protected GroupCommitOptions Options { get; }
    protected AppendSignal Appended { get; } = new();

    public Task<AppendResult> AppendToStreamAsync(
        StreamName stream, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken ct = default) =>
        AppendToStreamAsync(stream, expected, events, AppendLane.Recorded, ct);

    public Task<AppendResult> AppendToStreamAsync(
        StreamName stream, ExpectedRevision expected, IReadOnlyList<EventData> events, AppendLane lane, CancellationToken ct = default)
    {
        AppendDecision.ValidateBatch(events);
        ct.ThrowIfCancellationRequested();
        EnsureWriter();
        var pending = new PendingAppend(stream, expected, events.ToArray()) { Lane = lane };
        if (lane == AppendLane.Recorded) Interlocked.Increment(ref _recordedAppends);
        if (!_queue.Writer.TryWrite(pending))
            throw new ObjectDisposedException(GetType().Name);
        // Cancelling the wait does not withdraw the append: it may still commit, and a retry with the same
        // event ids is idempotent.
        return pending.Completion.WaitAsync(ct);
    }

    public long RecordedAppends => Interlocked.Read(ref _recordedAppends);

    private void EnsureWriter()
    {
        if (_writer is not null) return;
        lock (_startLock)
            _writer ??= Task.Run(WriteLoopAsync);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingAppend>();
        var reader = _queue.Reader;
        // Appends taken off the channel but not yet committed, by lane: the writer empties the channel
        // before each batch so that a recorded fact that arrived behind thousands of derived appends is seen.
        var recorded = new Queue<PendingAppend>();
        var derived = new Queue<PendingAppend>();
        while (recorded.Count + derived.Count > 0 || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var arrived))
                (arrived.Lane == AppendLane.Derived ? derived : recorded).Enqueue(arrived);

            // Recorded appends first, but a quarter of a full batch is kept for derived ones while they wait,
            // so scoring never stops behind a busy API, nor a person's fact behind scoring.
            batch.Clear();
            var eventCount = 0;
            Take(recorded, Options.MaxRequestsPerCommit - Options.MaxRequestsPerCommit / 4, batch, ref eventCount);
            Take(derived, Options.MaxRequestsPerCommit, batch, ref eventCount);
            Take(recorded, Options.MaxRequestsPerCommit, batch, ref eventCount);

            try
            {
                await CommitBatchAsync(batch, _stopping.Token).ConfigureAwait(false);
                foreach (var p in batch) p.Complete();
                RecordCommitted(batch);
                if (eventCount > 0) Appended.Notify();
            }
            catch (Exception e)
            {
                // The transaction failed as a whole: no caller in it is told of success.
                foreach (var p in batch) p.Fail(e);
            }

            try
            {
                await BetweenBatchesAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Upkeep that failed is tried again after a later batch; it must never stop the appends.
            }
        }
    }

    private void RecordCommitted(List<PendingAppend> batch)
    {
        var highest = Interlocked.Read(ref _committedUpTo);
        foreach (var p in batch)
            if (p.Task.IsCompletedSuccessfully && p.Task.Result.LastPosition is { } last && last.Value > highest) highest = last.Value;
        Interlocked.Exchange(ref _committedUpTo, highest);
    }

    /// After a subscription's read came back short: wait for the next commit or the poll, unless this process has
    /// already committed past what the read could see. On PostgreSQL a committed append stays invisible while an
    /// older transaction is in flight (a reader stops below the oldest one, see PostgresEventStore), such as a
    /// projection's own batch on the same cluster; the commit's wake-up has then already been spent on a read that
    /// could not see it, and waiting for the next one left scoring and projections a whole poll interval behind a
    /// committed fact (#16 finding 1: a projection law compared read models taken before the last facts were
    /// scored). So read again soon, backing off up to the poll interval.
    /// Returns the retry delay used (null when it waited for a commit), which the next call doubles, up to 16 ms (a cheap
    /// read; a transaction left idle for long is what idle_in_transaction_session_timeout is for).
    private async Task<TimeSpan?> WaitForMoreAsync(Task nextCommit, LogPosition checkpoint, TimeSpan? retry, CancellationToken ct)
    {
        if (checkpoint.Value < Interlocked.Read(ref _committedUpTo))
        {
            var delay = retry is { } r ? TimeSpan.FromTicks(Math.Min(r.Ticks * 2, Math.Min(MaxRetry.Ticks, Options.PollInterval.Ticks))) : TimeSpan.FromMilliseconds(1);
            await Task.Delay(delay, ct).ConfigureAwait(false);
            return delay;
        }
        await AppendSignal.WaitAsync(nextCommit, Options.PollInterval, ct).ConfigureAwait(false);
        return null;
    }

    private void Take(Queue<PendingAppend> waiting, int requests, List<PendingAppend> batch, ref int eventCount)
    {
        while (batch.Count < requests && eventCount < Options.MaxEventsPerCommit && waiting.TryDequeue(out var next))
        {
            batch.Add(next);
            eventCount += next.Events.Count;
        }
    }

    /// Runs on the writer after each batch's callers were told, before the next batch: upkeep that must not
    /// overlap a commit (the SQLite store's WAL checkpoint).
    protected virtual ValueTask BetweenBatchesAsync(CancellationToken ct) => ValueTask.CompletedTask;

    /// Commits every request of the batch in one transaction, recording each request's outcome with
    /// <see cref="PendingAppend.Succeeded"/> or <see cref="PendingAppend.Rejected"/>. Throws when the
    /// transaction as a whole fails.
    protected abstract Task CommitBatchAsync(IReadOnlyList<PendingAppend> batch, CancellationToken ct);

    public abstract IAsyncEnumerable<RecordedEvent> ReadStreamAsync(
        StreamName stream, StreamRevision from, int maxCount = int.MaxValue, CancellationToken ct = default);

    public abstract IAsyncEnumerable<RecordedEvent> ReadAllAsync(
        LogPosition after, int maxCount = int.MaxValue, CancellationToken ct = default);

    public abstract Task<StreamRevision?> ReadStreamRevisionAsync(StreamName stream, CancellationToken ct = default);

    public abstract Task<LogPosition> ReadHeadPositionAsync(CancellationToken ct = default);

    public async IAsyncEnumerable<RecordedEvent> SubscribeToAllAsync(
        LogPosition after, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var checkpoint = after;
        TimeSpan? retry = null;
        while (!ct.IsCancellationRequested)
        {
            var nextCommit = Appended.NextCommit;
            var page = await ReadPageAsync(ReadAllAsync(checkpoint, Options.PageSize, ct), ct).ConfigureAwait(false);
            foreach (var e in page)
            {
                checkpoint = e.Position;
                yield return e;
            }

            if (page.Count > 0) retry = null;
            if (page.Count < Options.PageSize) retry = await WaitForMoreAsync(nextCommit, checkpoint, retry, ct).ConfigureAwait(false);
        }
    }

    public async IAsyncEnumerable<LogEntry> SubscribeToAllAsync(
        LogPosition after, Func<string, bool> streams, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var checkpoint = after;
        TimeSpan? retry = null;
        while (!ct.IsCancellationRequested)
        {
            var nextCommit = Appended.NextCommit;
            var page = await ReadPageAsync(ReadAllAsync(checkpoint, Options.PageSize, streams, ct), ct).ConfigureAwait(false);
            LogPosition? passed = null; // rows filtered out since the last event delivered
            foreach (var entry in page)
            {
                checkpoint = entry.Position;
                if (entry.Event is null)
                {
                    passed = entry.Position;
                    continue;
                }
                passed = null;
                yield return entry;
            }
            if (passed is { } p) yield return new LogEntry(p, null);

            if (page.Count > 0) retry = null;
            if (page.Count < Options.PageSize) retry = await WaitForMoreAsync(nextCommit, checkpoint, retry, ct).ConfigureAwait(false);
        }
    }

    /// A subscription's page is read whole before the consumer sees any of it: a read holds its snapshot
    /// until it ends, and a consumer that is slow for a while (the dispatcher waiting for actors) would hold
    /// it that long, which keeps SQLite from ever emptying its WAL (#7) and PostgreSQL from vacuuming.
    private static async Task<List<T>> ReadPageAsync<T>(IAsyncEnumerable<T> read, CancellationToken ct)
    {
        var page = new List<T>();
        await foreach (var item in read.WithCancellation(ct).ConfigureAwait(false)) page.Add(item);
        return page;
    }

    /// A page of the log as <see cref="ReadAllAsync(LogPosition, int, CancellationToken)"/> reads it, one entry
    /// per row, with the event only for rows of streams <paramref name="streams"/> accepts. A backend that
    /// can leave the other rows unread overrides this.
    protected virtual IAsyncEnumerable<LogEntry> ReadAllAsync(
        LogPosition after, int maxCount, Func<string, bool> streams, CancellationToken ct) =>
        LogEntry.Filter(ReadAllAsync(after, maxCount, ct), streams, ct);

    public async ValueTask DisposeAsync()
    {
        // Disposal must be idempotent (a host may dispose explicitly and again through `await using`).
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _queue.Writer.TryComplete();
        if (_writer is not null)
        {
            try { await _writer.ConfigureAwait(false); }
            catch (Exception) { /* failures were reported to the callers */ }
        }
        _stopping.Cancel();
        await DisposeCoreAsync().ConfigureAwait(false);
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract ValueTask DisposeCoreAsync();
}
