using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Workflows;

// Public notice (公示, issue #5): a branch publishes its ranking and grades for a month, quarter or year
// with an objection window; members object (异议) within it; the secretary answers each objection; the
// result is final once the window has closed with every objection answered. One stream per branch and
// period holds the whole story, appended at its revision, so each rule is checked against what is
// really recorded (one notice per period, one answer per objection, nothing after finality).

/// One member's place as published. Grade only for a year (the year-end appraisal grades a year).
public sealed record NoticeLine(int Rank, MemberId Member, string? Name, decimal Total, string? Grade, string? GradeName);

/// <paramref name="Period"/> is the period's label (2025-06, 2025-Q2, 2025), <paramref name="From"/> and
/// <paramref name="To"/> its dates; objections are accepted up to and including <paramref name="ObjectionsCloseOn"/>.
/// <paramref name="Lines"/> is the ranking as the read models showed it when it was published.
public sealed record NoticePublished(
    FactId FactId, DateOnly OccurredOn, BranchId Branch, string Period, DateOnly From, DateOnly To, DateOnly ObjectionsCloseOn,
    IReadOnlyList<NoticeLine> Lines) : IFact;

public sealed record ObjectionRaised(FactId FactId, DateOnly OccurredOn, BranchId Branch, string Period, MemberId Member, string Reason) : IFact;

public enum ObjectionOutcome { Upheld, Dismissed }

/// An upheld objection names its <paramref name="Correction"/>: an adjustment or revocation recorded
/// through the ordinary write path before the answer. <paramref name="Member"/> is the objector.
public sealed record ObjectionAnswered(
    FactId FactId, DateOnly OccurredOn, BranchId Branch, string Period, FactId Objection, MemberId Member, ObjectionOutcome Outcome,
    string Reason, FactId? Correction) : IFact;

/// The period's final result: the ranking as it stands after the corrections.
public sealed record NoticeFinalised(FactId FactId, DateOnly OccurredOn, BranchId Branch, string Period, IReadOnlyList<NoticeLine> Lines) : IFact;
