using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Importing;

/// What identifies a recorded fact to a person and to an import (#19): its kind as the ledger names it
/// (a meeting kind such as 党员大会, or 合理化建议, 金点子, 志愿服务, 加分, 扣分), its date, the branch (a
/// meeting) or the member, the party group (a 党小组会) and its text (topic, title, activity or reason) —
/// the columns an import row keys on, whatever id the fact was recorded under (imp-… by an import, f-… on a page).
public sealed record NaturalKey(string Kind, DateOnly Date, BranchId? Branch, MemberId? Member, PartyGroupId? Group, string Text)
{
    public const string Suggestion = "合理化建议", GoldenIdea = "金点子", Volunteer = "志愿服务", Bonus = "加分", Deduction = "扣分";

    /// The key of a fact a row stands for on its own, or null (an assessment, award or implementation is keyed by its subject).
    public static NaturalKey? Of(IFact fact) => fact switch
    {
        MeetingHeld m => new(ChineseNames.Of(m.Kind), m.OccurredOn, m.Branch, null, m.Group, m.Topic),
        SuggestionSubmitted s => new(Suggestion, s.OccurredOn, null, s.Member, null, s.Title),
        GoldenIdeaSubmitted g => new(GoldenIdea, g.OccurredOn, null, g.Member, null, g.Title),
        VolunteerServiceLogged v => new(Volunteer, v.OccurredOn, null, v.Member, null, v.Activity),
        ManualAdjustment a => new(a.Points.IsNegative ? Deduction : Bonus, a.OccurredOn, null, a.Member, null, a.Reason),
        _ => null,
    };

    /// The kind as this key names it, from any name the ledger's 类型 column accepts (党员大会, 建议, Bonus, …), or null.
    public static string? KindNamed(string? text)
    {
        if (text?.Trim() is not { Length: > 0 } t) return null;
        if (ChineseNames.TryParse<MeetingKind>(t, out var kind)) return ChineseNames.Of(kind);
        return ImportPlanner.TypeOf(t) switch
        {
            LedgerFactType.Suggestion => Suggestion,
            LedgerFactType.GoldenIdea => GoldenIdea,
            LedgerFactType.Volunteer => Volunteer,
            LedgerFactType.Bonus => Bonus,
            LedgerFactType.Deduction => Deduction,
            _ => null,
        };
    }

    /// Whether this key is a meeting's (its fact lives in the branch's stream, the others in the member's).
    public bool IsMeeting => Branch is not null;
}
