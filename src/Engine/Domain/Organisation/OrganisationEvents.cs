using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Organisation;

// The organisation as recorded: 党委 › 党支部 › 党小组, plus network zones (网络区) of 8–10 units.
// Events about one member are also member events, so the member's stream holds the profile the
// scoring needs (status and category on a fact's date).

public sealed record NetworkZoneRegistered(FactId FactId, DateOnly OccurredOn, NetworkZoneId Zone, string Name) : IFact;

public sealed record BranchRegistered(FactId FactId, DateOnly OccurredOn, BranchId Branch, string Name, NetworkZoneId? Zone) : IFact;

public sealed record PartyGroupRegistered(FactId FactId, DateOnly OccurredOn, PartyGroupId Group, BranchId Branch, string Name) : IFact;

public sealed record MemberEnrolled(
    FactId FactId, DateOnly OccurredOn, MemberId Member, string Name, BranchId Branch, PartyGroupId? Group,
    MemberStatus Status, MemberCategory Category) : IFact, IMemberEvent;

public sealed record MemberTransferred(
    FactId FactId, DateOnly OccurredOn, MemberId Member, BranchId FromBranch, BranchId ToBranch, PartyGroupId? ToGroup) : IFact, IMemberEvent;

public sealed record MemberLeft(FactId FactId, DateOnly OccurredOn, MemberId Member, string Reason) : IFact, IMemberEvent;

public sealed record MemberCategoryChanged(FactId FactId, DateOnly OccurredOn, MemberId Member, MemberCategory Category, string Reason) : IFact, IMemberEvent;

/// E.g. 预备党员转正 (a probationary member becomes full).
public sealed record MemberStatusChanged(FactId FactId, DateOnly OccurredOn, MemberId Member, MemberStatus Status) : IFact, IMemberEvent;
