using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Workflows;

// Member claims (申报, issue #5): a member submits their own volunteer hours, suggestion or golden idea
// with attachments; the branch secretary accepts (which records the real, scored fact) or rejects it.
// The events live in the member's facts stream, so an acceptance and the fact it scores are appended
// together at the stream's revision: a claim is decided once, and accepted means scored.

public enum ClaimKind { VolunteerService, Suggestion, GoldenIdea }

/// An attachment as the claim event records it: the hash chain covers the SHA-256, so the evidence can
/// prove the stored file is the one submitted. Media type is what the content was found to be.
public sealed record ClaimAttachment(string Name, string MediaType, long Size, string Sha256);

/// <paramref name="OccurredOn"/> is when the service happened (or the idea was put forward): the scored
/// fact is dated so. <paramref name="Hours"/> only for volunteer service.
public sealed record ClaimSubmitted(
    FactId FactId, DateOnly OccurredOn, MemberId Member, BranchId Branch, ClaimKind Kind, string Title, string Description,
    decimal? Hours, IReadOnlyList<ClaimAttachment> Attachments) : IFact;

/// Recorded in one append with <paramref name="ScoredFact"/> (dated as the claim), which is what scores.
public sealed record ClaimAccepted(FactId FactId, DateOnly OccurredOn, FactId Claim, MemberId Member, BranchId Branch, FactId ScoredFact) : IFact;

public sealed record ClaimRejected(FactId FactId, DateOnly OccurredOn, FactId Claim, MemberId Member, BranchId Branch, string Reason) : IFact;
