using System.Runtime.CompilerServices;
using PointsEngine.Store;

namespace PointsEngine.Engine.Actors;

public sealed partial class ActorHost<TState, TCommand, TEvent>
{
    /// One member's actor. Its mailbox is a field and, only while more than one message waits, a queue,
    /// both under the actor's lock; a message posted to an idle actor schedules one drain on the thread
    /// pool, which ends when the mailbox is empty. An idle actor so holds its state and little else: no
    /// channel, no parked loop, no buffers (they were most of its memory beside the state).
    private sealed class Actor : IThreadPoolWorkItem
    {
        private readonly ActorHost<TState, TCommand, TEvent> _host;

        // Guarded by lock (this): the mailbox and the actor's life.
        private Envelope? _first;
        private Queue<Envelope>? _more;
        private int _pending; // waiting + the one being processed
        private bool _processing;
        private bool _draining;
        private bool _stopped;
        private TaskCompletionSource? _drained; // only when Stop waits for a drain under way
        private long _lastActive; // UTC ticks

        // Owned by the drain: only the one message being processed touches these.
        private TState _state = default!;
        private long _revision = -1; // -1: no stream yet
        private bool _recovered;
        private int _sinceSnapshot;

        // An actor keeps its id (the dictionary's key) and names its stream when it reads or writes: a
        // resident actor so holds no string of its own (the stream name was ~64 bytes of ~2 KB per member).
        public Actor(ActorHost<TState, TCommand, TEvent> host, string id)
        {
            _host = host;
            Id = id;
            _lastActive = host._clock.GetUtcNow().UtcTicks;
        }

        public string Id { get; }
        private StreamName Stream => _host._streamOf(Id);
        private StreamRevision? Revision => _revision < 0 ? null : new StreamRevision(_revision);

        /// False when the actor has stopped (post to a new one) or, with <paramref name="full"/>, when
        /// its mailbox is full.
        public bool TryPost(Envelope envelope, out bool full)
        {
            lock (this)
            {
                full = false;
                if (_stopped) return false;
                // The capacity counts messages waiting, not the one being processed (as a channel's would).
                if (_pending - (_processing ? 1 : 0) >= _host._options.MailboxCapacity)
                {
                    full = true;
                    return false;
                }
                if (_pending == 0) _first = envelope;
                else (_more ??= new Queue<Envelope>()).Enqueue(envelope);
                _pending++;
                _lastActive = _host._clock.GetUtcNow().UtcTicks;
                if (_draining) return true;
                _draining = true;
            }
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            return true;
        }

        public bool TryPassivate(DateTimeOffset idleSince)
        {
            lock (this)
            {
                if (_stopped) return true;
                if (_pending > 0 || _lastActive > idleSince.UtcTicks) return false;
                _stopped = true;
                return true;
            }
        }

        /// Refuses further messages; completes once the message under way (if any) and those waiting are done.
        public Task Stop()
        {
            lock (this)
            {
                _stopped = true;
                if (!_draining) return Task.CompletedTask;
                _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return _drained.Task;
            }
        }

        void IThreadPoolWorkItem.Execute() => _ = DrainAsync();

        private async Task DrainAsync()
        {
            while (true)
            {
                Envelope envelope;
                lock (this)
                {
                    if (_pending == 0)
                    {
                        _draining = false;
                        _drained?.TrySetResult();
                        return;
                    }
                    _processing = true;
                    if (_first is { } first)
                    {
                        envelope = first;
                        _first = null;
                    }
                    else
                    {
                        envelope = _more!.Dequeue();
                    }
                }
                await ProcessAsync(envelope).ConfigureAwait(false);
                lock (this)
                {
                    _pending--;
                    _processing = false;
                    _lastActive = _host._clock.GetUtcNow().UtcTicks;
                    if (_pending == 0) _more = null; // a burst's queue is not kept while idle
                }
            }
        }

