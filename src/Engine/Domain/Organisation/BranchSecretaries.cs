using System.Collections.Immutable;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Domain.Organisation;

// Who is the secretary (支部书记) of a branch is a fact of the organisation (#18): the branch elects one
// (换届选举) and the committee records it; the organisation, not an account setting, says who records for
// the branch. Both live in the organisation stream beside enrolments and transfers.

/// <paramref name="Member"/> takes office as secretary of <paramref name="Branch"/> (任职) from the date; a
/// predecessor still in office leaves it on the same date (one secretary per branch).
public sealed record BranchSecretaryAppointed(FactId FactId, DateOnly OccurredOn, BranchId Branch, MemberId Member) : IFact;

/// <paramref name="Member"/> leaves the office (卸任/免职) from the date, with no successor yet.
public sealed record BranchSecretaryRelieved(FactId FactId, DateOnly OccurredOn, BranchId Branch, MemberId Member, string Reason) : IFact;

/// One secretary's term: in office from <paramref name="Since"/>.
public sealed record SecretaryTerm(MemberId Member, DateOnly Since);

/// The secretaries in office, folded from the organisation's facts; pure decide and evolve.
public sealed record BranchSecretaries(ImmutableDictionary<BranchId, SecretaryTerm> Terms)
{
    public static readonly BranchSecretaries None = new(ImmutableDictionary<BranchId, SecretaryTerm>.Empty);

    public SecretaryTerm? Of(BranchId branch) => Terms.GetValueOrDefault(branch);

    public BranchSecretaries Evolve(IFact fact) => fact switch
    {
        BranchSecretaryAppointed a => this with { Terms = Terms.SetItem(a.Branch, new SecretaryTerm(a.Member, a.OccurredOn)) },
        BranchSecretaryRelieved r when Of(r.Branch)?.Member == r.Member => this with { Terms = Terms.Remove(r.Branch) },
        _ => this,
    };

    /// Whether the organisation may record the appointment or relief: the appointee belongs to the branch
    /// on the day they take office and has not left the organisation; only the secretary in office can be
    /// relieved; and neither is dated before the term it ends (history is not re-ordered behind the
    /// branch's back; an admin corrects a wrong record by a new one). Null when it may.
    public Refusal? Check(IFact fact, MemberPlacement? placement)
    {
        switch (fact)
        {
            case BranchSecretaryAppointed a:
                if (placement is null) return UnknownMember(a.Member);
                if (placement.LeftOn is { } left && left <= a.OccurredOn)
                    return new Refusal(RefusalKind.Conflict, "member-left",
                        $"党员 {a.Member} 已于 {left:yyyy-MM-dd} 离开组织，不能任支部书记。", $"Member {a.Member} left the organisation on {left:yyyy-MM-dd} and cannot be the branch's secretary.");
                if (a.OccurredOn < placement.Spells[0].From || placement.BranchOn(a.OccurredOn) != a.Branch)
                    return new Refusal(RefusalKind.Invalid, "member-not-in-branch",
                        $"党员 {a.Member} 在 {a.OccurredOn:yyyy-MM-dd} 不属于支部 {a.Branch}，支部书记须是本支部党员。",
                        $"Member {a.Member} did not belong to branch {a.Branch} on {a.OccurredOn:yyyy-MM-dd}; a branch's secretary is one of its members.");
                if (Of(a.Branch) is { } current)
                {
                    if (current.Member == a.Member)
                        return new Refusal(RefusalKind.Conflict, "already-secretary",
                            $"党员 {a.Member} 自 {current.Since:yyyy-MM-dd} 起已是支部 {a.Branch} 的书记。", $"Member {a.Member} has been the secretary of branch {a.Branch} since {current.Since:yyyy-MM-dd}.");
                    if (a.OccurredOn < current.Since) return BeforeTerm(a.Branch, current, a.OccurredOn);
                }
                return null;
            case BranchSecretaryRelieved r:
                if (Of(r.Branch) is not { } term || term.Member != r.Member)
                    return new Refusal(RefusalKind.Conflict, "not-secretary",
                        $"党员 {r.Member} 现在不是支部 {r.Branch} 的书记。", $"Member {r.Member} is not the secretary of branch {r.Branch} now.");
                if (r.OccurredOn < term.Since) return BeforeTerm(r.Branch, term, r.OccurredOn);
                return null;
            default:
                return null;
        }
    }

    /// The branches <paramref name="member"/> keeps as secretary on <paramref name="today"/>: in office since
    /// a date not after today, and still in that branch and in the organisation (a secretary transferred
    /// out or gone keeps no branch, whether or not the relief was recorded yet).
    public IReadOnlyList<BranchId> HeldBy(MemberId member, MemberPlacement placement, DateOnly today)
    {
        if (placement.LeftOn is { } left && left <= today) return [];
        var here = placement.BranchOn(today);
        return [.. Terms.Where(t => t.Value.Member == member && t.Value.Since <= today && t.Key == here).Select(t => t.Key)];
    }

    private static Refusal UnknownMember(MemberId member) => new(RefusalKind.NotFound, "unknown-member",
        $"党员 {member} 不存在。", $"Member {member} is not enrolled.");

    private static Refusal BeforeTerm(BranchId branch, SecretaryTerm term, DateOnly on) => new(RefusalKind.Conflict, "dated-before-term",
        $"支部 {branch} 现任书记 {term.Member} 自 {term.Since:yyyy-MM-dd} 任职，新的任免不能早于该日期（{on:yyyy-MM-dd}）。",
        $"Branch {branch}'s secretary {term.Member} has been in office since {term.Since:yyyy-MM-dd}; a change cannot be dated before it ({on:yyyy-MM-dd}).");
}
