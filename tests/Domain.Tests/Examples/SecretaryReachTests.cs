using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Domain.Tests.Examples;

/// #16 finding 2.4: a secretary's reach over a member who moved b01 → b02 on 2025-06-01.
public sealed class when_a_member_moved_to_another_branch
{
    private static readonly MemberId M = new("m004");
    private static readonly BranchId B01 = new("b01"), B02 = new("b02");
    private static readonly DateOnly Moved = new(2025, 6, 1);
    private static readonly MemberPlacement Placement = new([(new DateOnly(2025, 1, 1), B01), (Moved, B02)], null, Moved);
    private static readonly HashSet<BranchId> OldBranch = [B01], NewBranch = [B02];

    private static ManualAdjustment Adjustment(DateOnly on) => new(new FactId("a-1"), on, M, new Points(30), "表彰", "支委会");

    [Fact]
    public void the_old_branch_is_refused_once_the_grace_window_has_passed()
    {
        var refusal = SecretaryReach.Check(OldBranch, M, Placement, Adjustment(Moved.AddDays(-1)), Moved.AddDays(31), graceDays: 30);
        Assert.Equal((RefusalKind.Forbidden, "former-member"), (refusal?.Kind, refusal?.Code));
    }

    [Fact]
    public void the_old_branch_may_finish_its_records_within_the_grace_window()
    {
        Assert.Null(SecretaryReach.Check(OldBranch, M, Placement, Adjustment(Moved.AddDays(-1)), Moved.AddDays(30), graceDays: 30));
    }

    [Fact]
    public void the_new_branch_records_but_no_organisation_change_dated_before_the_move()
    {
        var today = Moved.AddDays(100);
        Assert.Null(SecretaryReach.Check(NewBranch, M, Placement, Adjustment(Moved.AddDays(1)), today, 30));
        var early = new MemberStatusChanged(new FactId("s-1"), Moved.AddDays(-1), M, MemberStatus.Full);
        var refusal = SecretaryReach.Check(NewBranch, M, Placement, early, today, 30);
        Assert.Equal((RefusalKind.Conflict, "dated-before-latest-change"), (refusal?.Kind, refusal?.Code));
        Assert.Null(SecretaryReach.Check(NewBranch, M, Placement, early with { OccurredOn = Moved }, today, 30));
    }

    [Fact]
    public void a_member_who_left_the_organisation_is_out_of_reach_after_the_grace_window()
    {
        var left = Placement with { LeftOn = Moved.AddDays(10), LatestChangeOn = Moved.AddDays(10) };
        Assert.Null(SecretaryReach.Check(NewBranch, M, left, Adjustment(Moved.AddDays(5)), Moved.AddDays(40), 30));
        Assert.Equal("former-member", SecretaryReach.Check(NewBranch, M, left, Adjustment(Moved.AddDays(5)), Moved.AddDays(41), 30)?.Code);
    }
}
