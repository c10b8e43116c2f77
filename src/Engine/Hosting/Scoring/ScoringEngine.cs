using Akka.Actor;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Actors;
using PointsEngine.Engine.Dispatching;
using PointsEngine.Store;

namespace PointsEngine.Engine.Scoring;

public sealed record ScoringEngineOptions
{
    public ActorOptions Actors { get; init; } = new();
    public DispatcherOptions Dispatcher { get; init; } = new();

    /// This node's place in a cluster of engine nodes (the default: a one-node cluster of this process).
    public ClusterOptions Cluster { get; init; } = new();
}

/// The scoring engine as one unit: facts are recorded durably into their streams; the dispatcher routes
/// them from the log to one actor per member (an Akka.Persistence actor under Cluster Sharding), which
/// decides with the pure domain and persists awards to member-{id}. Scoring runs behind recording: a caller that
/// needs its points visible waits for the position its fact was written at. With several engine nodes every node
/// hosts its share of the member actors, and one of them (the leader) runs the dispatcher for all (#17).
public sealed class ScoringEngine : IAsyncDisposable
{
    public const string DispatcherName = "scoring";

    /// The shard type name of the member actors.
    public const string MemberActors = "member";

    private readonly IEventStore _store;
    private readonly ICheckpointStore _checkpoints;
    private readonly EventSerializer _serializer;
    private readonly ActorShell<MemberState, MemberMessage, IMemberEvent> _shell;
    private readonly ActorSystem? _system;
    private ShardedActorHost<MemberState, MemberMessage, IMemberEvent>? _members;
    private readonly ScoringRouter _router;
    private readonly Dispatcher<MemberMessage> _dispatcher;
    private readonly ScoringEngineOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Queue<string> _recentRejections = new();
    private Task _running = Task.CompletedTask;
    private CancellationTokenSource? _dispatching;
    private readonly SemaphoreSlim _startStop = new(1, 1);
    private long _rejected;
    private long _decisions;
    private int _started;
    private int _disposed;
    private HashSet<int>? _openedYears;
    private readonly Lock _openedLock = new();

    /// Who recorded what the engine records itself (a year's opening).
    public const string SystemRecorder = "system";

    public ScoringEngine(
        IEventStore store,
        ICheckpointStore checkpoints,
        EventSerializer serializer,
        Func<RuleSetPublished, RuleSet> parseRuleSet,
        ScoringEngineOptions? options = null,
        TimeProvider? clock = null,
        ActorSystem? system = null)
    {
        _store = store;
        _checkpoints = checkpoints;
        _serializer = serializer;
        _options = options ?? new ScoringEngineOptions();
        // MemberState holds abstract fact types Newtonsoft cannot read back; its document shape can.
        _shell = new ActorShell<MemberState, MemberMessage, IMemberEvent>(
            Counted(MemberDecider.Instance), id => FactStreams.Member(new MemberId(id)), _options.Actors,
            state => MemberStateDocument.From(state), snapshot => ((MemberStateDocument)snapshot).ToState(), CountRejection);
        _system = system;
        _router = new ScoringRouter(serializer, parseRuleSet);
        // The router is rebuilt as of the checkpoint at every dispatcher (re)start, so events delivered again
        // after a failure are decided with the rule book and calendar of their own place in the log.
        _dispatcher = new Dispatcher<MemberMessage>(store, checkpoints, DispatcherName, _router.Route, DeliverAsync,
            _options.Dispatcher, clock, (checkpoint, ct) => _router.LoadAsync(store, checkpoint, ct),
            FactStreams.HoldsRecordedFacts);
    }

    public int ResidentMembers => _shell.Resident;

    /// Decisions taken by the member actors on this node (each delivery an actor decided, whichever node's
    /// dispatcher sent it): across the nodes of a cluster they add up to the work, not N times the work.
    public long Decisions => Interlocked.Read(ref _decisions);

    /// Whether this process runs the dispatcher now (on one node of a cluster; always in the embedded default).
    public bool Dispatching => _dispatching is not null;
    public long Delivered => _dispatcher.Delivered;

    /// Deliveries retried because a member's mailbox was full or its actor failed to persist.
    public long DeliveryRetries => _dispatcher.Retries;
    public long Rejected => Interlocked.Read(ref _rejected);
    public LogPosition ScoredUpTo => _dispatcher.CompletedUpTo;

