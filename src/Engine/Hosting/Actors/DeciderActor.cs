using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using PointsEngine.Engine.Persistence;
using PointsEngine.Store;

namespace PointsEngine.Engine.Actors;

/// What the actor answered: the events it persisted (none when the command changed nothing) and its
/// state after them, or the domain's refusal.
public abstract record CommandResult<TState, TEvent>
{
    public sealed record Accepted(IReadOnlyList<TEvent> Events, TState State, StreamRevision? Revision) : CommandResult<TState, TEvent>;

    public sealed record Rejected(string Reason) : CommandResult<TState, TEvent>;
}

/// A command for the actor <see cref="ActorId"/>; <see cref="CommandId"/> names it for deterministic event ids.
public sealed record ActorCommand<TCommand>(string ActorId, TCommand Command, string CommandId, EventMetadata Metadata);

/// What an actor needs besides its id: the pure domain, where its events live, how its state is
/// snapshotted, and whom to tell of refusals. One per host, shared by its actors.
public sealed class ActorShell<TState, TCommand, TEvent>(
    Decider<TState, TCommand, TEvent> decider,
    Func<string, StreamName> streamOf,
    ActorOptions options,
    Func<TState, object>? toSnapshot,
    Func<object, TState>? fromSnapshot,
    Action<string, string, string>? onRejected)
    where TEvent : notnull
{
    private int _resident;

    public Decider<TState, TCommand, TEvent> Decider => decider;
    public Func<string, StreamName> StreamOf => streamOf;
    public ActorOptions Options => options;
    public Func<TState, object>? ToSnapshot => toSnapshot;
    public Func<object, TState>? FromSnapshot => fromSnapshot;
    public Action<string, string, string>? OnRejected => onRejected;

    /// Actors in memory (started and not yet stopped).
    public int Resident => Volatile.Read(ref _resident);
    internal void Started() => Interlocked.Increment(ref _resident);
    internal void Stopped() => Interlocked.Decrement(ref _resident);
}

/// One member's actor: an Akka.Persistence persistent actor (persistence id = the stream's name) and a thin
/// shell around the pure domain: command → Decide → one PersistAll of the decision's events (one atomic
/// append) → reply. Recovery is the snapshot offered plus a replay through Evolve. A failed persist stops
/// the actor (Akka's rule) and its next message recovers a fresh one from the store.
public sealed class DeciderActor<TState, TCommand, TEvent> : UntypedPersistentActor
    where TEvent : notnull
{
    private readonly ActorShell<TState, TCommand, TEvent> _shell;
    private readonly string _id;
    private TState _state;
    private long _snapshotAt;
    private IActorRef? _replyTo;

    /// One Props for all of a host's actors (#17 memory: no Props, argument array and producer per entity):
    /// each actor's id is its name, which Cluster Sharding gives it from the entity id, URL-encoded.
    public DeciderActor(ActorShell<TState, TCommand, TEvent> shell)
    {
        _shell = shell;
        _id = Uri.UnescapeDataString(Self.Path.Name);
        _state = shell.Decider.Initial(_id);
        PersistenceId = shell.StreamOf(_id).Value;
    }

    public override string PersistenceId { get; }

    private StreamRevision? Revision => LastSequenceNr > 0 ? new StreamRevision(LastSequenceNr - 1) : null;

    protected override void PreStart()
    {
        _shell.Started();
        base.PreStart();
    }

    protected override void PostStop()
    {
        _shell.Stopped();
        base.PostStop();
    }

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer offer when _shell.FromSnapshot is { } read:
                _state = read(offer.Snapshot);
                _snapshotAt = offer.Metadata.SequenceNr;
                break;
            case TEvent e:
                _state = _shell.Decider.Evolve(_state, e);
                break;
            case RecoveryCompleted:
                break;
            default:
                throw new InvalidOperationException(
                    $"{PersistenceId}@{LastSequenceNr} holds {message.GetType().Name}, which this build cannot apply.");
        }
    }

    protected override void OnCommand(object message)
    {
        switch (message)
        {
            case ActorCommand<TCommand> command:
                Handle(command);
                break;
            case ForgetSender:
                break;
            case SaveSnapshotSuccess saved:
                _snapshotAt = saved.Metadata.SequenceNr;
                break;
            case SaveSnapshotFailure:
                break; // a lost snapshot costs a longer recovery, never correctness: tried again later
            default:
                Unhandled(message);
                break;
        }
    }

    private void Handle(ActorCommand<TCommand> command)
    {
        Decision<TEvent> decision;
        try
        {
            decision = _shell.Decider.Decide(_state, command.Command);
        }
        catch (Exception e)
        {
            // A bug in decide: this actor alone stops; the next message recovers a fresh one.
            Sender.Tell(new Status.Failure(new PersistFailedException(_id, e)));
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
            return;
        }

        if (decision is Decision<TEvent>.Rejected rejected)
        {
            _shell.OnRejected?.Invoke(_id, command.CommandId, rejected.Reason);
            Sender.Tell(new CommandResult<TState, TEvent>.Rejected(rejected.Reason));
            ForgetAsker();
            return;
        }

        var accepted = (Decision<TEvent>.Accepted)decision;
        var events = accepted.Events;
        if (events.Count == 0)
        {
            Sender.Tell(new CommandResult<TState, TEvent>.Accepted(events, _state, Revision));
            ForgetAsker();
            return;
        }

        var wrapped = new JournalEvent[events.Count];
        for (var i = 0; i < events.Count; i++) wrapped[i] = new JournalEvent(command.CommandId, i, events[i], command.Metadata);
        _replyTo = Sender;
        var persisted = 0;
        PersistAll(wrapped, _ =>
        {
            if (++persisted < wrapped.Length) return;
            if (accepted.StateAfter is TState after) _state = after; // the decider folded them already
            else
                for (var i = 0; i < events.Count; i++) _state = _shell.Decider.Evolve(_state, events[i]);
            _replyTo?.Tell(new CommandResult<TState, TEvent>.Accepted(events, _state, Revision));
            _replyTo = null;
            ForgetAsker();
            MaybeSnapshot();
        });
    }

    // Akka keeps the sender of the last message an actor processed, and the dispatcher asks: that temporary
    // actor holds the whole reply (its task, the events, the state) for as long as this actor stays idle,
    // about 0.4 KB of a resident member (#17 memory). A message to itself with no sender lets it go.
    private void ForgetAsker() => Self.Tell(ForgetSender.Instance, ActorRefs.NoSender);

    private sealed class ForgetSender
    {
        public static readonly ForgetSender Instance = new();
    }

    private void MaybeSnapshot()
    {
        var every = _shell.Options.SnapshotEvery;
        if (every <= 0 || _shell.ToSnapshot is not { } write || LastSequenceNr - _snapshotAt < every) return;
        _snapshotAt = LastSequenceNr; // one attempt per interval; a failure tries again after more events
        SaveSnapshot(write(_state));
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _replyTo?.Tell(new Status.Failure(new PersistFailedException(_id, cause)));
        _replyTo = null;
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _replyTo?.Tell(new Status.Failure(new PersistFailedException(_id, cause)));
        _replyTo = null;
        base.OnPersistRejected(cause, @event, sequenceNr);
        Context.Parent.Tell(new Passivate(PoisonPill.Instance)); // Akka keeps a rejecting actor: recover anew
    }
}
