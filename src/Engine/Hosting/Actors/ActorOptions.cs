namespace PointsEngine.Engine.Actors;

public sealed record ActorOptions
{
    /// An actor with nothing to do for this long is stopped by Cluster Sharding
    /// (<c>passivate-idle-entity-after</c>); its state lives on in the store.
    public TimeSpan PassivateAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// A snapshot is written after this many events since the last one (0: never).
    public int SnapshotEvery { get; init; } = 200;

    /// How long a sender waits for an actor's reply before it gives up (and the dispatcher retries): an
    /// actor moving between nodes, or a stalled store.
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// The actor's mailbox is full: the caller should back off (HTTP 429/503 with Retry-After).
public sealed class MailboxFullException(string actorId, int capacity)
    : Exception($"The mailbox of '{actorId}' is full ({capacity} messages waiting); try again shortly.")
{
    public string ActorId { get; } = actorId;
}

/// The actor could not persist its decision (or could not decide) and stopped; the message was not
/// applied. The next message starts a fresh actor recovered from the store.
public sealed class PersistFailedException(string actorId, Exception inner)
    : Exception($"'{actorId}' could not persist its events and was stopped: {inner.Message}", inner)
{
    public string ActorId { get; } = actorId;
}