    /// The latest refusals by the domain (e.g. a fact in a closed year), newest last.
    public IReadOnlyList<string> RecentRejections { get { lock (_recentRejections) return [.. _recentRejections]; } }

    /// Appends the fact to its stream; returns once it is durable. Recording the same fact id again
    /// writes nothing. The first fact dated in a year first records that the year is open (YearOpened),
    /// so every member on the roster gets the year's base score, not only those with a fact in it.
    public async Task<AppendResult> RecordAsync(IFact fact, string recordedBy, CancellationToken ct = default)
    {
        await OpenYearOfAsync(fact, ct).ConfigureAwait(false);
        return await _store.AppendToStreamAsync(FactStreams.For(fact), ExpectedRevision.Any, [EventDataOf(fact, recordedBy)], ct).ConfigureAwait(false);
    }

    /// Appends facts of one stream in one atomic append (an imported suggestion with its assessment): all
    /// of them are recorded or none. Recording the same facts again writes nothing.
    public async Task<AppendResult> RecordAsync(IReadOnlyList<IFact> facts, string recordedBy, CancellationToken ct = default)
    {
        if (facts.Count == 0) throw new ArgumentException("Nothing to record.", nameof(facts));
        var stream = FactStreams.For(facts[0]);
        if (facts.Any(f => FactStreams.For(f) != stream))
            throw new ArgumentException("Facts recorded together must belong to one stream.", nameof(facts));
        foreach (var fact in facts) await OpenYearOfAsync(fact, ct).ConfigureAwait(false);
        return await _store.AppendToStreamAsync(stream, ExpectedRevision.Any, [.. facts.Select(f => EventDataOf(f, recordedBy))], ct).ConfigureAwait(false);
    }

    /// A fact as it is stored: its id-derived event id, and metadata with its date and who recorded it.
    public EventData EventDataOf(IFact fact, string recordedBy) => _serializer.ToEventData(
        FactStreams.EventIdOf(fact), fact,
        new EventMetadata(new DateTimeOffset(fact.OccurredOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), recordedBy));

    /// Records that the fact's year is open (YearOpened) unless the log already says so. Writers that append
    /// to a stream themselves (at an expected revision) call this first, as RecordAsync does.
    public async Task OpenYearOfAsync(IFact fact, CancellationToken ct = default)
    {
        if (fact is YearOpened or YearClosed or YearReopened or RuleSetPublished) return;
        var year = fact.OccurredOn.Year;
        if (_openedYears is null)
        {
            // Once per process: which years the log already holds as opened.
            var known = new HashSet<int>();
            await foreach (var e in _store.ReadStreamAsync(FactStreams.Calendar, StreamRevision.Start, int.MaxValue, ct).ConfigureAwait(false))
                if (_serializer.Deserialize(e) is YearOpened o) known.Add(o.Year);
            lock (_openedLock) _openedYears ??= known;
        }
        lock (_openedLock)
            if (_openedYears.Contains(year)) return;
        // Another process may record the same year at once: the event id is the year's, so it is written once.
        var opened = YearOpened.Of(year);
        await _store.AppendToStreamAsync(FactStreams.Calendar, ExpectedRevision.Any, [EventDataOf(opened, SystemRecorder)], ct).ConfigureAwait(false);
        lock (_openedLock) _openedYears.Add(year);
    }

    /// Starts scoring from the dispatcher's checkpoint in the background: this node's member actors, then the
    /// dispatcher. Starting again does nothing: two loops on one dispatcher would rebuild the router under each
    /// other (a flaky test did exactly that, and a correction for a back-dated rule set was decided with the
    /// older rule book).
    public async Task StartAsync(CancellationToken ct = default)
    {
        await StartMembersAsync(ct).ConfigureAwait(false);
        await StartDispatchingAsync(ct).ConfigureAwait(false);
    }