        // The drain awaits each message in turn: pooled state machines, not one allocation per message.
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask ProcessAsync(Envelope envelope)
        {
            var ct = _host._stopping.Token;
            try
            {
                if (!_recovered) await RecoverAsync(ct).ConfigureAwait(false);
                for (var attempt = 0; ; attempt++)
                {
                    var decision = _host._decider.Decide(_state, envelope.Command);
                    if (decision is Decision<TEvent>.Rejected rejected)
                    {
                        _host.OnRejected?.Invoke(Id, envelope.CommandId, rejected.Reason);
                        envelope.TrySetResult(new CommandResult<TState, TEvent>.Rejected(rejected.Reason));
                        return;
                    }

                    var accepted = (Decision<TEvent>.Accepted)decision;
                    var events = accepted.Events;
                    if (events.Count == 0)
                    {
                        envelope.TrySetResult(new CommandResult<TState, TEvent>.Accepted(events, _state, Revision));
                        return;
                    }

                    AppendResult result;
                    try
                    {
                        result = await PersistAsync(events, envelope, ct).ConfigureAwait(false);
                    }
                    catch (WrongExpectedRevisionException) when (attempt < _host._options.MaxConcurrencyRetries)
                    {
                        // Another writer (another process) moved the stream: catch up and decide again.
                        await CatchUpAsync(ct).ConfigureAwait(false);
                        continue;
                    }

                    if (result.AlreadyCommitted)
                        await CatchUpAsync(ct).ConfigureAwait(false); // an earlier incarnation persisted them
                    else
                        Apply(events, accepted.StateAfter, result.NextExpectedRevision);

                    envelope.TrySetResult(new CommandResult<TState, TEvent>.Accepted(events, _state, Revision));
                    await MaybeSnapshotAsync(ct).ConfigureAwait(false);
                    return;
                }
            }
            catch (Exception e)
            {
                // Supervision: the in-memory state is no longer trusted; the next message recovers it from
                // snapshot + stream. Only this actor is affected.
                _recovered = false;
                envelope.TrySetException(e is OperationCanceledException or PersistFailedException
                    ? e
                    : new PersistFailedException(Id, e));
            }
        }

        private Task<AppendResult> PersistAsync(IReadOnlyList<TEvent> events, Envelope envelope, CancellationToken ct)
        {
            var stream = Stream;
            var data = new EventData[events.Count];
            for (var i = 0; i < events.Count; i++)
                data[i] = _host._serializer.ToEventData(
                    DeterministicIds.For(stream.Value, envelope.CommandId, i), events[i], envelope.Metadata);
            var expected = Revision is { } r ? ExpectedRevision.Exact(r) : ExpectedRevision.NoStream;
            return _host._store.AppendToStreamAsync(stream, expected, data, AppendLane.Derived, ct);
        }

        private void Apply(IReadOnlyList<TEvent> events, object? stateAfter, StreamRevision? revision)
        {
            if (stateAfter is TState after) _state = after; // the decider folded them already
            else
                for (var i = 0; i < events.Count; i++) _state = _host._decider.Evolve(_state, events[i]); // no boxed enumerator
            _revision = revision?.Value ?? -1;
            _sinceSnapshot += events.Count;
        }

        private async Task RecoverAsync(CancellationToken ct)
        {
            Snapshot<TState>? snapshot;
            try
            {
                snapshot = await _host._snapshots.LoadAsync(Stream, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                snapshot = null; // a snapshot is only a shortcut: replay the whole stream instead
            }
            _state = snapshot is { } s ? s.State : _host._decider.Initial(Id);
            _revision = snapshot?.Revision.Value ?? -1;
            _sinceSnapshot = 0;
            await CatchUpAsync(ct).ConfigureAwait(false);
            _recovered = true;
        }

        private async Task CatchUpAsync(CancellationToken ct)
        {
            var from = Revision is { } r ? r.Next() : StreamRevision.Start;
            var stream = Stream;
            await foreach (var recorded in _host._store.ReadStreamAsync(stream, from, int.MaxValue, ct).ConfigureAwait(false))
            {
                if (_host._serializer.Deserialize(recorded) is not TEvent e)
                    throw new InvalidOperationException(
                        $"{stream}@{recorded.Revision} holds an event of type '{recorded.Type}' this build cannot apply.");
                _state = _host._decider.Evolve(_state, e);
                _revision = recorded.Revision.Value;
                _sinceSnapshot++;
            }
        }

        private async Task MaybeSnapshotAsync(CancellationToken ct)
        {
            var every = _host._options.SnapshotEvery;
            if (every <= 0 || _sinceSnapshot < every || Revision is not { } revision) return;
            try
            {
                await _host._snapshots.SaveAsync(Stream, new Snapshot<TState>(_state, revision), ct).ConfigureAwait(false);
                _sinceSnapshot = 0;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A lost snapshot costs a longer recovery, never correctness: try again after more events.
            }
        }
    }
}
