using System.Collections.Immutable;
using PointsEngine.Engine.Actors;
using PointsEngine.Store;

namespace PointsEngine.Engine.Tests.Actors;

// A toy domain with the shape of the real one, so the runtime is tested on its own:
// idempotency is a check on state, refusals carry a reason, a command can make decide throw.
public sealed record Tally(string Id, int Total, ImmutableHashSet<string> Keys)
{
    public static Tally Initial(string id) => new(id, 0, []);
}

public abstract record TallyCommand;
public sealed record Add(string Key, int Amount) : TallyCommand;
public sealed record Explode : TallyCommand;

/// Not idempotent on state: deciding it twice would emit the same event twice.
public sealed record AddBlindly(int Amount) : TallyCommand;

public sealed record Added(string Key, int Amount);

public static class TallyDomain
{
    public static readonly Decider<Tally, TallyCommand, Added> Decider = new(
        Tally.Initial,
        (s, e) => s with { Total = s.Total + e.Amount, Keys = s.Keys.Add(e.Key) },
        (s, c) => c switch
        {
            Add a when s.Keys.Contains(a.Key) => Decision<Added>.Accept(),
            Add { Amount: < 0 } => Decision<Added>.Reject("amounts are never negative / 数量不能为负"),
            Add a => Decision<Added>.Accept(new Added(a.Key, a.Amount)),
            AddBlindly b => Decision<Added>.Accept(new Added("blind", b.Amount)),
            Explode => throw new InvalidOperationException("a bug in decide"),
            _ => throw new ArgumentOutOfRangeException(nameof(c)),
        });

    public static EventSerializer Serializer() => new EventSerializer().Register<Added>("V1.Added");

    public static StreamName StreamOf(string id) => new($"tally-{id}");

    public static EventMetadata Metadata => new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.FromHours(8)), "secretary-1");
}

/// The Tally actors on the Akka host: a one-node cluster of their own, over <paramref name="store"/>.
public static class TallyHosts
{
    public static readonly ActorOptions Quick = new() { AskTimeout = TimeSpan.FromSeconds(3) };

    public static Task<ShardedActorHost<Tally, TallyCommand, Added>> StartAsync(
        IEventStore store, EventSerializer serializer, ActorOptions? options = null, bool snapshots = false) =>
        ShardedActorHost<Tally, TallyCommand, Added>.StartEmbeddedAsync(store, serializer, "tally",
            new ActorShell<Tally, TallyCommand, Added>(decider: TallyDomain.Decider, streamOf: TallyDomain.StreamOf,
                options: options ?? Quick, toSnapshot: snapshots ? t => t : null, fromSnapshot: snapshots ? o => (Tally)o : null,
                onRejected: null));
}
