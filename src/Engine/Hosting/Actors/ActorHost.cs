using System.Collections.Concurrent;
using PointsEngine.Store;

namespace PointsEngine.Engine.Actors;

/// What the actor answered: the events it persisted (none when the command changed nothing) and its
/// state after them, or the domain's refusal.
public abstract record CommandResult<TState, TEvent>
{
    public sealed record Accepted(IReadOnlyList<TEvent> Events, TState State, StreamRevision? Revision) : CommandResult<TState, TEvent>;

    public sealed record Rejected(string Reason) : CommandResult<TState, TEvent>;
}

/// One actor per id (one per member), activated on demand, one message at a time, persisting before it
/// replies (Akka.Persistence's contract). A failure stops only that actor; its next message recovers it
/// from snapshot + stream. Idle actors are passivated by <see cref="PassivateIdle"/>.
public sealed partial class ActorHost<TState, TCommand, TEvent> : IAsyncDisposable
    where TEvent : notnull
{
    private readonly ConcurrentDictionary<string, Actor> _actors = new(StringComparer.Ordinal);
    private readonly IEventStore _store;
    private readonly EventSerializer _serializer;
    private readonly Decider<TState, TCommand, TEvent> _decider;
    private readonly Func<string, StreamName> _streamOf;
    private readonly ISnapshotStore<TState> _snapshots;
    private readonly ActorOptions _options;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stopping = new();

    public ActorHost(
        IEventStore store,
        EventSerializer serializer,
        Decider<TState, TCommand, TEvent> decider,
        Func<string, StreamName> streamOf,
        ActorOptions? options = null,
        ISnapshotStore<TState>? snapshots = null,
        TimeProvider? clock = null)
    {
        _store = store;
        _serializer = serializer;
        _decider = decider;
        _streamOf = streamOf;
        _options = options ?? new ActorOptions();
        _snapshots = snapshots ?? new NoSnapshots<TState>();
        _clock = clock ?? TimeProvider.System;
    }

    /// Called with the actor's id, the command's id and the reason whenever the domain refuses a command,
    /// before the sender sees the refusal.
    public Action<string, string, string>? OnRejected { get; init; }

    /// Actors currently in memory.
    public int ResidentCount => _actors.Count;

    /// Sends a command to the actor <paramref name="actorId"/> and waits until its decision is durable.
    /// <paramref name="commandId"/> names the command for deterministic event ids (e.g. the fact's id).
    /// Throws <see cref="MailboxFullException"/> at once when the actor's mailbox is full.
    public Task<CommandResult<TState, TEvent>> AskAsync(
        string actorId, TCommand command, string commandId, EventMetadata metadata, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        var envelope = new Envelope(command, commandId, metadata);
        while (true)
        {
            var actor = _actors.GetOrAdd(actorId, static (id, host) => new Actor(host, id), this); // no closure per message
            if (actor.TryPost(envelope, out var full))
                return envelope.Task.WaitAsync(ct);
            if (full) throw new MailboxFullException(actorId, _options.MailboxCapacity);
            // The actor was passivated between lookup and post: drop it and activate a new one.
            _actors.TryRemove(new KeyValuePair<string, Actor>(actorId, actor));
        }
    }

    /// Stops every actor idle for longer than <see cref="ActorOptions.PassivateAfter"/>; returns how many.
    public int PassivateIdle()
    {
        var cutoff = _clock.GetUtcNow() - _options.PassivateAfter;
        var stopped = 0;
        foreach (var (id, actor) in _actors)
        {
            if (actor.TryPassivate(cutoff))
            {
                _actors.TryRemove(new KeyValuePair<string, Actor>(id, actor));
                stopped++;
            }
        }
        return stopped;
    }

    /// Runs <see cref="PassivateIdle"/> periodically until the host is disposed.
    public async Task RunPassivationAsync(TimeSpan every, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stopping.Token);
        using var timer = new PeriodicTimer(every, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(linked.Token).ConfigureAwait(false))
                PassivateIdle();
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested) { }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        var loops = _actors.Values.Select(a => a.Stop()).ToArray();
        await Task.WhenAll(loops).ConfigureAwait(false);
        _actors.Clear();
        _stopping.Dispose();
    }

    /// A message and its reply in one object (the reply's task is what the sender awaits).
    private sealed class Envelope(TCommand command, string commandId, EventMetadata metadata)
        : TaskCompletionSource<CommandResult<TState, TEvent>>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public TCommand Command { get; } = command;
        public string CommandId { get; } = commandId;
        public EventMetadata Metadata { get; } = metadata;
    }
}
