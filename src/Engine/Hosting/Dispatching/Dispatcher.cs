using Akka.Actor;
using PointsEngine.Engine.Actors;
using PointsEngine.Store;

namespace PointsEngine.Engine.Dispatching;

/// One delivery of a logged event to one actor.
public sealed record Delivery<TCommand>(string ActorId, TCommand Command, string CommandId, EventMetadata Metadata);

public sealed record DispatcherOptions
{
    /// Deliveries awaiting their actor's reply at once (many actors work in parallel).
    public int MaxInFlight { get; init; } = 4_096;

    /// Deliveries at once while people are recording (the store's recorded appends moved within
    /// <see cref="RecordingWindow"/>). Thousands of member decisions in flight fill the thread pool's queue
    /// ahead of a secretary's request on the same cores: a 40-member meeting over HTTP then took 330 ms
    /// (p50) instead of 10 (#7). Scoring steps back to this many and catches up at full width after.
    public int MaxInFlightWhileRecording { get; init; } = 32;

    /// How long after the last recorded append scoring keeps to <see cref="MaxInFlightWhileRecording"/>.
    public TimeSpan RecordingWindow { get; init; } = TimeSpan.FromMilliseconds(250);

    /// How often the checkpoint is saved; a restart re-delivers at most this much, harmlessly.
    public TimeSpan CheckpointEvery { get; init; } = TimeSpan.FromSeconds(1);

    /// First wait before retrying a delivery whose actor failed or whose mailbox was full.
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(50);
}

