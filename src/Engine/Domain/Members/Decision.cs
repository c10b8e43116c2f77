namespace PointsEngine.Domain.Members;

/// The outcome of Decide: events to persist (possibly none: nothing to do), or a rejection.
public abstract record Decision
{
    public static readonly Accepted Nothing = new([]);
}

public sealed record Accepted(IReadOnlyList<IMemberEvent> Events) : Decision
{
    /// The state after <see cref="Events"/> — what folding them with Evolve gives — when Decide built it on
    /// the way (it evolves the accepted fact to re-score), so a caller need not fold them again (issue #7).
    public MemberState? StateAfter { get; init; }
}

public sealed record Rejected(Rejection Rejection) : Decision;

/// Why a command was refused, for the person who recorded the fact: a stable code and a sentence
/// in Chinese and in English.
public sealed record Rejection(string Code, string Chinese, string English)
{
    public override string ToString() => $"{Code}: {Chinese} / {English}";
}
