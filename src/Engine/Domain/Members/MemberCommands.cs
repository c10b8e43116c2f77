using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Members;

public abstract record MemberCommand(MemberId Member);

/// Score one member fact (from FactRouting). Re-delivery is a no-op.
public sealed record ScoreFact(MemberFact Fact) : MemberCommand(Fact.Member);

/// Revoke an earlier fact for this member; capped points are re-allocated.
public sealed record RevokeFact(RevocationRecorded Revocation) : MemberCommand(Revocation.Member);

/// A rule set was published: re-score the member's open years from its effective date, so a
/// back-dated rule set yields corrections (law 6). Send it to every member; unaffected ones emit nothing.
public sealed record ApplyRuleBook(MemberId Member, RuleSetVersion Published, DateOnly EffectiveFrom) : MemberCommand(Member);

/// An organisational change of this member (MemberEnrolled, MemberTransferred, MemberLeft,
/// MemberCategoryChanged, MemberStatusChanged); facts on or after its date are re-scored.
public sealed record RecordMembership(IMemberEvent Change) : MemberCommand(Change.Member);

/// Opens the member's ledger for a year so it shows the base score before a first fact (e.g. sent
/// to every member at New Year).
public sealed record OpenYear(MemberId Member, int Year) : MemberCommand(Member);