/// Routes events from the global log to actors, in log order per actor, many actors at once. The
/// checkpoint only passes an event once every delivery of it was persisted by its actor, so a crash
/// re-delivers rather than loses; re-delivery awards nothing twice (state check + deterministic ids).
/// A delivery that fails (store down, the actor stopped, no answer in time: an actor moving between nodes) is
/// retried, never skipped. At most one delivery per actor is in flight: the next waits (holding its slot)
/// until the one before it is done, so a retried message never overtakes a later one. <c>onStart</c> runs at
/// every (re)start with the checkpoint, so state the routing folds can be rebuilt as of that position.
/// With <c>streams</c>, only events of the streams it accepts are read and routed (the others would route
/// to nothing); the log positions passed over still count as done.
public sealed class Dispatcher<TCommand>(
    IEventStore store,
    ICheckpointStore checkpoints,
    string name,
    Func<RecordedEvent, IReadOnlyList<Delivery<TCommand>>> route,
    Func<Delivery<TCommand>, CancellationToken, Task> deliver,
    DispatcherOptions? options = null,
    TimeProvider? clock = null,
    Func<LogPosition, CancellationToken, Task>? onStart = null,
    Func<string, bool>? streams = null)
{
    private readonly DispatcherOptions _options = options ?? new DispatcherOptions();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly Queue<Pending> _inOrder = new();
    private Pending? _tail; // the last one queued
    private readonly List<(LogPosition Position, TaskCompletionSource Done)> _waiters = [];
    private LogPosition _completed;
    // Actors with a delivery in flight, and the deliveries waiting behind it (null: none waiting).
    private readonly Dictionary<string, Queue<Waiting>?> _busy = new(StringComparer.Ordinal);
    private long _delivered;
    private long _retries;

    private readonly record struct Waiting(Delivery<TCommand> Delivery, Pending Pending, SemaphoreSlim? Narrow);

    private sealed class Pending(LogPosition position, int remaining)
    {
        public LogPosition Position { get; set; } = position;
        public int Remaining { get; set; } = remaining;
    }

    /// Every event up to here has been delivered and persisted by its actors.
    public LogPosition CompletedUpTo { get { lock (_gate) return _completed; } }

    public long Delivered => Interlocked.Read(ref _delivered);
    public long Retries => Interlocked.Read(ref _retries);

    /// Completes once every event up to <paramref name="position"/> is processed (read-your-writes).
    public Task WaitForAsync(LogPosition position, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (_completed >= position) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((position, done));
            return done.Task.WaitAsync(ct);
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var recording = new RecordingWatch(store, _clock, _options.RecordingWindow); // before the first await: appends from here on count
        var start = await checkpoints.LoadAsync(name, ct).ConfigureAwait(false);
        if (onStart is not null) await onStart(start, ct).ConfigureAwait(false);
        List<TaskCompletionSource>? ready;
        lock (_gate)
        {
            // A restart after a failed run delivers again from the checkpoint: nothing earlier is pending.
            _inOrder.Clear();
            _tail = null;
            _busy.Clear();
            _completed = start;
            // Waiting for a position the checkpoint already passed (asked before the run loaded it) is over
            // now: with no new events, no delivery would ever release it.
            ready = ReleasableLocked();
        }
        ready?.ForEach(r => r.TrySetResult());
        using var slots = new SemaphoreSlim(_options.MaxInFlight);
        using var whileRecording = new SemaphoreSlim(Math.Clamp(_options.MaxInFlightWhileRecording, 1, _options.MaxInFlight));
        var saved = start;
        var lastSave = _clock.GetUtcNow();
        try
        {
            var events = streams is null
                ? LogEntry.Filter(store.SubscribeToAllAsync(start, ct), _ => true, ct)
                : store.SubscribeToAllAsync(start, streams, ct);
            await foreach (var entry in events.ConfigureAwait(false))
            {
                if (entry.Event is not { } e)
                {
                    Passed(entry.Position);
                }
                else
                {
                    var deliveries = route(e);
                    if (deliveries.Count == 0)
                    {
                        Passed(e.Position);
                    }
                    else
                    {
                        var pending = new Pending(e.Position, deliveries.Count);
                        lock (_gate)
                        {
                            _inOrder.Enqueue(pending);
                            _tail = pending;
                        }
                        // Posted in log order, so each actor's mailbox receives its messages in log order.
                        foreach (var d in deliveries)
                        {
                            await slots.WaitAsync(ct).ConfigureAwait(false);
                            var narrow = recording.IsRecording() ? whileRecording : null;
                            if (narrow is not null)
                            {
                                try { await narrow.WaitAsync(ct).ConfigureAwait(false); }
                                catch (OperationCanceledException) { slots.Release(); throw; } // stopping waits for every slot
                            }
                            Start(d, pending, slots, narrow, ct);
                        }
                    }
                }

                if (_clock.GetUtcNow() - lastSave >= _options.CheckpointEvery)
                {
                    saved = await SaveAsync(saved, ct).ConfigureAwait(false);
                    lastSave = _clock.GetUtcNow();
                }
            }
        }
        finally
        {
            // Let deliveries under way finish, then keep what they achieved.
            for (var i = 0; i < _options.MaxInFlight; i++) await slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            await SaveAsync(saved, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<LogPosition> SaveAsync(LogPosition saved, CancellationToken ct)
    {
        var now = CompletedUpTo;
        if (now <= saved) return saved;
        await checkpoints.SaveAsync(name, now, ct).ConfigureAwait(false);
        return now;
    }

    /// Delivers now, or after the delivery to the same actor in flight.
    private void Start(Delivery<TCommand> d, Pending pending, SemaphoreSlim slots, SemaphoreSlim? narrow, CancellationToken ct)
    {
        lock (_gate)
        {
            if (_busy.TryGetValue(d.ActorId, out var waiting))
            {
                (waiting ??= _busy[d.ActorId] = new Queue<Waiting>()).Enqueue(new Waiting(d, pending, narrow));
                return;
            }
            _busy.Add(d.ActorId, null);
        }
        _ = DeliverAsync(d, pending, slots, narrow, ct);
    }

    private async Task DeliverAsync(Delivery<TCommand> d, Pending pending, SemaphoreSlim slots, SemaphoreSlim? narrow, CancellationToken ct)
    {
        try
        {
            var backoff = _options.RetryBackoff;
            while (true)
            {
                try
                {
                    await deliver(d, ct).ConfigureAwait(false);
                    Interlocked.Increment(ref _delivered);
                    Advance(pending);
                    return;
                }
                catch (Exception e) when (e is MailboxFullException or PersistFailedException or AskTimeoutException && !ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _retries);
                    await Task.Delay(backoff, _clock, ct).ConfigureAwait(false);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the event stays beyond the checkpoint and is delivered again next start.
        }
        finally
        {
            narrow?.Release();
            slots.Release();
            Waiting? next = null;
            lock (_gate)
            {
                if (_busy.TryGetValue(d.ActorId, out var waiting) && waiting is { Count: > 0 }) next = waiting.Dequeue();
                else _busy.Remove(d.ActorId);
            }
            if (next is { } n) _ = DeliverAsync(n.Delivery, n.Pending, slots, n.Narrow, ct);
        }
    }

    /// Whether the store's recorded appends moved within the window: people are recording now.
    private sealed class RecordingWatch(IEventStore store, TimeProvider clock, TimeSpan window)
    {
        private long _seen = store.RecordedAppends;
        private DateTimeOffset? _movedAt;

        public bool IsRecording()
        {
            var count = store.RecordedAppends;
            if (count != _seen)
            {
                _seen = count;
                _movedAt = clock.GetUtcNow();
                return true;
            }
            return _movedAt is { } at && clock.GetUtcNow() - at < window;
        }
    }

    /// An event that needs no delivery: done as soon as everything before it is. It joins the last event
    /// still waiting when that one needs nothing more either, so a long run of them costs no queue entries.
    private void Passed(LogPosition position)
    {
        List<TaskCompletionSource>? release = null;
        lock (_gate)
        {
            if (_inOrder.Count == 0)
            {
                _completed = position;
                release = ReleasableLocked();
            }
            else if (_tail is { Remaining: 0 } tail)
            {
                tail.Position = position;
            }
            else
            {
                _tail = new Pending(position, 0);
                _inOrder.Enqueue(_tail);
            }
        }
        release?.ForEach(r => r.TrySetResult());
    }

    private void Advance(Pending pending)
    {
        List<TaskCompletionSource>? release = null;
        lock (_gate)
        {
            if (pending.Remaining > 0) pending.Remaining--;
            while (_inOrder.TryPeek(out var head) && head.Remaining == 0)
            {
                _completed = _inOrder.Dequeue().Position;
            }
            release = ReleasableLocked();
        }
        release?.ForEach(r => r.TrySetResult());
    }

    /// Takes the waiters whose position is completed; call under the gate, complete them outside it.
    private List<TaskCompletionSource>? ReleasableLocked()
    {
        List<TaskCompletionSource>? release = null;
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Position <= _completed)
            {
                (release ??= []).Add(_waiters[i].Done);
                _waiters.RemoveAt(i);
            }
        }
        return release;
    }
}
