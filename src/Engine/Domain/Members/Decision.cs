namespace PointsEngine.Domain.Members;

/// The outcome of Decide: events to persist (possibly none: nothing to do), or a rejection.
public abstract record Decision
{
    public static readonly Accepted Nothing = new([]);
}

public sealed record Accepted(IReadOnlyList<IMemberEvent> Events) : Decision;

public sealed record Rejected(Rejection Rejection) : Decision;

/// Why a command was refused, for the person who recorded the fact: a stable code and a sentence
/// in Chinese and in English.
public sealed record Rejection(string Code, string Chinese, string English)
{
    public override string ToString() => $"{Code}: {Chinese} / {English}";
}
