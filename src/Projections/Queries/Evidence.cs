using PointsEngine.Domain.Appraisal;
using PointsEngine.Domain.Values;

namespace PointsEngine.Projections.Queries;

/// 台账: a member's year, line by line — every award, deduction, correction and revocation in date order,
/// each with its fact and its rule — with the totals and the year-end grade and its reasons.
public sealed record MemberEvidence(
    MemberId Member,
    string? Name,
    int Year,
    BranchId? Branch,
    string? BranchName,
    decimal Total,
    IReadOnlyList<CategoryTotal> ByCategory,
    IReadOnlyList<EvidenceLine> Lines,
    Standing Standing,
    AppraisalResult? Appraisal)
{
    /// Claims, public notices and objections of the year that concern the member, in date order (issue #5).
    public IReadOnlyList<WorkflowStep> Workflow { get; init; } = [];
}

/// One change to one award line. Change is awarded, corrected or reverted (or noted: a meeting on the member's
/// list that earned and cost nothing, such as a leave, shown so that the member sees why); Granted is the line's points
/// after the change (0 once reverted) and PreviousGranted what it was before.
public sealed record EvidenceLine(
    DateOnly OccurredOn,
    string Change,
    string AwardId,
    string Category,
    string CategoryName,
    RuleId Rule,
    RuleSetVersion Version,
    RuleSetVersion? PreviousVersion,
    decimal Requested,
    decimal Granted,
    decimal? PreviousGranted,
    string? CapNote,
    string Cause,
    DateTimeOffset DecidedAt,
    EvidenceFact? Fact)
{
    /// Why the line has its points, in words (#21): set by the read model for every line it returns.
    public LineExplanation? Explanation { get; init; }

    /// The explanation, or — for a line built outside the read model — one told without rule or recorder names.
    public LineExplanation Explained => Explanation ?? LineExplanations.Explain([this], ExplanationContext.None)[0];
}

/// The fact behind a line: what happened, when, who recorded it and who assessed it, and any revocation.
public sealed record EvidenceFact(
    FactId FactId,
    string Kind,
    DateOnly OccurredOn,
    string Summary,
    string? Title,
    string RecordedBy,
    DateTimeOffset RecordedAt,
    string? AssessedBy,
    IReadOnlyList<RevocationNote> Revocations)
{
    /// The member's attendance, when the fact is a meeting on their list.
    public AttendanceStatus? Attendance { get; init; }

    /// The hours logged, for volunteer service.
    public decimal? Hours { get; init; }
}

public sealed record RevocationNote(FactId Revocation, DateOnly OccurredOn, string Reason, string RecordedBy);

/// A branch's year as one report: each member's evidence and the appraisal of the whole branch (vanguard
/// posts are decided among the branch's members, so they are computed together).
public sealed record BranchEvidence(BranchId Branch, string? Name, int Year, string? RuleSetVersion, IReadOnlyList<MemberEvidence> Members)
{
    /// The branch's public notices of the year with their objections and answers (issue #5).
    public IReadOnlyList<NoticeView> Notices { get; init; } = [];

    /// The summary's order and places (#21): by final score — the total when the rule set has no appraisal
    /// scheme — ties sharing a place (1-2-2-4), then by member id. With a scheme the place is the appraisal's own
    /// Rank, the one its vanguard reason prints, so the summary and the reasons cannot disagree.
    public IReadOnlyList<(int Rank, MemberEvidence Member)> Ranked()
    {
        var totals = new CompetitionRank(Members.Select(m => m.Total));
        return [.. Members
            .Select(m => (Rank: m.Appraisal?.Rank ?? totals.Of(m.Total), Member: m))
            .OrderBy(x => x.Rank).ThenBy(x => x.Member.Member.Value, StringComparer.Ordinal)];
    }
}
