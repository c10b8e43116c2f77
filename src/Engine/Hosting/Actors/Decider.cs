namespace PointsEngine.Engine.Actors;

/// What a pure decision returns: the events to persist (possibly none) or a refusal with its reason.
public abstract record Decision<TEvent>
{
    public sealed record Accepted(IReadOnlyList<TEvent> Events) : Decision<TEvent>
    {
        /// The state after the events, when the decider built it anyway; it must equal folding
        /// <see cref="Events"/> with Evolve, and saves the actor folding them again (issue #7).
        public object? StateAfter { get; init; }
    }

    public sealed record Rejected(string Reason) : Decision<TEvent>;

    public static Decision<TEvent> Accept(params TEvent[] events) => new Accepted(events);
    public static Decision<TEvent> Reject(string reason) => new Rejected(reason);
}

/// The seam between the pure domain and the actor runtime: the actor knows only these three functions,
/// so an Akka.NET host would be one more adapter over the same domain.
public sealed record Decider<TState, TCommand, TEvent>(
    Func<string, TState> Initial,
    Func<TState, TEvent, TState> Evolve,
    Func<TState, TCommand, Decision<TEvent>> Decide)
    where TEvent : notnull;
