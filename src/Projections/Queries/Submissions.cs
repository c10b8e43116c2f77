using PointsEngine.Domain.Values;

namespace PointsEngine.Projections.Queries;

public enum SubmissionKind { Suggestion, GoldenIdea }

/// A suggestion or golden idea submitted in a branch and not yet assessed (or awarded), nor revoked:
/// what the branch committee still has to judge.
public sealed record PendingSubmission(FactId FactId, SubmissionKind Kind, DateOnly OccurredOn, MemberId Member, string? Name, string Title, string RecordedBy);
