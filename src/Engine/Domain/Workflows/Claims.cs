using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Workflows;

/// A claim and its decision, folded from the member's facts stream.
public sealed record ClaimState(ClaimSubmitted Claim, IFact? Decision)
{
    public bool IsPending => Decision is null;
}

/// The claim rules as pure functions: how a claim's state evolves, whether it may be decided, and the
/// fact an acceptance records.
public static class Claims
{
    /// Folds one event of the member's facts stream into the state of <paramref name="claim"/>.
    public static ClaimState? Evolve(ClaimState? state, FactId claim, IFact fact) => fact switch
    {
        ClaimSubmitted s when s.FactId == claim => state ?? new ClaimState(s, null),
        ClaimAccepted a when a.Claim == claim && state is { Decision: null } => state with { Decision = a },
        ClaimRejected r when r.Claim == claim && state is { Decision: null } => state with { Decision = r },
        _ => state,
    };

    public static ClaimState? Fold(FactId claim, IEnumerable<IFact> facts) => facts.Aggregate((ClaimState?)null, (s, f) => Evolve(s, claim, f));

    /// Null when <paramref name="decision"/> may decide the claim: it is pending, or this very decision
    /// already decided it (a retried request, answered with its first result). A claim is decided once.
    public static Refusal? CanDecide(ClaimState state, FactId decision)
    {
        if (state.Decision is null || state.Decision.FactId == decision) return null;
        var (zh, en) = state.Decision switch
        {
            ClaimAccepted a => ($"该申报已于 {a.OccurredOn:yyyy-MM-dd} 通过（计分事实 {a.ScoredFact}），不能再次处理。",
                $"This claim was accepted on {a.OccurredOn:yyyy-MM-dd} (scored as fact {a.ScoredFact}); it is decided once."),
            ClaimRejected r => ($"该申报已于 {r.OccurredOn:yyyy-MM-dd} 退回（理由：{r.Reason}），不能再次处理。",
                $"This claim was rejected on {r.OccurredOn:yyyy-MM-dd} (reason: {r.Reason}); it is decided once."),
            _ => ("该申报已处理。", "This claim is already decided."),
        };
        return new Refusal(RefusalKind.Conflict, "claim-already-decided", zh, en);
    }

    /// The scored fact's id, derived from the claim's, so the acceptance can name it before it exists.
    public static FactId ScoredFactId(FactId claim) => new($"{claim.Value}-scored");

    /// The fact an accepted claim records, exactly as if the secretary had recorded it: volunteer hours
    /// verified by the secretary, or the suggestion or golden idea submitted (scored once assessed or awarded).
    public static IFact ScoredFact(ClaimSubmitted claim, string verifier) => claim.Kind switch
    {
        ClaimKind.VolunteerService => new VolunteerServiceLogged(ScoredFactId(claim.FactId), claim.OccurredOn, claim.Member,
            claim.Hours ?? throw new ArgumentException("A volunteer-service claim carries its hours.", nameof(claim)), claim.Title, verifier),
        ClaimKind.Suggestion => new SuggestionSubmitted(ScoredFactId(claim.FactId), claim.OccurredOn, claim.Member, claim.Branch, claim.Title),
        _ => new GoldenIdeaSubmitted(ScoredFactId(claim.FactId), claim.OccurredOn, claim.Member, claim.Branch, claim.Title),
    };
}
