namespace PointsEngine.Domain.Workflows;

public enum RefusalKind
{
    /// The request itself is wrong (400).
    Invalid,
    /// What it refers to does not exist (404).
    NotFound,
    /// The state of the claim or notice forbids it now (409).
    Conflict,
    /// The person asking may not do it, whatever the state (403).
    Forbidden,
}

/// Why a workflow step (or a secretary's record, see SecretaryReach) may not be taken, in Chinese and English.
public sealed record Refusal(RefusalKind Kind, string Code, string Chinese, string English);
