using PointsEngine.Domain.Values;

namespace PointsEngine.Projections.Queries;

/// A member's claim (申报) as recorded, with its attachments and decision. Status: pending, accepted, rejected.
public sealed record ClaimView(
    FactId Claim, MemberId Member, BranchId Branch, string Kind, DateOnly OccurredOn, string Title, string Description, decimal? Hours,
    IReadOnlyList<ClaimAttachmentView> Attachments, string SubmittedBy, DateTimeOffset SubmittedAt, string Status,
    FactId? Decision, DateOnly? DecidedOn, string? DecidedBy, string? Reason, FactId? ScoredFact);

public sealed record ClaimAttachmentView(string Name, string MediaType, long Size, string Sha256);

/// Which claims to list: any combination of member, branches and status; null means any.
public sealed record ClaimFilter(MemberId? Member = null, IReadOnlyCollection<BranchId>? Branches = null, string? Status = null);

/// A branch's public notice (公示) for a period: the ranking as published, objections with their answers,
/// and the final ranking once made final.
public sealed record NoticeView(
    BranchId Branch, string Period, FactId Notice, DateOnly From, DateOnly To, DateOnly PublishedOn, DateOnly ObjectionsCloseOn,
    string PublishedBy, FactId? Final, DateOnly? FinalOn, string? FinalBy,
    IReadOnlyList<NoticeLineView> Lines, IReadOnlyList<NoticeLineView> FinalLines, IReadOnlyList<ObjectionView> Objections);

public sealed record NoticeLineView(int Rank, MemberId Member, string? Name, decimal Total, string? Grade, string? GradeName);

public sealed record ObjectionView(
    FactId Objection, MemberId Member, DateOnly RaisedOn, string Reason, string RaisedBy,
    FactId? Answer, string? Outcome, DateOnly? AnsweredOn, string? AnswerReason, FactId? Correction, string? AnsweredBy);

/// One step of a workflow in a member's evidence: a claim submitted or decided, a notice that listed the
/// member (Detail: their place in it), an objection raised or answered.
public sealed record WorkflowStep(
    DateOnly OccurredOn, string Kind, FactId FactId, string Summary, string? Detail, string RecordedBy, DateTimeOffset RecordedAt);
