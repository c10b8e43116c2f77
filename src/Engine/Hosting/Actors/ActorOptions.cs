namespace PointsEngine.Engine.Actors;

public sealed record ActorOptions
{
    /// Messages an actor may hold; one more is refused with <see cref="MailboxFullException"/> rather
    /// than buffered without bound.
    public int MailboxCapacity { get; init; } = 1_000;

    /// An actor with nothing to do for this long is stopped; its state lives on in the store.
    public TimeSpan PassivateAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// A snapshot is written after this many events since the last one (0: never).
    public int SnapshotEvery { get; init; } = 200;

    /// How often a decision is retried when another writer (another engine process) moved the stream
    /// meanwhile. Every lost race means the other writer progressed, so this only bounds starvation;
    /// under load two writers on one member can trade places many times.
    public int MaxConcurrencyRetries { get; init; } = 100;
}

/// The actor's mailbox is full: the caller should back off (HTTP 429/503 with Retry-After).
public sealed class MailboxFullException(string actorId, int capacity)
    : Exception($"The mailbox of '{actorId}' is full ({capacity} messages waiting); try again shortly.")
{
    public string ActorId { get; } = actorId;
}

/// The actor could not persist its decision and stopped; the message was not applied. The next message
/// starts a fresh actor recovered from the store.
public sealed class PersistFailedException(string actorId, Exception inner)
    : Exception($"'{actorId}' could not persist its events and was stopped: {inner.Message}", inner)
{
    public string ActorId { get; } = actorId;
}
