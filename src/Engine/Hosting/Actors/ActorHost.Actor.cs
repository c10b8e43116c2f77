using System.Threading.Channels;
using PointsEngine.Store;

namespace PointsEngine.Engine.Actors;

public sealed partial class ActorHost<TState, TCommand, TEvent>
{
    private sealed class Actor
    {
        private readonly ActorHost<TState, TCommand, TEvent> _host;
        private readonly Channel<Envelope> _mailbox;
        private readonly Lock _gate = new();
        private bool _stopped;
        private int _pending;
        private DateTimeOffset _lastActive;
        private Task? _loop;

        // Owned by the loop: only the one message being processed touches these.
        private TState _state = default!;
        private StreamRevision? _revision;
        private bool _recovered;
        private int _sinceSnapshot;

        public Actor(ActorHost<TState, TCommand, TEvent> host, string id, StreamName stream)
        {
            _host = host;
            Id = id;
            Stream = stream;
            _mailbox = Channel.CreateBounded<Envelope>(new BoundedChannelOptions(host._options.MailboxCapacity)
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of dropping
            });
            _lastActive = host._clock.GetUtcNow();
        }

        public string Id { get; }
        public StreamName Stream { get; }

        /// False when the actor has stopped (post to a new one) or, with <paramref name="full"/>, when
        /// its mailbox is full.
        public bool TryPost(Envelope envelope, out bool full)
        {
            lock (_gate)
            {
                full = false;
                if (_stopped) return false;
                if (!_mailbox.Writer.TryWrite(envelope))
                {
                    full = true;
                    return false;
                }
                _pending++;
                _lastActive = _host._clock.GetUtcNow();
                _loop ??= Task.Run(RunAsync);
                return true;
            }
        }

        public bool TryPassivate(DateTimeOffset idleSince)
        {
            lock (_gate)
            {
                if (_stopped) return true;
                if (_pending > 0 || _lastActive > idleSince) return false;
                _stopped = true;
                _mailbox.Writer.TryComplete();
                return true;
            }
        }

        public Task Stop()
        {
            lock (_gate)
            {
                _stopped = true;
                _mailbox.Writer.TryComplete();
                return _loop ?? Task.CompletedTask;
            }
        }

        private async Task RunAsync()
        {
            await foreach (var envelope in _mailbox.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                await ProcessAsync(envelope).ConfigureAwait(false);
                lock (_gate)
                {
                    _pending--;
                    _lastActive = _host._clock.GetUtcNow();
                }
            }
        }

        private async Task ProcessAsync(Envelope envelope)
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
                        envelope.Reply.TrySetResult(new CommandResult<TState, TEvent>.Rejected(rejected.Reason));
                        return;
                    }

                    var events = ((Decision<TEvent>.Accepted)decision).Events;
                    if (events.Count == 0)
                    {
                        envelope.Reply.TrySetResult(new CommandResult<TState, TEvent>.Accepted(events, _state, _revision));
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
                        Apply(events, result.NextExpectedRevision);

                    envelope.Reply.TrySetResult(new CommandResult<TState, TEvent>.Accepted(events, _state, _revision));
                    await MaybeSnapshotAsync(ct).ConfigureAwait(false);
                    return;
                }
            }
            catch (Exception e)
            {
                // Supervision: the in-memory state is no longer trusted; the next message recovers it from
                // snapshot + stream. Only this actor is affected.
                _recovered = false;
                envelope.Reply.TrySetException(e is OperationCanceledException or PersistFailedException
                    ? e
                    : new PersistFailedException(Id, e));
            }
        }

        private Task<AppendResult> PersistAsync(IReadOnlyList<TEvent> events, Envelope envelope, CancellationToken ct)
        {
            var data = new EventData[events.Count];
            for (var i = 0; i < events.Count; i++)
                data[i] = _host._serializer.ToEventData(
                    DeterministicIds.For(Stream.Value, envelope.CommandId, i), events[i], envelope.Metadata);
            var expected = _revision is { } r ? ExpectedRevision.Exact(r) : ExpectedRevision.NoStream;
            return _host._store.AppendToStreamAsync(Stream, expected, data, ct);
        }

        private void Apply(IReadOnlyList<TEvent> events, StreamRevision? revision)
        {
            foreach (var e in events) _state = _host._decider.Evolve(_state, e);
            _revision = revision;
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
            _revision = snapshot?.Revision;
            _sinceSnapshot = 0;
            await CatchUpAsync(ct).ConfigureAwait(false);
            _recovered = true;
        }

        private async Task CatchUpAsync(CancellationToken ct)
        {
            var from = _revision is { } r ? r.Next() : StreamRevision.Start;
            await foreach (var recorded in _host._store.ReadStreamAsync(Stream, from, int.MaxValue, ct).ConfigureAwait(false))
            {
                if (_host._serializer.Deserialize(recorded) is not TEvent e)
                    throw new InvalidOperationException(
                        $"{Stream}@{recorded.Revision} holds an event of type '{recorded.Type}' this build cannot apply.");
                _state = _host._decider.Evolve(_state, e);
                _revision = recorded.Revision;
                _sinceSnapshot++;
            }
        }

        private async Task MaybeSnapshotAsync(CancellationToken ct)
        {
            var every = _host._options.SnapshotEvery;
            if (every <= 0 || _sinceSnapshot < every || _revision is not { } revision) return;
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