    /// Starts this node's member actors (once): in the system given (one that has joined its cluster), else in
    /// this process's node of the configured cluster (by default a one-node cluster of its own).
    public async Task StartMembersAsync(CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        await _startStop.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_started == 1) return;
            _members = _system is { } system
                ? await ShardedActorHost<MemberState, MemberMessage, IMemberEvent>.StartAsync(system, MemberActors, _shell).ConfigureAwait(false)
                : await ShardedActorHost<MemberState, MemberMessage, IMemberEvent>.StartEmbeddedAsync(
                    _store, _serializer, MemberActors, _shell, _options.Cluster).ConfigureAwait(false);
            _started = 1;
        }
        finally
        {
            _startStop.Release();
        }
    }

    /// Starts the dispatcher (after this node's member actors): in the one process that leads. Starting again
    /// while it runs does nothing.
    public async Task StartDispatchingAsync(CancellationToken ct = default)
    {
        await StartMembersAsync(ct).ConfigureAwait(false);
        await _startStop.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_dispatching is not null || _disposed == 1) return;
            var stop = _dispatching = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            _running = Task.Run(() => RunDispatcherAsync(stop.Token), CancellationToken.None);
        }
        finally
        {
            _startStop.Release();
        }
    }

    /// Stops the dispatcher (leadership lost, or the host stops): deliveries under way finish and the checkpoint
    /// is saved; whatever is left is delivered again by the next leader, harmlessly. The member actors stay.
    public async Task StopDispatchingAsync()
    {
        await _startStop.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_dispatching is not { } stop) return;
            await stop.CancelAsync().ConfigureAwait(false);
            try { await _running.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
            stop.Dispose();
            _dispatching = null;
        }
        finally
        {
            _startStop.Release();
        }
    }

    private async Task RunDispatcherAsync(CancellationToken ct)
    {
        // Supervision: a failed subscription (the store unreachable) restarts from the checkpoint.
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _dispatcher.RunAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                await Task.Delay(backoff, ct).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    /// Completes once every fact up to <paramref name="position"/> is scored and its awards durable: from the
    /// dispatcher where it runs here, else from the checkpoint the leading node's dispatcher saves in the store
    /// (read-your-writes through any node of a cluster).
    public async Task WaitUntilScoredAsync(LogPosition position, CancellationToken ct = default)
    {
        Task? here = null; // one waiter on the dispatcher, kept across leadership changes (it survives restarts)
        while (true)
        {
            if (Dispatching)
            {
                // Bounded, so that losing leadership meanwhile falls back to the stored checkpoint.
                try
                {
                    await (here ??= _dispatcher.WaitForAsync(position, ct)).WaitAsync(CheckpointPoll * 20, ct).ConfigureAwait(false);
                    return;
                }
                catch (TimeoutException) { continue; }
            }
            if (await _checkpoints.LoadAsync(DispatcherName, ct).ConfigureAwait(false) >= position) return;
            await Task.Delay(CheckpointPoll, ct).ConfigureAwait(false);
        }
    }

    private static readonly TimeSpan CheckpointPoll = TimeSpan.FromMilliseconds(50);

    /// The member's state folded from their stream (for queries and tests; the actor keeps its own).
    public async Task<MemberState> ReadMemberAsync(MemberId member, CancellationToken ct = default)
    {
        var state = MemberScoring.Initial(member);
        await foreach (var e in _store.ReadStreamAsync(FactStreams.Member(member), StreamRevision.Start, int.MaxValue, ct).ConfigureAwait(false))
            if (_serializer.Deserialize(e) is IMemberEvent me) state = MemberScoring.Evolve(state, me);
        return state;
    }

    // The actor's reply is the delivery's task itself (no async frame of its own per delivery; issue #7):
    // refusals are counted by the actor host as it answers.
    private Task DeliverAsync(Delivery<MemberMessage> d, CancellationToken ct) =>
        _members!.AskAsync(d.ActorId, d.Command, d.CommandId, d.Metadata, ct);

    private Decider<MemberState, MemberMessage, IMemberEvent> Counted(Decider<MemberState, MemberMessage, IMemberEvent> decider) =>
        decider with
        {
            Decide = (state, message) =>
            {
                Interlocked.Increment(ref _decisions);
                return decider.Decide(state, message);
            },
        };

    private void CountRejection(string actorId, string commandId, string reason)
    {
        Interlocked.Increment(ref _rejected);
        lock (_recentRejections)
        {
            _recentRejections.Enqueue($"{actorId} {commandId}: {reason}");
            if (_recentRejections.Count > 100) _recentRejections.Dequeue();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await StopDispatchingAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_members is not null) await _members.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
